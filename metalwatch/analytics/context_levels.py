"""Context facts of spread levels (import window, gold premium, gold/silver ratio, curve):
the week's close against its past, and a two-state spread's flip."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metalwatch.analytics.context_record import LEVEL_Z, record
from metalwatch.analytics.resample import weekly_close_dates, weekly_closes
from metalwatch.analytics.spread_catalogue import SPREADS
from metalwatch.errors import NoDataError

TWO_STATE = {"import_window": ("open", "closed"), "curve": ("backwardation", "contango")}


def level(series: pd.Series, week: pd.Timestamp, lookback: int) -> dict[str, Any] | None:
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


def spread_level(
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
    lv = level(frame[col].dropna(), week, lookback)
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
    rec = record(
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


def spread_levels(
    data: pd.DataFrame,
    week: pd.Timestamp,
    lookback: int,
    params: dict[str, object],
    out: list[dict[str, Any]],
    skipped: dict[str, str],
    kinds: set[str],
) -> None:
    """Level records of every catalogued spread that a context kind tracks."""
    for spec in SPREADS.values():
        if not spec.kind or spec.kind not in kinds:
            continue
        try:
            frame = spec.frame(data, **params)
        except NoDataError as exc:
            skipped[f"{spec.kind} {spec.id}"] = str(exc)
            continue
        spread_level(
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
