"""The week's statistical facts: record shape, values recomputed by hand, no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from metalwatch.analytics import stats
from metalwatch.analytics.context import FIELDS, THRESHOLDS, weekly_context
from metalwatch.errors import InvalidInputError
from tests.snapshot_data import FX_1212, WEEK, analytics_ids, loaded, raw, rows


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return loaded(analytics_ids())


@pytest.fixture(scope="module")
def ctx(data) -> pd.DataFrame:
    return weekly_context(data, WEEK)


def one(ctx: pd.DataFrame, kind: str, iid: str) -> pd.Series:
    rows = ctx[(ctx["kind"] == kind) & (ctx["instrument"] == iid)]
    assert len(rows) == 1, (kind, iid)
    return rows.iloc[0]


def weekly_log_returns(iid: str) -> pd.Series:
    return np.log(raw(iid).loc[:WEEK].resample("W-FRI").last().dropna()).diff().dropna()


def test_record_shape(ctx):
    assert list(ctx.columns) == FIELDS
    assert set(ctx["kind"]) == set(THRESHOLDS)
    assert (ctx["week"] == WEEK).all()
    assert (ctx["date"] <= WEEK).all()
    assert ctx["score"].notna().all()
    assert ctx["detail"].map(lambda d: isinstance(d, dict)).all()
    order = list(zip(~ctx["notable"], -ctx["score"], strict=True))
    assert order == sorted(order)  # notable first, then by strength
    rec = ctx.iloc[0].to_dict()
    assert set(rec) == set(FIELDS)


def test_extreme_move_record(ctx):
    rec = one(ctx, "extreme_move", "SHFE.AG")
    assert rec["value"] == pytest.approx((14892 / 13687 - 1) * 100)
    r = np.log(raw("SHFE.AG").loc[:WEEK].resample("W-FRI").last().dropna()).diff().dropna()
    hist = r.loc[WEEK - pd.Timedelta(weeks=520) : WEEK - pd.Timedelta(days=7)]
    assert rec["z"] == pytest.approx((r.loc[WEEK] - hist.mean()) / hist.std(), rel=1e-9)
    assert rec["score"] == pytest.approx(abs(rec["z"]))
    assert rec["notable"]  # z = 2.4
    assert rec["direction"] == "up" and rec["unit"] == "%" and rec["metal"] == "silver"
    assert rec["n"] == len(hist) and rec["sample_start"] == hist.index[0]
    assert rec["window"].startswith(f"{len(hist)} weekly moves ")


def test_import_window_record(ctx):
    rec = one(ctx, "import_window", "CU.IMPORT")
    pl = 94170 - 11800 * FX_1212 * 1.13
    assert rec["value"] == pytest.approx(pl, rel=1e-12)  # about +60 CNY/t
    assert rec["direction"] == "open" and rec["unit"] == "CNY/t"
    assert rec["detail"]["usdcny"] == FX_1212
    assert rec["detail"]["fx_date"] == WEEK
    assert rec["detail"]["vat"] == 0.13 and rec["detail"]["duty"] == 0.0
    prev = 92780 - 11617 * raw("FX.USDCNY").loc["2025-12-05"] * 1.13  # closed a week earlier
    assert prev < 0
    assert rec["change"] == pytest.approx(pl - prev, rel=1e-9)
    assert rec["detail"]["flipped"] and rec["notable"]
    assert one(ctx, "import_window", "SN.IMPORT")["direction"] == "closed"


def test_level_records(ctx):
    ratio = one(ctx, "gold_silver_ratio", "AU/AG")
    assert ratio["value"] == pytest.approx(4300.1 / 61.36)
    closes = (raw("COMEX.GC") / raw("COMEX.SI")).dropna().resample("W-FRI").last().dropna()
    hist = closes.loc[WEEK - pd.Timedelta(weeks=156) : WEEK - pd.Timedelta(days=7)]
    assert ratio["z"] == pytest.approx((closes.loc[WEEK] - hist.mean()) / hist.std(), rel=1e-9)
    assert ratio["percentile"] == pytest.approx((hist <= closes.loc[WEEK]).mean() * 100)
    prem = one(ctx, "gold_premium", "AU.SH-LDN")
    assert prem["value"] == pytest.approx(970.66 / FX_1212 * 31.1034768 - 4346.95)
    assert prem["unit"] == "USD/oz" and prem["direction"] == "low"
    curve = one(ctx, "curve", "CU.CASH-3M")
    assert curve["value"] == 16.0 and curve["direction"] == "backwardation"


def test_inventory_record_matches_the_seasonal_norm(ctx, data):
    rec = one(ctx, "inventory_vs_norm", "LME.CA.STOCK")
    s = stats.seasonal_norm(data, "LME.CA.STOCK", WEEK)
    assert rec["value"] == pytest.approx(s.loc[WEEK, "vs_norm_pct"])
    assert rec["detail"]["stock"] == 165900.0
    assert rec["change"] == 165900.0 - 162550.0
    assert rec["direction"] == "above"
    # copper +33.8 % and aluminium -22.1 % against their norms pass 20 %; tin +15.2 % does not
    for iid, value, z, notable in (
        ("LME.CA.STOCK", 33.8, 1.06, True),
        ("LME.AH.STOCK", -22.1, 0.36, True),
        ("LME.SN.STOCK", 15.2, 0.70, False),
    ):
        r = one(ctx, "inventory_vs_norm", iid)
        assert (round(r["value"], 1), round(r["z"], 2), r["notable"]) == (value, z, notable), iid


@pytest.mark.parametrize(
    ("vs_norm", "z", "notable"),
    [
        (20.0, 0.0, True),
        (19.999, 1.499, False),
        (-20.0, 0.0, True),
        (-19.999, -1.499, False),
        (0.0, 1.5, True),
        (0.0, -1.5, True),
    ],
)
def test_inventory_threshold_boundary(monkeypatch, vs_norm, z, notable):
    """The threshold on its edge: the seasonal norm is stubbed to put the figure exactly there."""
    assert THRESHOLDS["inventory_vs_norm"] == "|vs norm| >= 20 % or |z| >= 1.5"
    weeks = pd.DatetimeIndex([WEEK - pd.Timedelta(days=7), WEEK])

    def norm_at_the_edge(data, series, week):
        assert (series, week) == ("LME.CA.STOCK", WEEK)
        out = pd.DataFrame(
            {
                "stock": [1000.0, 1200.0],
                "norm": 1000.0,
                "seasonal_pct": 0.0,
                "vs_norm_pct": [0.0, vs_norm],
                "z": [0.0, z],
            },
            index=weeks,
        )
        out.attrs = {
            "sample": (weeks[0], WEEK, 2),
            "window": "stub",
            "filled_weeks": 0,
            "units": {"stock": "t"},
        }
        return out

    monkeypatch.setattr(stats, "seasonal_norm", norm_at_the_edge)
    data = rows("LME.CA.STOCK", ["2025-12-05", "2025-12-12"], [1000.0, 1200.0])
    rec = one(
        weekly_context(data, WEEK, kinds=["inventory_vs_norm"]), "inventory_vs_norm", "LME.CA.STOCK"
    )
    assert (rec["value"], rec["z"], rec["change"]) == (vs_norm, z, 200.0)
    assert rec["notable"] == notable


def test_volatility_record(ctx):
    vol = one(ctx, "volatility", "LME.CA.3M")
    r = np.diff(np.log(raw("LME.CA.3M").loc[:WEEK].to_numpy()))[-63:]
    assert vol["value"] == pytest.approx(r.std(ddof=1) * np.sqrt(252) * 100, rel=1e-9)


def test_trend_records_against_statsmodels_hac(ctx):
    # gold's drift (p = 0.041) misses the 1 % threshold; silver's (p = 0.0025) passes it
    for iid, p, notable in (("COMEX.GC", 0.041, False), ("COMEX.SI", 0.0025, True)):
        r = weekly_log_returns(iid).iloc[-26:]
        fit = sm.OLS(r.to_numpy(), np.ones(26)).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
        rec = one(ctx, "trend", iid)
        assert rec["value"] == pytest.approx(np.expm1(r.mean()) * 100, rel=1e-9)
        assert rec["z"] == pytest.approx(fit.tvalues[0], rel=1e-9)
        assert rec["detail"]["p"] == pytest.approx(fit.pvalues[0], rel=1e-9)
        assert round(rec["detail"]["p"], 4 if p < 0.01 else 3) == p
        assert (rec["n"], rec["sample_start"], rec["sample_end"]) == (26, r.index[0], WEEK)
        assert rec["direction"] == "up" and rec["unit"] == "% per week"
        assert rec["detail"]["regime"] == "up" and rec["notable"] == notable
    assert round(one(ctx, "trend", "COMEX.GC")["value"], 3) == 0.872  # % per week


def test_dollar_beta_records_against_numpy(ctx):
    dxy = weekly_log_returns("ICE.DXY")
    for iid, corr in (("COMEX.GC", -0.410), ("LME.CA.3M", -0.224)):
        pair = pd.concat([weekly_log_returns(iid), dxy], axis=1, join="inner").iloc[-52:]
        y, x = pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy()
        c = np.corrcoef(x, y)[0, 1]
        rec = one(ctx, "dollar_beta", iid)
        assert rec["value"] == pytest.approx(c, rel=1e-9)
        assert round(rec["value"], 3) == corr
        assert rec["detail"]["beta"] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)
        assert rec["detail"]["r2"] == pytest.approx(c * c, rel=1e-9)
        assert rec["z"] == pytest.approx(c * np.sqrt(50 / (1 - c * c)), rel=1e-9)
        assert (rec["n"], rec["sample_start"], rec["date"]) == (52, pair.index[0], WEEK)
        assert rec["direction"] == "negative" and rec["unit"] == "corr"
        assert not rec["notable"]  # |corr| < 0.5


def test_no_look_ahead(data, ctx):
    later = data["date"] > WEEK
    assert data.loc[later, "date"].max() >= pd.Timestamp("2026-08-21")  # 8 months and more
    cols = [c for c in FIELDS if c != "detail"]

    def same(got: pd.DataFrame) -> None:
        pd.testing.assert_frame_equal(got[cols], ctx[cols])
        assert got["detail"].map(repr).tolist() == ctx["detail"].map(repr).tolist()

    same(weekly_context(data[~later], WEEK))
    wild = data.copy()
    wild.loc[later, "value"] *= 3.0  # every price and stock triples the day after the week
    same(weekly_context(wild, WEEK))
    # ...and those rows would change the facts if anything read them:
    px = raw("LME.CA.3M").loc[: WEEK + pd.Timedelta(days=7)]
    px[px.index > WEEK] *= 3.0
    ahead = np.diff(np.log(px.to_numpy()))[-63:].std(ddof=1) * np.sqrt(252) * 100
    assert ahead > 100 > one(ctx, "volatility", "LME.CA.3M")["value"]  # 16.5 % a year
    two_sided = stats.seasonal_norm(data, "LME.CA.STOCK")  # STL over the later weeks too
    seen = one(ctx, "inventory_vs_norm", "LME.CA.STOCK")["value"]
    assert abs(two_sided.loc[WEEK, "vs_norm_pct"] - seen) > 0.5
    moved = weekly_context(wild, WEEK + pd.Timedelta(days=7), kinds=["extreme_move"])
    assert one(moved, "extreme_move", "SHFE.CU")["value"] > 150  # the tripling, one week on


def test_stale_fx_is_skipped_with_a_reason(data):
    late = weekly_context(data, "2026-08-21", kinds=["import_window", "extreme_move"])
    assert "import_window" not in set(late["kind"])  # CNY=X ends in 2026-02
    assert "USD/CNY" in late.attrs["skipped"]["import_window CU.IMPORT"]
    assert "extreme_move COMEX.GC" in late.attrs["skipped"]  # COMEX data ends 2026-05
    assert one(late, "extreme_move", "SHFE.CU")["week"] == pd.Timestamp("2026-08-21")


def test_kinds_and_parameters(data):
    only = weekly_context(data, WEEK, kinds=["import_window"], premium_usd=100.0)
    assert set(only["kind"]) == {"import_window"}
    rec = one(only, "import_window", "CU.IMPORT")
    assert rec["value"] == pytest.approx(94170 - 11900 * FX_1212 * 1.13)
    assert rec["detail"]["params"]["premium_usd"] == 100.0
    with pytest.raises(InvalidInputError, match="unknown context kind"):
        weekly_context(data, WEEK, kinds=["horoscope"])
