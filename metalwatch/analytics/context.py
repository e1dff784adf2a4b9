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

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from metalwatch import registry
from metalwatch.analytics import spreads as sp
from metalwatch.analytics import stats
from metalwatch.analytics.resample import as_wide, weekly_close_dates, weekly_closes
from metalwatch.analytics.units import MAX_FX_AGE_DAYS
from metalwatch.errors import InvalidInputError, NoDataError

FIELDS = [
    "kind",
    "instrument",
    "metal",
    "week",
    "date",
    "value",
    "unit",
    "change",
    "z",
    "percentile",
    "rank_weeks",
    "direction",
    "score",
    "notable",
    "window",
    "sample_start",
    "sample_end",
    "n",
    "detail",
]
# When a fact is ``notable``: the numbers the rules below apply, and the words that state them
# (generated from the same numbers, so the two cannot drift apart).
EXTREME_Z = 2.0
EXTREME_RANK_WEEKS = 26
VOL_PERCENTILE_HIGH, VOL_PERCENTILE_LOW = 90.0, 10.0
TREND_P = 0.01
BETA_CORR = 0.5
INVENTORY_VS_NORM_PCT, INVENTORY_Z = 20.0, 1.5
LEVEL_Z = 2.0
#: Each kind's notability rule in words (the report's appendix and ``.attrs['thresholds']``).
THRESHOLDS = {
    "extreme_move": f"|z| >= {EXTREME_Z:g} or rank_weeks >= {EXTREME_RANK_WEEKS}",
    "volatility": f"percentile >= {VOL_PERCENTILE_HIGH:g} or <= {VOL_PERCENTILE_LOW:g}",
    "trend": f"p < {TREND_P:g}",
    "dollar_beta": f"|corr| >= {BETA_CORR:g}",
    "inventory_vs_norm": f"|vs norm| >= {INVENTORY_VS_NORM_PCT:g} % or |z| >= {INVENTORY_Z:g}",
    "import_window": f"the window opened or closed this week, or |z| >= {LEVEL_Z:g}",
    "gold_premium": f"|z| >= {LEVEL_Z:g}",
    "gold_silver_ratio": f"|z| >= {LEVEL_Z:g}",
    "curve": f"the structure flipped this week, or |z| >= {LEVEL_Z:g}",
}
MOVE_GROUPS = ("precious", "industrial", "context")
MOVER_KINDS = ("price", "index", "fx")


def is_mover(inst: registry.Instrument) -> bool:
    """Whether a series' weekly moves are ranked for extreme moves (daily prices, FX, indices)."""
    return inst.kind in MOVER_KINDS and inst.group in MOVE_GROUPS and inst.cadence == "daily"


TWO_STATE = {"import_window": ("open", "closed"), "curve": ("backwardation", "contango")}


def _level(series: pd.Series, week: pd.Timestamp, lookback: int) -> dict[str, Any] | None:
    """z, percentile and rank of the week's close of a level series against its past."""
    closes = weekly_closes(series.to_frame("x"))["x"]
    dates = weekly_close_dates(series.to_frame("x"))["x"]
    value = closes.get(week)
    if value is None or pd.isna(value):
        return None
    v = float(value)
    past = closes.loc[: week - pd.Timedelta(days=7)].dropna()
    prev = float(past.iloc[-1]) if len(past) else np.nan
    hist = past.loc[week - pd.Timedelta(weeks=lookback) :]
    if len(hist) < 10:
        return None
    high = v >= hist.median()
    beyond = hist[hist >= v] if high else hist[hist <= v]
    since = hist.index[0] if beyond.empty else beyond.index[-1]
    sd = hist.std()
    return {
        "value": v,
        "date": dates.at[week],
        "change": v - prev,
        "z": (v - hist.mean()) / sd if sd > 0 else np.nan,
        "percentile": (hist <= v).mean() * 100,
        "rank_weeks": (week - since).days // 7,
        "high": high,
        "n": len(hist),
        "sample_start": hist.index[0],
        "sample_end": hist.index[-1],
        "window": f"{len(hist)} weekly closes {hist.index[0]:%Y-%m-%d}..{hist.index[-1]:%Y-%m-%d}",
        "prev": prev,
    }


def _rec(kind: str, iid: Hashable, week: pd.Timestamp, **kw: Any) -> dict[str, Any]:
    reg = registry.all_instruments()
    iid = str(iid)
    metal = reg[iid].metal if iid in reg else kw.pop("metal", "")
    kw.pop("metal", None)
    rec = dict.fromkeys(FIELDS)
    rec.update(kind=kind, instrument=iid, metal=metal, week=week, **({"detail": {}} | kw))
    rec["detail"] = _plain(rec["detail"])
    return rec


def _plain(value: Any) -> Any:
    """Python scalars instead of numpy ones, recursively (details read cleanly and serialise)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value.item() if isinstance(value, np.generic) else value


def _moves(
    wide: pd.DataFrame,
    week: pd.Timestamp,
    ids: list[str],
    lookback: int,
    out: list[dict[str, Any]],
    skipped: dict[str, str],
) -> None:
    ms = stats.move_stats(wide[ids], week, lookback_weeks=lookback)
    for iid, r in ms.iterrows():
        notable = abs(r["z"]) >= EXTREME_Z or r["rank_weeks"] >= EXTREME_RANK_WEEKS
        out.append(
            _rec(
                "extreme_move",
                iid,
                week,
                date=wide[iid].loc[:week].last_valid_index(),
                value=r["move_pct"],
                unit="%",
                z=r["z"],
                percentile=r["percentile"],
                rank_weeks=int(r["rank_weeks"]),
                direction="up" if r["log_return"] >= 0 else "down",
                score=abs(r["z"]),
                notable=bool(notable),
                n=int(r["n"]),
                sample_start=r["sample_start"],
                sample_end=r["sample_end"],
                window=f"{int(r['n'])} weekly moves {r['sample_start']:%Y-%m-%d}.."
                f"{r['sample_end']:%Y-%m-%d}",
                detail={
                    "since": r["since"],
                    "record": bool(r["record"]),
                    "mean_pct": r["mean"] * 100,
                    "std_pct": r["std"] * 100,
                },
            )
        )
    for iid in sorted(set(ids) - set(ms.index)):
        skipped[f"extreme_move {iid}"] = "no close this week or under 10 weeks of history"


def _vol(wide: pd.DataFrame, week: pd.Timestamp, ids: list[str], out: list[dict[str, Any]]) -> None:
    vol = stats.realised_vol(wide[ids], week)
    for iid, r in vol.iterrows():
        if r["sample_end"] <= week - pd.Timedelta(days=7):
            continue
        p = r["ann_percentile"]
        out.append(
            _rec(
                "volatility",
                iid,
                week,
                date=r["sample_end"],
                value=r["daily_ann_pct"],
                unit="%",
                z=r["ann_z"],
                percentile=p,
                direction="high" if p >= 50 else "low",
                score=abs(r["ann_z"]),
                notable=bool(p >= VOL_PERCENTILE_HIGH or p <= VOL_PERCENTILE_LOW),
                n=int(r["n_days"]),
                sample_start=r["sample_start"],
                sample_end=r["sample_end"],
                window=f"{int(r['days'])}-day realised vol, annualised; percentile vs every "
                f"{int(r['days'])}-day window since {r['history_start']:%Y-%m-%d}",
                detail={"weekly_ann_pct": r["weekly_ann_pct"], "days": int(r["days"])},
            )
        )


def _trend(
    wide: pd.DataFrame, week: pd.Timestamp, ids: list[str], out: list[dict[str, Any]]
) -> None:
    tt = stats.trend_test(wide[ids], week)
    for iid, r in tt.iterrows():
        if r["sample_end"] != week:
            continue
        out.append(
            _rec(
                "trend",
                iid,
                week,
                date=r["sample_end"],
                value=r["drift_pct_per_week"],
                unit="% per week",
                z=r["t"],
                direction="up" if r["t"] >= 0 else "down",
                score=abs(r["t"]),
                notable=bool(r["p"] < TREND_P),
                n=int(r["n"]),
                sample_start=r["sample_start"],
                sample_end=r["sample_end"],
                window=f"{int(r['n'])} weekly log returns, HAC t-test of the mean",
                detail={"p": r["p"], "regime": r["regime"]},
            )
        )


def _beta(
    wide: pd.DataFrame,
    week: pd.Timestamp,
    ids: list[str],
    out: list[dict[str, Any]],
    skipped: dict[str, str],
) -> None:
    if "ICE.DXY" not in wide.columns:
        skipped["dollar_beta"] = "no ICE.DXY data"
        return
    recent = wide[[*ids, "ICE.DXY"]].loc[week - pd.Timedelta(weeks=70) : week]
    rb = stats.rolling_beta(recent, ids, "ICE.DXY")
    last = rb[rb["week"] == week]
    for _, r in last.iterrows():
        c, n = float(r["corr"]), int(r["nobs"])
        tstat = c * np.sqrt((n - 2) / (1 - c * c)) if abs(c) < 1 else np.inf
        out.append(
            _rec(
                "dollar_beta",
                r["series"],
                week,
                date=week,
                value=c,
                unit="corr",
                z=tstat,
                direction="positive" if c >= 0 else "negative",
                score=abs(tstat),
                notable=bool(abs(c) >= BETA_CORR),
                n=n,
                sample_start=r["sample_start"],
                sample_end=week,
                window=rb.attrs["window"],
                detail={"beta": r["beta"], "r2": r["r2"]},
            )
        )


def _inventories(
    data: pd.DataFrame,
    week: pd.Timestamp,
    ids: list[str],
    out: list[dict[str, Any]],
    skipped: dict[str, str],
) -> None:
    for iid in ids:
        try:
            s = stats.seasonal_norm(data, iid, week)
        except (NoDataError, InvalidInputError) as exc:
            skipped[f"inventory_vs_norm {iid}"] = str(exc)
            continue
        this = s["vs_norm_pct"].get(week)
        if this is None or pd.isna(this):
            skipped[f"inventory_vs_norm {iid}"] = "no stock figure this week"
            continue
        r = s.loc[week]
        dev = s["vs_norm_pct"].dropna()
        start, end, n = s.attrs["sample"]
        out.append(
            _rec(
                "inventory_vs_norm",
                iid,
                week,
                date=data[iid].loc[:week].last_valid_index(),
                value=r["vs_norm_pct"],
                unit="%",
                change=float(s["stock"].get(week, np.nan))
                - float(s["stock"].shift(1).get(week, np.nan)),
                z=r["z"],
                percentile=(dev <= r["vs_norm_pct"]).mean() * 100,
                direction="above" if r["vs_norm_pct"] >= 0 else "below",
                score=abs(r["z"]),
                notable=bool(
                    abs(r["vs_norm_pct"]) >= INVENTORY_VS_NORM_PCT or abs(r["z"]) >= INVENTORY_Z
                ),
                n=n,
                sample_start=start,
                sample_end=end,
                window=s.attrs["window"],
                detail={
                    "stock": r["stock"],
                    "norm": r["norm"],
                    "seasonal_pct": r["seasonal_pct"],
                    "stock_unit": s.attrs["units"]["stock"],
                    "filled_weeks": s.attrs["filled_weeks"],
                },
            )
        )


def _spread_level(
    kind: str,
    sid: str,
    frame: pd.DataFrame,
    col: str,
    unit: str,
    week: pd.Timestamp,
    lookback: int,
    out: list[dict[str, Any]],
    skipped: dict[str, str],
    detail_cols: list[str],
    **kw: Any,
) -> None:
    lv = _level(frame[col].dropna(), week, lookback)
    if lv is None:
        this_week = frame.loc[week - pd.Timedelta(days=6) : week]
        if this_week.empty:
            why = "a leg did not trade this week (or has no data this late)"
        elif this_week[col].isna().all():
            age = frame.attrs.get("params", {}).get("max_fx_age_days")
            why = f"no USD/CNY rate within {age} days of this week's prices"
        else:
            why = "under 10 weeks of history"
        skipped[f"{kind} {sid}"] = why
        return
    last = frame.loc[lv["date"]]
    detail = {c: last[c] for c in detail_cols if c in frame.columns}
    detail["params"] = frame.attrs.get("params", {})
    rec = _rec(
        kind,
        sid,
        week,
        date=lv["date"],
        value=lv["value"],
        unit=unit,
        change=lv["change"],
        z=lv["z"],
        percentile=lv["percentile"],
        rank_weeks=lv["rank_weeks"],
        score=abs(lv["z"]),
        n=lv["n"],
        sample_start=lv["sample_start"],
        sample_end=lv["sample_end"],
        window=lv["window"],
        detail=detail,
        **kw,
    )
    rec["direction"] = rec["direction"] or ("high" if lv["high"] else "low")
    big = abs(lv["z"]) >= LEVEL_Z
    if kind in TWO_STATE:  # the sign is the state: open/closed, backwardation/contango
        flipped = bool(np.isfinite(lv["prev"]) and (lv["value"] > 0) != (lv["prev"] > 0))
        rec["direction"] = TWO_STATE[kind][0 if lv["value"] > 0 else 1]
        rec["detail"]["flipped"] = flipped
        big = big or flipped
    rec["notable"] = bool(big)
    out.append(rec)


def _spreads(
    data: pd.DataFrame,
    week: pd.Timestamp,
    lookback: int,
    params: dict[str, object],
    out: list[dict[str, Any]],
    skipped: dict[str, str],
    kinds: set[str],
) -> None:
    """Level records of every catalogued spread that a context kind tracks."""
    for spec in sp.SPREADS.values():
        if not spec.kind or spec.kind not in kinds:
            continue
        try:
            frame = spec.frame(data, **params)
        except NoDataError as exc:
            skipped[f"{spec.kind} {spec.id}"] = str(exc)
            continue
        _spread_level(
            spec.kind,
            spec.id,
            frame.loc[:week],
            spec.column,
            spec.unit,
            week,
            lookback,
            out,
            skipped,
            list(spec.detail),
            metal=spec.metal,
        )


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
        _moves(wide, week, movers, lookback_weeks, out, skipped)
    if "volatility" in kinds and movers:
        _vol(wide, week, movers, out)
    if "trend" in kinds and movers:
        _trend(wide, week, movers, out)
    if "dollar_beta" in kinds and metals:
        _beta(wide, week, metals, out, skipped)
    if "inventory_vs_norm" in kinds and stocks:
        _inventories(wide, week, stocks, out, skipped)
    spread_kinds = {s.kind for s in sp.SPREADS.values() if s.kind} & set(kinds)
    if spread_kinds:
        terms: dict[str, object] = {
            "tenor": tenor,
            "vat": vat,
            "duty": duty,
            "premium_usd": premium_usd,
            "fees_cny": fees_cny,
            "max_fx_age_days": max_fx_age_days,
        }
        _spreads(wide, week, level_weeks, terms, out, skipped, spread_kinds)
    res = pd.DataFrame(out, columns=FIELDS)
    res[["rank_weeks", "n"]] = res[["rank_weeks", "n"]].astype("Int64")
    if not res.empty:
        res = res.sort_values(["notable", "score"], ascending=False, na_position="last")
    res = res.reset_index(drop=True)
    res.attrs["week"] = week
    res.attrs["skipped"] = {k: v for k, v in skipped.items() if k.split(" ")[0] in kinds}
    res.attrs["thresholds"] = {k: THRESHOLDS[k] for k in kinds}
    return res
