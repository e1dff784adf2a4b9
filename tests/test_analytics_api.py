"""The notebook functions of the quant layer, on a private copy of the seeded store."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

import metalwatch as mw
from metalwatch.errors import InvalidInputError, NoDataError, UnknownInstrumentError

matplotlib.use("Agg")
FX_1212 = 7.057899951934815
DAY = pd.Timestamp("2025-12-12")


def test_import_stays_light():
    code = (
        "import sys, metalwatch; "
        "print(sorted(m for m in ('statsmodels', 'matplotlib', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names():
    for name in ("inventories", "spreads", "context", "convert", "plot", "volatility",
                 "move_stats", "seasonal", "beta"):  # fmt: skip
        assert name in mw.__all__ and callable(getattr(mw, name))


def test_inventories_wide_tidy_and_units(store_path):
    wide = mw.inventories(["LME.CA.STOCK", "COMEX.HG.STOCK"], store=store_path)
    assert isinstance(wide.index, pd.DatetimeIndex)
    assert list(wide.columns) == ["LME.CA.STOCK", "COMEX.HG.STOCK"]
    assert wide.attrs["units"] == {"LME.CA.STOCK": "t", "COMEX.HG.STOCK": "short t"}
    assert wide.loc[DAY, "LME.CA.STOCK"] == 165900.0
    tonnes = mw.inventories("COMEX.HG.STOCK", unit="t", store=store_path)
    day = pd.Timestamp("2026-04-27")
    assert tonnes.loc[day, "COMEX.HG.STOCK"] == pytest.approx(607344 * 0.90718474, rel=1e-9)
    assert tonnes.attrs["units"] == {"COMEX.HG.STOCK": "t"}
    tidy = mw.inventories("LME.SN.STOCK", start="2025-12-08", end="2025-12-12", tidy=True,
                          store=store_path)  # fmt: skip
    assert list(tidy.columns) == ["date", "instrument", "value", "unit"]
    assert tidy["value"].tolist() == [3075.0, 3050.0, 3655.0, 3695.0, 3670.0]
    assert set(tidy["unit"]) == {"t"}
    every = mw.inventories(store=store_path)
    assert "SHFE.CU.STOCK" not in every.columns  # registered, but no bundled history
    with pytest.raises(InvalidInputError, match="not inventory"):
        mw.inventories("LME.CA.3M", store=store_path)


def test_spreads_wide_tidy_and_detail(store_path):
    wide = mw.spreads(start="2025-12-08", end="2025-12-12", store=store_path)
    assert wide.index[0] == pd.Timestamp("2025-12-08") and wide.index[-1] == DAY
    assert wide.loc[DAY, "CU.SHFE/LME"] == pytest.approx(94170 / (11800 * FX_1212))
    assert wide.loc[DAY, "AU/AG"] == pytest.approx(4300.1 / 61.36)
    assert wide.attrs["units"]["CU.IMPORT"] == "CNY/t"
    tidy = mw.spreads(["CU.IMPORT", "CU.CASH-3M"], start="2025-12-12", end="2025-12-12",
                      tidy=True, store=store_path)  # fmt: skip
    assert dict(zip(tidy["instrument"], tidy["unit"], strict=True)) == {
        "CU.CASH-3M": "USD/t", "CU.IMPORT": "CNY/t"}  # fmt: skip
    det = mw.spreads("CU.IMPORT", start="2025-12-12", end="2025-12-12", detail=True,
                     premium_usd=50.0, store=store_path)  # fmt: skip
    assert det.loc[DAY, "pl"] == pytest.approx(94170 - 11850 * FX_1212 * 1.13)
    assert det.attrs["params"]["premium_usd"] == 50.0
    gold = mw.spreads("AU.SH-LDN", start="2025-12-12", end="2025-12-12", detail=True,
                      london="COMEX.GC", store=store_path)  # fmt: skip
    assert gold.loc[DAY, "premium"] == pytest.approx(970.66 / FX_1212 * 31.1034768 - 4300.1)
    with pytest.raises(InvalidInputError, match="exactly one"):
        mw.spreads(["CU.IMPORT", "AU/AG"], detail=True, store=store_path)
    with pytest.raises(InvalidInputError, match="unknown spread"):
        mw.spreads("XX", store=store_path)


def test_convert_prices_across_venues(store_path):
    px = mw.prices(["SHFE.CU", "LME.CA.3M", "COMEX.HG"], start="2025-12-12", end="2025-12-12",
                   store=store_path)  # fmt: skip
    usd = mw.convert(px, "USD/t", store=store_path)
    row = usd.loc[DAY]
    assert row["SHFE.CU"] == pytest.approx(94170 / 1.13 / FX_1212)
    assert row["LME.CA.3M"] == 11800.0
    assert row["COMEX.HG"] == pytest.approx(5.2835001945495605 / 0.00045359237)
    assert usd.attrs["units"] == dict.fromkeys(px.columns, "USD/t")
    assert usd.attrs["fx"] == {"instrument": "FX.USDCNY", "max_age_days": 5,
                               "values_without_rate": 0}  # fmt: skip
    gold = mw.convert(["SHFE.AU"], "USD/oz", start="2025-12-12", end="2025-12-12", tidy=True,
                      store=store_path)  # fmt: skip
    assert gold["value"].iloc[0] == pytest.approx(970.66 * 31.1034768 / FX_1212)
    fixed = mw.convert(px, {"LME.CA.3M": "CNY/t"}, fx=7.0, store=store_path)
    assert fixed.loc[DAY, "LME.CA.3M"] == 82600.0
    assert fixed.loc[DAY, "SHFE.CU"] == 94170.0  # other columns untouched


def test_convert_never_guesses_a_stale_rate(store_path):
    late = mw.convert(["SHFE.CU"], "USD/t", start="2026-08-17", end="2026-08-21",
                      store=store_path)  # fmt: skip
    assert late["SHFE.CU"].isna().all()
    assert late.attrs["fx"]["values_without_rate"] == 5


def test_context(store_path):
    ctx = mw.context("2025-12-12", store=store_path)
    assert ctx.attrs["week"] == DAY
    rec = ctx[(ctx["kind"] == "import_window") & (ctx["instrument"] == "CU.IMPORT")].iloc[0]
    assert rec["value"] == pytest.approx(94170 - 11800 * FX_1212 * 1.13)
    notable = mw.context("2025-12-12", notable=True, kinds=["extreme_move"], store=store_path)
    assert notable["notable"].all() and set(notable["kind"]) == {"extreme_move"}
    assert "SHFE.AG" in set(notable["instrument"])


def test_statistics_functions(store_path):
    vol = mw.volatility("2025-12-12", "LME.CA.3M", store=store_path)
    assert vol.index.tolist() == ["LME.CA.3M"] and vol.loc["LME.CA.3M", "days"] == 63
    ms = mw.move_stats("2025-12-12", ["SHFE.AG"], store=store_path)
    assert ms.loc["SHFE.AG", "move_pct"] == pytest.approx((14892 / 13687 - 1) * 100)
    se = mw.seasonal("LME.CA.STOCK", "2025-12-12", store=store_path)
    assert se.index[-1] == DAY and se.loc[DAY, "stock"] == 165900.0
    b = mw.beta(["COMEX.GC", "LME.CA.3M"], start="2023-01-01", end="2025-12-12", store=store_path)
    assert list(b.columns) == ["COMEX.GC", "LME.CA.3M"] and b.index[-1] == DAY
    assert b.attrs["window"] == "52 paired weekly log returns vs ICE.DXY"
    corr = mw.beta("COMEX.GC", stat="corr", start="2023-01-01", end="2025-12-12",
                   store=store_path)  # fmt: skip
    assert corr["COMEX.GC"].between(-1, 1).all()
    tidy = mw.beta("COMEX.GC", start="2023-01-01", end="2025-12-12", tidy=True, store=store_path)
    assert {"beta", "corr", "r2", "nobs"} <= set(tidy.columns)
    with pytest.raises(InvalidInputError, match="stat"):
        mw.beta("COMEX.GC", stat="gamma", store=store_path)
    with pytest.raises(UnknownInstrumentError):
        mw.volatility(instruments="LME.XX", store=store_path)


def test_plot(store_path):
    ax = mw.plot(["LME.CA.3M", "SHFE.CU"], start="2025-06-01", end="2025-12-12", store=store_path)
    assert ax.get_ylabel() == "USD/t"
    assert len(ax.figure.axes) == 2  # second axis for CNY/t
    line = ax.get_lines()[0]
    assert line.get_ydata()[-1] == 11800.0
    reb = mw.plot(["LME.CA.3M", "SHFE.CU", "COMEX.HG"], start="2025-06-01", end="2025-12-12",
                  rebase=True, store=store_path)  # fmt: skip
    first = [ln.get_ydata()[0] for ln in reb.get_lines()]
    assert np.allclose(first, 100.0)
    with pytest.raises(InvalidInputError, match="rebase=True"):
        mw.plot(["LME.CA.3M", "SHFE.CU", "COMEX.HG"], store=store_path)
    spread = mw.plot(mw.spreads(["CU.IMPORT"], start="2025-01-01", end="2025-12-12",
                                store=store_path))  # fmt: skip
    assert spread.get_ylabel() == "CNY/t"
    matplotlib.pyplot.close("all")


def test_no_data_errors(store_path):
    with pytest.raises(NoDataError):
        mw.inventories("SHFE.CU.STOCK", store=store_path)
