"""The strongest statistical facts of a week, as structured records for the report's views.

:func:`weekly_context` returns one row per fact. Every record has the same keys:

=============  ==========================================================================
kind           ``extreme_move`` | ``volatility`` | ``trend`` | ``dollar_beta`` |
               ``inventory_vs_norm`` | ``import_window`` | ``gold_premium`` |
               ``gold_silver_ratio`` | ``curve``
instrument     instrument id, or spread id (``CU.IMPORT``, ``AU.SH-LDN``, ``AU/AG``,
               ``CU.CASH-3M``)
metal          ``copper``, ``gold``... (empty for the dollar index and USD/CNY)
week, date     the week's Friday; the trading day the value comes from
value, unit    the headline figure and its unit (``%`` for moves and deviations)
change         change of ``value`` since the previous weekly close (levels only)
z              z-score of the value against the sample (NaN where not meaningful)
percentile     share of the sample at or below the value, in %
rank_weeks     the value is the most extreme in its direction for ``rank_weeks`` weeks
               (the last at least as extreme was that many weeks earlier)
direction      ``up``/``down`` (moves, trend), ``high``/``low`` (volatility, levels),
               ``above``/``below`` (inventories), ``open``/``closed`` (import window),
               ``backwardation``/``contango`` (curve), ``positive``/``negative`` (beta)
score          strength on one z-like scale (absolute standard deviations) to rank facts
notable        whether the fact passes its kind's threshold (see :data:`THRESHOLDS`)
window         the window and sample in words, e.g. ``"520 weekly moves 2015-12-25..."``
sample_start, sample_end, n    the sample behind ``z`` / ``percentile``
detail         dict of supporting numbers (legs, FX rate and its date; spread terms under
               ``detail['params']``)
=============  ==========================================================================

Facts that cannot be computed (no data, a stale USD/CNY rate, too short a history) are not
invented: they are listed with the reason in ``.attrs['skipped']``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.context_levels import spread_levels
from metalwatch.analytics.context_record import FIELDS, THRESHOLDS
from metalwatch.analytics.context_series import (
    dollar_betas,
    extreme_moves,
    inventories_vs_norm,
    trends,
    volatility,
)
from metalwatch.analytics.resample import as_wide
from metalwatch.analytics.spread_catalogue import SPREADS
from metalwatch.analytics.units import MAX_FX_AGE_DAYS
from metalwatch.errors import InvalidInputError

__all__ = ["FIELDS", "THRESHOLDS", "is_mover", "weekly_context"]

MOVE_GROUPS = ("precious", "industrial", "context")
MOVER_KINDS = ("price", "index", "fx")


def is_mover(inst: registry.Instrument) -> bool:
    """Whether a series' weekly moves are ranked for extreme moves (daily prices, FX, indices)."""
    return inst.kind in MOVER_KINDS and inst.group in MOVE_GROUPS and inst.cadence == "daily"


def weekly_context(
    data: pd.DataFrame,
    week: pd.Timestamp | str,
    *,
    instruments: list[str] | None = None,
    lookback_weeks: int = 520,
    level_weeks: int = 156,
    kinds: list[str] | None = None,
    tenor: str = "3M",
    vat: float | None = None,
    duty: float | None = None,
    premium_usd: float = 0.0,
    fees_cny: float = 0.0,
    max_fx_age_days: int = MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """The week's statistical facts, strongest first (record shape: see the module docstring).

    Parameters
    ----------
    data
        Canonical tidy frame up to (at least) ``week``: prices, stocks, ``FX.USDCNY`` and
        ``ICE.DXY``. Nothing after ``week`` is used.
    week
        The week's Friday.
    instruments
        Ids considered for moves, volatility, trend, dollar beta and inventories (default:
        every registered price, index, FX and inventory series present, reference and equity
        groups excluded). Spreads always use their fixed legs.
    lookback_weeks
        History for move z-scores and percentiles (default 520 weeks, about 10 years).
    level_weeks
        History for spread levels (default 156 weeks, 3 years).
    kinds
        Restrict to these kinds (default: all of :data:`THRESHOLDS`).
    tenor, vat, duty, premium_usd, fees_cny, max_fx_age_days
        Terms of the import window and the gold premium (see
        :func:`metalwatch.analytics.spreads.import_pl`).

    Returns
    -------
    DataFrame
        One row per fact with the columns of :data:`FIELDS`, sorted by ``notable`` then
        ``score``; ``.attrs['skipped']`` maps facts not computed to the reason.
    """
    week = pd.Timestamp(week)
    kinds = list(THRESHOLDS) if kinds is None else kinds
    unknown = set(kinds) - set(THRESHOLDS)
    if unknown:
        raise InvalidInputError(f"unknown context kind(s): {', '.join(sorted(unknown))}")
    data = data[data["date"] <= week]
    wide = as_wide(data)
    reg = registry.all_instruments()
    present = [c for c in wide.columns if c in reg]
    ids = present if instruments is None else [i for i in instruments if i in present]
    movers = [i for i in ids if is_mover(reg[i])]
    metals = [i for i in movers if reg[i].kind == "price"]
    stocks = [i for i in ids if reg[i].kind == "inventory"]
    out: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    if "extreme_move" in kinds and movers:
        extreme_moves(wide, week, movers, lookback_weeks, out, skipped)
    if "volatility" in kinds and movers:
        volatility(wide, week, movers, out)
    if "trend" in kinds and movers:
        trends(wide, week, movers, out)
    if "dollar_beta" in kinds and metals:
        dollar_betas(wide, week, metals, out, skipped)
    if "inventory_vs_norm" in kinds and stocks:
        inventories_vs_norm(wide, week, stocks, out, skipped)
    spread_kinds = {s.kind for s in SPREADS.values() if s.kind} & set(kinds)
    if spread_kinds:
        terms: dict[str, object] = {
            "tenor": tenor,
            "vat": vat,
            "duty": duty,
            "premium_usd": premium_usd,
            "fees_cny": fees_cny,
            "max_fx_age_days": max_fx_age_days,
        }
        spread_levels(wide, week, level_weeks, terms, out, skipped, spread_kinds)
    res = pd.DataFrame(out, columns=FIELDS)
    res[["rank_weeks", "n"]] = res[["rank_weeks", "n"]].astype("Int64")
    if not res.empty:
        res = res.sort_values(["notable", "score"], ascending=False, na_position="last")
    res = res.reset_index(drop=True)
    res.attrs["week"] = week
    res.attrs["skipped"] = {k: v for k, v in skipped.items() if k.split(" ")[0] in kinds}
    res.attrs["thresholds"] = {k: THRESHOLDS[k] for k in kinds}
    return res
