"""The week's statistical facts: record shape, values recomputed by hand, no look-ahead."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import metalwatch
from metalwatch.analytics import stats
from metalwatch.analytics.context import FIELDS, THRESHOLDS, weekly_context
from metalwatch.errors import InvalidInputError
from metalwatch.sources import bundled

SNAP = Path(metalwatch.__file__).parent / "data" / "snapshot"
WEEK = pd.Timestamp("2025-12-12")
FX_1212 = 7.057899951934815


def raw(iid: str, field: str = "close") -> pd.Series:
    df = pd.read_csv(SNAP / f"{iid}.csv.gz", parse_dates=["date"])
    df = df[df["field"] == field]
    return pd.Series(df["value"].to_numpy(), index=pd.DatetimeIndex(df["date"]), name=iid)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    reg = metalwatch.registry.all_instruments()
    ids = [i for i in bundled.available() if reg[i].group not in ("reference", "equity")]
    return bundled.load(ids)


@pytest.fixture(scope="module")
def ctx(data) -> pd.DataFrame:
    return weekly_context(data, WEEK)


def one(ctx: pd.DataFrame, kind: str, iid: str) -> pd.Series:
    rows = ctx[(ctx["kind"] == kind) & (ctx["instrument"] == iid)]
    assert len(rows) == 1, (kind, iid)
    return rows.iloc[0]


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
    assert rec["notable"] == (abs(rec["value"]) >= 20 or abs(rec["z"]) >= 1.5)


def test_volatility_trend_and_beta_records(ctx):
    vol = one(ctx, "volatility", "LME.CA.3M")
    r = np.diff(np.log(raw("LME.CA.3M").loc[:WEEK].to_numpy()))[-63:]
    assert vol["value"] == pytest.approx(r.std(ddof=1) * np.sqrt(252) * 100, rel=1e-9)
    trend = one(ctx, "trend", "COMEX.GC")
    assert trend["direction"] == "up" and trend["unit"] == "% per week"
    beta = one(ctx, "dollar_beta", "COMEX.GC")
    assert -1 <= beta["value"] <= 0 and beta["n"] == 52


def test_no_look_ahead(data, ctx):
    cut = weekly_context(data[data["date"] <= WEEK], WEEK)
    cols = ["kind", "instrument", "value", "z", "score"]
    pd.testing.assert_frame_equal(ctx[cols], cut[cols])


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
