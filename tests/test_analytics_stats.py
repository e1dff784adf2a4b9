"""Statistical context, each figure recomputed here with numpy / scipy / statsmodels directly
from the raw bundled files (weekly closes via pandas ``resample('W-FRI')``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.tsa.seasonal import STL

import metalwatch
from metalwatch.analytics import stats
from metalwatch.analytics.moves import compute_moves
from metalwatch.errors import InvalidInputError, NoDataError
from tests.snapshot_data import WEEK, loaded, raw

PRICES = [
    "SHFE.CU",
    "LME.CA.3M",
    "COMEX.GC",
    "COMEX.SI",
    "SHFE.AG",
    "SHFE.SN",
    "ICE.DXY",
    "SHFE.AL",
    "FX.USDCNY",
]


def weekly_log_returns(iid: str, end=WEEK, field: str = "close") -> pd.Series:
    closes = raw(iid, field).loc[:end].resample("W-FRI").last().dropna()
    return np.log(closes).diff().dropna()


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return metalwatch.frame.to_wide(loaded([*PRICES, "LME.CA.STOCK", "LME.SN.STOCK"]))


def test_move_stats_against_a_direct_computation(data):
    got = stats.move_stats(data[PRICES], WEEK)
    for iid in PRICES:
        r = weekly_log_returns(iid)
        now = r.loc[WEEK]
        hist = r.loc[: WEEK - pd.Timedelta(days=7)]
        hist = hist[hist.index >= WEEK - pd.Timedelta(weeks=520)].to_numpy()
        row = got.loc[iid]
        assert row["log_return"] == pytest.approx(now, rel=1e-12)
        assert row["z"] == pytest.approx((now - hist.mean()) / hist.std(ddof=1), rel=1e-9)
        assert row["percentile"] == pytest.approx(sps.percentileofscore(hist, now, kind="weak"))
        assert row["n"] == len(hist)
        # "largest in N weeks": walk back to the last move at least as large, same direction
        back = r.loc[: WEEK - pd.Timedelta(days=7)]
        back = back[back.index >= WEEK - pd.Timedelta(weeks=520)]
        larger = [d for d, v in back.items() if (v >= now if now >= 0 else v <= now)]
        since = larger[-1] if larger else back.index[0]
        assert row["rank_weeks"] == (WEEK - since).days // 7
        assert row["record"] == (not larger)


def test_move_stats_agree_with_weekly_moves(data):
    got = stats.move_stats(data[PRICES], WEEK)
    mv = compute_moves(loaded(PRICES), WEEK, PRICES)
    assert np.allclose(got.loc[PRICES, "move_pct"], mv.loc[PRICES, "wow_pct"], rtol=1e-12)
    # SHFE silver +8.8 % on the week of 2025-12-12 (shared/data SOURCE.md: 14892 vs 13687)
    assert got.loc["SHFE.AG", "move_pct"] == pytest.approx((14892 / 13687 - 1) * 100)
    assert got.attrs["window"] == "weekly log returns, 520 weeks before the week"


def test_move_stats_all_history(data):
    got = stats.move_stats(data[["LME.CA.3M"]], WEEK, lookback_weeks=None)
    r = weekly_log_returns("LME.CA.3M")
    hist = r.loc[: WEEK - pd.Timedelta(days=7)]
    assert got.loc["LME.CA.3M", "n"] == len(hist)
    assert got.loc["LME.CA.3M", "sample_start"] == hist.index[0]


def test_realised_vol(data):
    got = stats.realised_vol(data[PRICES], WEEK)
    for iid in ("LME.CA.3M", "SHFE.CU", "COMEX.GC"):
        px = raw(iid).loc[:WEEK]
        r = np.diff(np.log(px.to_numpy()))
        last = r[-63:]
        assert got.loc[iid, "daily_pct"] == pytest.approx(last.std(ddof=1) * 100, rel=1e-9)
        assert got.loc[iid, "daily_ann_pct"] == pytest.approx(
            last.std(ddof=1) * np.sqrt(252) * 100, rel=1e-9
        )
        wk = weekly_log_returns(iid).to_numpy()[-26:]
        assert got.loc[iid, "weekly_ann_pct"] == pytest.approx(
            wk.std(ddof=1) * np.sqrt(52) * 100, rel=1e-9
        )
        roll = pd.Series(r).rolling(63).std().dropna().to_numpy()
        pct = (roll <= roll[-1]).mean() * 100
        assert got.loc[iid, "ann_percentile"] == pytest.approx(pct)
        assert got.loc[iid, "sample_end"] == px.index[-1]
        assert got.loc[iid, "n_days"] == 63


def test_seasonal_norm_against_statsmodels_stl(data):
    got = stats.seasonal_norm(data, "LME.CA.STOCK", WEEK)
    weekly = raw("LME.CA.STOCK", "stock").loc[:WEEK].resample("W-FRI").last()
    logs = np.log(weekly).interpolate(limit_area="inside")
    res = STL(logs.to_numpy(), period=52, seasonal=21, seasonal_deg=0, robust=True).fit()
    seasonal = pd.Series(res.seasonal, index=weekly.index)
    base = logs.loc[: WEEK - pd.Timedelta(days=7)].iloc[-260:].mean()  # 5 years before
    norm = np.exp(base + seasonal.loc[WEEK])
    row = got.loc[WEEK]
    assert row["stock"] == 165900.0
    assert row["seasonal_pct"] == pytest.approx(np.expm1(seasonal.loc[WEEK]) * 100, rel=1e-9)
    assert row["norm"] == pytest.approx(norm, rel=1e-9)
    assert row["vs_norm_pct"] == pytest.approx((165900.0 / norm - 1) * 100, rel=1e-9)
    assert got.attrs["units"]["stock"] == "t"
    assert got.attrs["sample"][2] == weekly.notna().sum()
    assert "STL(period=52" in got.attrs["window"]


def test_seasonal_norm_needs_enough_positive_history(data):
    short = data.loc["2025-01-01":, ["LME.CA.STOCK"]]
    with pytest.raises(NoDataError, match="STL needs 105"):
        stats.seasonal_norm(short, "LME.CA.STOCK")
    with pytest.raises(InvalidInputError, match="pass series"):
        stats.seasonal_norm(data, None)


def test_rolling_beta_last_window_against_numpy(data):
    got = stats.rolling_beta(data[["LME.CA.3M", "COMEX.GC", "ICE.DXY"]].loc[:WEEK])
    dxy = weekly_log_returns("ICE.DXY")
    for iid in ("LME.CA.3M", "COMEX.GC"):
        pair = pd.concat([weekly_log_returns(iid), dxy], axis=1, join="inner").iloc[-52:]
        y, x = pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy()
        slope, intercept = np.polyfit(x, y, 1)
        row = got[(got["series"] == iid) & (got["week"] == WEEK)].iloc[0]
        assert row["beta"] == pytest.approx(slope, rel=1e-9)
        assert row["alpha"] == pytest.approx(intercept, rel=1e-7, abs=1e-12)
        assert row["corr"] == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-9)
        assert row["nobs"] == 52
        assert row["sample_start"] == pair.index[0]
    assert got.attrs["window"] == "52 paired weekly log returns vs ICE.DXY"


def test_rolling_beta_needs_the_benchmark(data):
    with pytest.raises(NoDataError, match="benchmark"):
        stats.rolling_beta(data[["LME.CA.3M"]])


def test_trend_test_against_statsmodels_hac(data):
    got = stats.trend_test(data[["COMEX.GC", "ICE.DXY"]], WEEK)
    for iid in ("COMEX.GC", "ICE.DXY"):
        r = weekly_log_returns(iid).to_numpy()[-26:]
        fit = sm.OLS(r, np.ones(26)).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
        assert got.loc[iid, "drift_pct_per_week"] == pytest.approx(np.expm1(r.mean()) * 100)
        assert got.loc[iid, "t"] == pytest.approx(fit.tvalues[0], rel=1e-9)
        assert got.loc[iid, "p"] == pytest.approx(fit.pvalues[0], rel=1e-9)
    assert got.loc["COMEX.GC", "regime"] == "up"  # gold's 2025 rally
    assert got.loc["ICE.DXY", "regime"] == "none"
