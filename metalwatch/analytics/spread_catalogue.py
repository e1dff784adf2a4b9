"""The one catalogue of spreads (:data:`SPREADS`): each spread's id, headline column, unit,
parameters and context kind; the instruments they need (:data:`LEGS`); and every spread's
headline series at once (:func:`all_spreads`). The calculations are in
:mod:`~metalwatch.analytics.spreads`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from metalwatch.analytics import units as u
from metalwatch.analytics.resample import as_wide
from metalwatch.analytics.spreads import (
    METALS,
    cash_3m,
    gold_premium,
    gold_silver_ratio,
    import_pl,
    shfe_lme_ratio,
)
from metalwatch.errors import InvalidInputError, NoDataError

#: Keyword parameters the spread functions take, by group.
FX_PARAMS = frozenset({"fx", "max_fx_age_days"})
RATIO_PARAMS = FX_PARAMS | {"tenor"}
IMPORT_PARAMS = RATIO_PARAMS | {"vat", "duty", "premium_usd", "fees_cny"}


@dataclass(frozen=True)
class Spread:
    """One spread of the catalogue: how it is computed and what it reports.

    ``compute(data, **params)`` returns the full frame (legs, rate and result); ``column`` is
    its headline column in ``unit``; ``params`` the keyword parameters it accepts; ``kind``
    the statistical-context kind that tracks its level (empty: none); ``detail`` the columns
    a context record quotes.
    """

    id: str
    metal: str
    column: str
    unit: str
    compute: Callable[..., pd.DataFrame]
    params: frozenset[str] = frozenset()
    kind: str = ""
    detail: tuple[str, ...] = ()

    def frame(self, data: pd.DataFrame, **params: object) -> pd.DataFrame:
        """The spread's frame from ``data``, passing only the parameters it takes."""
        return self.compute(data, **{k: v for k, v in params.items() if k in self.params})


def _catalogue() -> dict[str, Spread]:
    out: dict[str, Spread] = {}
    for c, m in METALS.items():
        out[f"{c}.SHFE/LME"] = Spread(
            f"{c}.SHFE/LME",
            m.name,
            "ratio",
            "ratio",
            lambda d, c=c, **k: shfe_lme_ratio(d, c, **k),
            RATIO_PARAMS,
        )
    for c, m in METALS.items():
        out[f"{c}.IMPORT"] = Spread(
            f"{c}.IMPORT",
            m.name,
            "pl",
            "CNY/t",
            lambda d, c=c, **k: import_pl(d, c, **k),
            IMPORT_PARAMS,
            "import_window",
            ("shfe", "lme", "usdcny", "fx_date", "vat", "duty", "cost"),
        )
    out["AU/AG"] = Spread(
        "AU/AG",
        "gold",
        "ratio",
        "oz/oz",
        lambda d, **k: gold_silver_ratio(d),
        kind="gold_silver_ratio",
        detail=("gold", "silver"),
    )
    out["AU.SH-LDN"] = Spread(
        "AU.SH-LDN",
        "gold",
        "premium",
        "USD/oz",
        lambda d, **k: gold_premium(d, **k),
        FX_PARAMS,
        "gold_premium",
        ("shanghai", "usdcny", "fx_date", "shanghai_usd", "london"),
    )
    for c, m in METALS.items():
        out[f"{c}.CASH-3M"] = Spread(
            f"{c}.CASH-3M",
            m.name,
            "spread",
            "USD/t",
            lambda d, c=c, **k: cash_3m(d, c),
            kind="curve",
            detail=("cash", "three_month"),
        )
    return out


#: Spread id -> :class:`Spread`: the one catalogue the API, the context and the report read.
SPREADS: dict[str, Spread] = _catalogue()
#: Every instrument a spread needs.
LEGS = [
    *(i for m in METALS.values() for i in (m.shfe, m.lme_cash, m.lme_3m)),
    "COMEX.GC",
    "COMEX.SI",
    "SHFE.AU",
    "LBMA.AU.PM",
    u.FX_ID,
]


def spread(spread_id: str) -> Spread:
    """The catalogue entry for ``spread_id``, or a one-line :class:`InvalidInputError`."""
    try:
        return SPREADS[spread_id]
    except KeyError:
        raise InvalidInputError(
            f"unknown spread {spread_id[:40]!r} (known: {', '.join(SPREADS)})"
        ) from None


def all_spreads(data: pd.DataFrame, ids: list[str] | None = None, **params: object) -> pd.DataFrame:
    """Every spread's headline series, one column per spread id (see :data:`SPREADS`).

    ``params`` go to the functions that take them (``tenor``, ``vat``, ``duty``,
    ``premium_usd``, ``fees_cny``, ``fx``, ``max_fx_age_days``). Spreads whose legs are absent
    from ``data`` are left out and named in ``.attrs['skipped']``.
    """
    ids = list(SPREADS) if ids is None else ids
    specs = [spread(sid) for sid in ids]
    if "instrument" in data.columns:  # tidy: pivot the legs alone, once for every spread
        data = data[data["instrument"].isin(LEGS)]
    data = as_wide(data)
    cols, skipped, units = {}, {}, {}
    for spec in specs:
        try:
            cols[spec.id] = spec.frame(data, **params)[spec.column]
        except NoDataError as exc:
            skipped[spec.id] = str(exc)
            continue
        units[spec.id] = spec.unit
    out = pd.DataFrame(cols).sort_index()
    out.index.name = "date"
    out.attrs["units"] = units
    out.attrs["skipped"] = skipped
    out.attrs["params"] = {k: v for k, v in params.items() if k != "fx"}
    return out
