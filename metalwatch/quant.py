"""The quant layer of the notebook API: inventories, spreads, context, conversions, charts.

Statistics of a series (volatility, move statistics, seasonal norms, beta) and event studies
are in :mod:`metalwatch.studies`.

Same conventions as :mod:`metalwatch.api`: ``ids``, ``start``, ``end``, ``week``, ``store``,
everything after the first argument keyword-only. Re-exported from ``metalwatch``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from metalwatch import frame, registry
from metalwatch.analytics import weeks as week_rules
from metalwatch.analytics.units import MAX_FX_AGE_DAYS
from metalwatch.api import prices
from metalwatch.api_args import DateArg, Ids, date_arg, market_spans
from metalwatch.errors import InvalidInputError, NoDataError
from metalwatch.ingest.seed import StoreArg, opened

if TYPE_CHECKING:  # pragma: no cover
    pass


__all__ = ["context", "convert", "inventories", "plot", "spreads"]


def _tidy(wide: pd.DataFrame) -> pd.DataFrame:
    """Long rows ``date, instrument, value, unit`` from a wide frame with units in ``.attrs``."""
    units = _units(wide)
    long = (
        wide.rename_axis("date")
        .reset_index()
        .melt(id_vars="date", var_name="instrument", value_name="value")
        .dropna(subset=["value"])
    )
    long["instrument"] = long["instrument"].astype("string")
    long["unit"] = long["instrument"].map(units).astype("string")
    out = long.sort_values(["instrument", "date"]).reset_index(drop=True)
    out.attrs = {k: v for k, v in wide.attrs.items() if k != "units"}
    return out


def _units(wide: pd.DataFrame) -> dict[str, str]:
    """``{column: unit}`` from ``.attrs['units']`` (a dict, or one unit for every column)."""
    units = wide.attrs.get("units", {})
    return units if isinstance(units, dict) else dict.fromkeys(map(str, wide.columns), units)


def _movers(ids: Ids | None) -> list[str]:
    from metalwatch.analytics.context import is_mover

    if ids is not None:
        return [i.id for i in registry.resolve(ids)]
    return [i.id for i in registry.all_instruments().values() if is_mover(i)]


def _week_rows(week: DateArg, ids: list[str], store: StoreArg) -> tuple[pd.Timestamp, pd.DataFrame]:
    """The week's Friday and each id's registered field up to it (all history), one read."""
    reg = registry.all_instruments()
    with opened(store) as st:
        w = week_rules.resolve_week(week, market_spans(st))
        rows = st.read(ids, fields=sorted({reg[i].field for i in ids}), end=w)
    return w, frame.registered(rows)


def inventories(
    ids: Ids | None = None,
    *,
    start: DateArg = None,
    end: DateArg = None,
    unit: str | None = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Warehouse stocks: DatetimeIndex x inventory ids (default: every one with data).

    Parameters
    ----------
    ids
        Inventory series id(s); default every registered one.
    start, end
        First and last date (inclusive).
    unit
        Convert masses (``'t'``: short tons and ounces to tonnes); units in ``.attrs['units']``.
    tidy
        Rows ``date, instrument, value, unit`` instead of a wide frame.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.units import convert_wide

    reg = registry.all_instruments()
    if ids is None:
        wanted = [i.id for i in reg.values() if i.kind == "inventory"]
    else:
        wanted = [i.id for i in registry.resolve(ids)]
        wrong = [i for i in wanted if reg[i].kind != "inventory"]
        if wrong:
            raise InvalidInputError(f"not inventory series: {', '.join(wrong)}")
    with opened(store) as st:
        df = st.read(wanted, fields=["stock"], start=date_arg(start), end=date_arg(end))
    if df.empty:
        raise NoDataError("no stored stocks for the series and range asked")
    wide = frame.to_wide(df, "stock")
    if ids is not None:
        wide = wide.reindex(columns=wanted)
        wide.attrs["units"] = {i: reg[i].unit for i in wanted}
    if unit is not None:
        wide = convert_wide(wide, unit)
    return _tidy(wide) if tidy else wide


def spreads(
    ids: Ids | None = None,
    *,
    start: DateArg = None,
    end: DateArg = None,
    detail: bool = False,
    tidy: bool = False,
    tenor: str = "3M",
    vat: float | None = None,
    duty: float | None = None,
    premium_usd: float = 0.0,
    fees_cny: float = 0.0,
    max_fx_age_days: int = MAX_FX_AGE_DAYS,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Cross-venue spreads and ratios by day: SHFE/LME ratios, import P/L, gold/silver, ...

    Parameters
    ----------
    ids
        Spread ids (default all): ``CU.SHFE/LME``, ``CU.IMPORT`` (CNY/t), ``AU/AG``,
        ``AU.SH-LDN`` (USD/oz), ``CU.CASH-3M`` (USD/t), and the same for ``AL`` and ``SN``.
    start, end
        First and last date (inclusive).
    detail
        With a single id, return that spread's legs, USD/CNY rate and its date, and terms.
    tidy
        Rows ``date, instrument, value, unit`` instead of a wide frame (not with ``detail``).
    tenor
        LME leg of the SHFE/LME ratio and the import P/L: ``'3M'`` or ``'CASH'``.
    vat, duty
        Rates for the import P/L; default None = China's dated VAT and duty schedules.
    premium_usd, fees_cny
        Physical premium over LME (USD/t) and landing costs (CNY/t) in the import P/L.
    max_fx_age_days
        Oldest USD/CNY rate (calendar days) joined to a day's prices.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics import spread_catalogue as catalogue

    if ids is None:
        wanted = list(catalogue.SPREADS)
    else:
        wanted = [ids] if isinstance(ids, str) else list(ids)
    specs = [catalogue.spread(sid) for sid in wanted]
    params: dict[str, object] = {
        "tenor": tenor,
        "vat": vat,
        "duty": duty,
        "premium_usd": premium_usd,
        "fees_cny": fees_cny,
        "max_fx_age_days": max_fx_age_days,
    }
    first = date_arg(start)
    with opened(store) as st:
        data = st.read(
            catalogue.LEGS,
            start=None if first is None else first - pd.Timedelta(days=max_fx_age_days),
            end=date_arg(end),
        )
    if detail:
        if len(specs) != 1:
            raise InvalidInputError("detail=True needs exactly one spread id")
        out = specs[0].frame(data, **params)
    else:
        out = catalogue.all_spreads(data, [s.id for s in specs], **params)
        if out.empty:
            raise NoDataError(f"no spread computable: {out.attrs['skipped']}")
    if first is not None:
        out = out.loc[first:]
    return _tidy(out) if tidy and not detail else out


def context(
    week: DateArg = None,
    *,
    kinds: Iterable[str] | None = None,
    notable: bool = False,
    lookback_weeks: int = 520,
    level_weeks: int = 156,
    max_fx_age_days: int = MAX_FX_AGE_DAYS,
    store: StoreArg = None,
) -> pd.DataFrame:
    """The week's strongest statistical facts as records, strongest first.

    Parameters
    ----------
    week
        Any date; default the latest week the store covers.
    kinds
        Restrict to these kinds: ``extreme_move``, ``volatility``, ``trend``,
        ``dollar_beta``, ``inventory_vs_norm``, ``import_window``, ``gold_premium``,
        ``gold_silver_ratio``, ``curve``.
    notable
        Keep only the facts that pass their kind's threshold (``.attrs['thresholds']``).
    lookback_weeks, level_weeks
        History for move z-scores (weeks) and for spread levels (weeks).
    max_fx_age_days
        Oldest USD/CNY rate joined to a day's prices in the spreads.
    store
        Store, path or None for the default store.

    Returns
    -------
    DataFrame
        One record per fact (shape documented in :mod:`metalwatch.analytics.context`);
        ``.attrs['skipped']`` says what could not be computed and why.
    """
    from metalwatch.analytics.context import weekly_context
    from metalwatch.analytics.spread_catalogue import LEGS

    reg = registry.all_instruments()
    ids = sorted(
        set(_movers(None)) | set(LEGS) | {i for i, r in reg.items() if r.kind == "inventory"}
    )
    w, data = _week_rows(week, ids, store)
    out = weekly_context(
        data,
        w,
        kinds=None if kinds is None else list(kinds),
        lookback_weeks=lookback_weeks,
        level_weeks=level_weeks,
        max_fx_age_days=max_fx_age_days,
    )
    if notable:
        kept = out[out["notable"]].reset_index(drop=True)
        kept.attrs = out.attrs
        out = kept
    return out


def convert(
    data: pd.DataFrame | Ids,
    *,
    to: str | dict[str, str],
    ex_vat: bool = True,
    fx: pd.Series | float | None = None,
    max_fx_age_days: int = MAX_FX_AGE_DAYS,
    start: DateArg = None,
    end: DateArg = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Convert prices or stocks to another unit, e.g. every copper price to ``'USD/t'``.

    Parameters
    ----------
    data
        A wide frame from :func:`~metalwatch.prices` / :func:`inventories` (units in
        ``.attrs``), or instrument id(s).
    to
        Target unit for every column, or ``{id: unit}``.
    ex_vat
        Strip the VAT included in SHFE prices (dated 17 % / 16 % / 13 %; gold has none).
    fx
        USD/CNY rates by date or an explicit constant; default: the stored ``FX.USDCNY`` close
        as of each date, at most ``max_fx_age_days`` old (older: NaN, counted in
        ``.attrs['fx']``).
    start, end
        Date range when ``data`` is ids.
    tidy
        Rows ``date, instrument, value, unit`` instead of a wide frame.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.units import FX_ID, convert_wide, parse_unit

    wide = (
        data if isinstance(data, pd.DataFrame) else prices(data, start=start, end=end, store=store)
    )
    units = _units(wide)
    targets = to if isinstance(to, dict) else dict.fromkeys(map(str, wide.columns), to)
    needs_fx = any(
        parse_unit(units.get(c, "")).currency != parse_unit(t).currency for c, t in targets.items()
    )
    if needs_fx and fx is None and not wide.empty:
        lo = wide.index.min() - pd.Timedelta(days=max_fx_age_days)
        with opened(store) as st:
            rates = st.read([FX_ID], fields=["close"], start=lo, end=wide.index.max())
        fx = pd.Series(rates["value"].to_numpy(), index=pd.DatetimeIndex(rates["date"]))
    out = convert_wide(wide, targets, fx=fx, ex_vat=ex_vat, max_age_days=max_fx_age_days)
    return _tidy(out) if tidy else out


def plot(
    data: pd.DataFrame | Ids,
    *,
    start: DateArg = None,
    end: DateArg = None,
    rebase: bool = False,
    title: str | None = None,
    ax: Any = None,
    store: StoreArg = None,
) -> Any:
    """A quick matplotlib line chart of a wide frame or of instruments' prices; returns the Axes.

    Parameters
    ----------
    data
        A wide frame (units in ``.attrs``) or instrument id(s).
    start, end
        Date range drawn.
    rebase
        Rescale every series to 100 at its first value; otherwise two units share the chart
        with a second y axis.
    title
        Chart title (default: the column names).
    ax
        A matplotlib Axes to draw on (default: a new figure).
    store
        Store, path or None for the default store.
    """
    import matplotlib.pyplot as plt

    wide = (
        data if isinstance(data, pd.DataFrame) else prices(data, start=start, end=end, store=store)
    )
    wide = wide.loc[date_arg(start) : date_arg(end)]
    units = _units(wide)
    groups: dict[str, list[str]] = {}
    for col in map(str, wide.columns):
        groups.setdefault("rebased (first = 100)" if rebase else units.get(col, ""), []).append(col)
    if len(groups) > 2:
        raise InvalidInputError(f"{len(groups)} different units in one chart: pass rebase=True")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    axes = [ax, ax.twinx()] if len(groups) == 2 else [ax]
    first = len(next(iter(groups.values()), []))
    for i, ((label, cols), axis) in enumerate(zip(groups.items(), axes, strict=True)):
        for j, col in enumerate(cols):
            s = wide[col].dropna()
            if rebase and not s.empty:
                s = s / s.iloc[0] * 100
            axis.plot(
                s.index,
                s.to_numpy(),
                label=f"{col} ({units.get(col, '')})",
                color=f"C{i * first + j}",
                lw=1.2,
            )
        axis.set_ylabel(label)
    handles = [h for a in axes for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles, [h.get_label() for h in handles], loc="best", fontsize=8)
    ax.set_title(title or ", ".join(map(str, wide.columns)))
    ax.grid(alpha=0.3)
    return ax
