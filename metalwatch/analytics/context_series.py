"""Context facts of single series: extreme weekly moves, realised volatility, trend, dollar
beta and inventories against their seasonal norm (records of
:mod:`~metalwatch.analytics.context_record`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metalwatch.analytics import stats
from metalwatch.analytics.context_record import (
    BETA_CORR,
    EXTREME_RANK_WEEKS,
    EXTREME_Z,
    INVENTORY_VS_NORM_PCT,
    INVENTORY_Z,
    TREND_P,
    VOL_PERCENTILE_HIGH,
    VOL_PERCENTILE_LOW,
    record,
)
from metalwatch.errors import InvalidInputError, NoDataError


def extreme_moves(
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
            record(
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


def volatility(
    wide: pd.DataFrame, week: pd.Timestamp, ids: list[str], out: list[dict[str, Any]]
) -> None:
    vol = stats.realised_vol(wide[ids], week)
    for iid, r in vol.iterrows():
        if r["sample_end"] <= week - pd.Timedelta(days=7):
            continue
        p = r["ann_percentile"]
        out.append(
            record(
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


def trends(
    wide: pd.DataFrame, week: pd.Timestamp, ids: list[str], out: list[dict[str, Any]]
) -> None:
    tt = stats.trend_test(wide[ids], week)
    for iid, r in tt.iterrows():
        if r["sample_end"] != week:
            continue
        out.append(
            record(
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


def dollar_betas(
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
            record(
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


def inventories_vs_norm(
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
            record(
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
