"""The notebook functions of the quant layer, on a private copy of the seeded store."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import metalwatch as mw
from metalwatch import errors
from metalwatch.errors import InvalidInputError, NoDataError, UnknownInstrumentError
from metalwatch.sources import bundled
from metalwatch.store import Store
from metalwatch.store.compact import day_text
from tests.snapshot_data import FX_1212
from tests.snapshot_data import WEEK as DAY

matplotlib.use("Agg")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
#: The notebook functions this file exercises (``__all__`` may hold more).
API_FUNCTIONS = {
    "beta",
    "context",
    "convert",
    "instruments",
    "inventories",
    "move_stats",
    "moves",
    "plot",
    "prices",
    "report",
    "seasonal",
    "series",
    "spreads",
    "volatility",
}
ERRORS = {
    "InvalidInputError",
    "MetalwatchError",
    "NoDataError",
    "NotFoundError",
    "SourceError",
    "StoreError",
    "UnknownInstrumentError",
}


def test_import_stays_light():
    """``import metalwatch`` loads none of the heavy dependencies; the registry only pandas."""
    code = textwrap.dedent("""
        import json, sys
        heavy = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "akshare", "yfinance",
                 "weasyprint", "jinja2", "requests")
        loaded = lambda: sorted(m for m in heavy if m in sys.modules)
        import metalwatch as mw
        on_import = loaded()
        mw.instruments()
        print(json.dumps([on_import, loaded()]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[], ["numpy", "pandas"]]


def documented_parameters(doc: str) -> list[str]:
    """The names of a numpydoc ``Parameters`` section, in order (``**params`` as ``params``)."""
    found = re.search(r"^Parameters\n-+\n(.*?)(?=^\w[^\n]*\n-+\n|\Z)", doc, re.S | re.M)
    if found is None:
        return []
    heads = [line for line in found.group(1).splitlines() if line and not line[0].isspace()]
    # "name : type", "name", or several names sharing one entry: "start, end"
    return [n.strip().lstrip("*") for h in heads for n in h.partition(" : ")[0].split(",")]


def test_documented_parameters_parser():
    doc = (
        "Summary.\n\nParameters\n----------\nweek\n    The week.\nstart, end : str\n"
        "    Range.\n**params\n    More.\n\nReturns\n-------\nDataFrame\n    Rows.\n"
    )
    assert documented_parameters(doc) == ["week", "start", "end", "params"]
    assert documented_parameters("Summary only.") == []


def test_public_names():
    """Every public name resolves; errors come from metalwatch.errors; docstrings match."""
    public = mw.__all__
    assert len(public) == len(set(public)) and set(public) <= set(dir(mw))
    assert {*API_FUNCTIONS, *ERRORS, "Store", "__version__"} <= set(public)
    assert mw.__version__ == tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["version"]
    assert mw.Store is Store
    with pytest.raises(AttributeError, match="module 'metalwatch' has no attribute 'volatilty'"):
        _ = mw.volatilty
    functions = {}
    for name in public:
        obj = getattr(mw, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert obj is getattr(errors, name), name  # one home for the error vocabulary
            assert issubclass(obj, (errors.MetalwatchError, Warning)), name
        elif inspect.isfunction(obj):
            assert obj is getattr(importlib.import_module(obj.__module__), name), name
            functions[name] = obj
    assert set(functions) >= API_FUNCTIONS
    for name, fn in functions.items():
        doc = inspect.getdoc(fn)
        assert doc and doc.splitlines()[0].endswith("."), f"{name}: no one-line summary"
        params = list(inspect.signature(fn).parameters)
        documented = documented_parameters(doc)
        # every documented name is a real parameter, in the signature's order
        assert documented == [p for p in params if p in documented], (name, documented, params)
    for name in ("report", "spreads", "convert"):  # documented from their first parameter on
        first = next(iter(inspect.signature(functions[name]).parameters))
        assert documented_parameters(inspect.getdoc(functions[name]))[0] == first, name


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
    tidy = mw.inventories(
        "LME.SN.STOCK", start="2025-12-08", end="2025-12-12", tidy=True, store=store_path
    )
    assert list(tidy.columns) == ["date", "instrument", "value", "unit"]
    assert tidy["value"].tolist() == [3075.0, 3050.0, 3655.0, 3695.0, 3670.0]
    assert set(tidy["unit"]) == {"t"}
    every = mw.inventories(store=store_path)
    assert "SHFE.AL.STOCK" in bundled.missing()  # registered, but no bundled history
    assert "SHFE.AL.STOCK" not in every.columns
    with pytest.raises(InvalidInputError, match="not inventory"):
        mw.inventories("LME.CA.3M", store=store_path)


def test_spreads_wide_tidy_and_detail(store_path):
    wide = mw.spreads(start="2025-12-08", end="2025-12-12", store=store_path)
    assert wide.index[0] == pd.Timestamp("2025-12-08") and wide.index[-1] == DAY
    assert wide.loc[DAY, "CU.SHFE/LME"] == pytest.approx(94170 / (11800 * FX_1212))
    assert wide.loc[DAY, "AU/AG"] == pytest.approx(4300.1 / 61.36)
    assert wide.attrs["units"]["CU.IMPORT"] == "CNY/t"
    tidy = mw.spreads(
        ["CU.IMPORT", "CU.CASH-3M"],
        start="2025-12-12",
        end="2025-12-12",
        tidy=True,
        store=store_path,
    )
    assert dict(zip(tidy["instrument"], tidy["unit"], strict=True)) == {
        "CU.CASH-3M": "USD/t",
        "CU.IMPORT": "CNY/t",
    }
    det = mw.spreads(
        "CU.IMPORT",
        start="2025-12-12",
        end="2025-12-12",
        detail=True,
        premium_usd=50.0,
        store=store_path,
    )
    assert det.loc[DAY, "pl"] == pytest.approx(94170 - 11850 * FX_1212 * 1.13)
    assert det.attrs["params"]["premium_usd"] == 50.0
    gold = mw.spreads(
        "AU.SH-LDN",
        start="2025-12-12",
        end="2025-12-12",
        detail=True,
        store=store_path,
    )
    assert gold.loc[DAY, "london"] == 4346.95  # the LBMA PM fix
    assert gold.loc[DAY, "premium"] == pytest.approx(970.66 / FX_1212 * 31.1034768 - 4346.95)
    with pytest.raises(InvalidInputError, match="exactly one"):
        mw.spreads(["CU.IMPORT", "AU/AG"], detail=True, store=store_path)
    with pytest.raises(InvalidInputError, match="unknown spread"):
        mw.spreads("XX", store=store_path)


def test_convert_prices_across_venues(store_path):
    px = mw.prices(
        ["SHFE.CU", "LME.CA.3M", "COMEX.HG"], start="2025-12-12", end="2025-12-12", store=store_path
    )
    usd = mw.convert(px, to="USD/t", store=store_path)
    row = usd.loc[DAY]
    assert row["SHFE.CU"] == pytest.approx(94170 / 1.13 / FX_1212)
    assert row["LME.CA.3M"] == 11800.0
    assert row["COMEX.HG"] == pytest.approx(5.2835001945495605 / 0.00045359237)
    assert usd.attrs["units"] == dict.fromkeys(px.columns, "USD/t")
    assert usd.attrs["fx"] == {
        "instrument": "FX.USDCNY",
        "max_age_days": 5,
        "values_without_rate": 0,
    }
    gold = mw.convert(
        ["SHFE.AU"], to="USD/oz", start="2025-12-12", end="2025-12-12", tidy=True, store=store_path
    )
    assert gold["value"].iloc[0] == pytest.approx(970.66 * 31.1034768 / FX_1212)
    fixed = mw.convert(px, to={"LME.CA.3M": "CNY/t"}, fx=7.0, store=store_path)
    assert fixed.loc[DAY, "LME.CA.3M"] == 82600.0
    assert fixed.loc[DAY, "SHFE.CU"] == 94170.0  # other columns untouched


def test_convert_never_guesses_a_stale_rate(store_path):
    late = mw.convert(
        ["SHFE.CU"], to="USD/t", start="2026-08-17", end="2026-08-21", store=store_path
    )
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


def stored_closes(sql, store_path, iid: str) -> pd.Series:
    """An instrument's stored closes read with plain SQL, not through ``Store.read``."""
    rows = sql(
        store_path,
        "SELECT o.day, o.value FROM observations o JOIN series s ON s.id = o.series "
        "WHERE s.instrument = ? AND s.field = 'close' ORDER BY o.day",
        (iid,),
    )
    days = pd.DatetimeIndex([day_text(d) for d, _ in rows])
    return pd.Series([v for _, v in rows], index=days)


def weekly_log_returns(closes: pd.Series) -> pd.Series:
    return np.log(closes.resample("W-FRI").last().dropna()).diff().dropna()


def test_volatility_against_numpy(store_path, sql):
    vol = mw.volatility("2025-12-12", ids="LME.CA.3M", store=store_path)
    assert vol.index.tolist() == ["LME.CA.3M"]
    row = vol.loc["LME.CA.3M"]
    closes = stored_closes(sql, store_path, "LME.CA.3M").loc[:DAY]
    r = np.diff(np.log(closes.to_numpy()))[-63:]
    assert row["daily_pct"] == pytest.approx(r.std(ddof=1) * 100, rel=1e-9)
    assert row["daily_ann_pct"] == pytest.approx(r.std(ddof=1) * np.sqrt(252) * 100, rel=1e-9)
    assert round(row["daily_ann_pct"], 2) == 16.48  # percent a year
    wk = weekly_log_returns(closes).to_numpy()[-26:]
    assert row["weekly_ann_pct"] == pytest.approx(wk.std(ddof=1) * np.sqrt(52) * 100, rel=1e-9)
    assert (row["days"], row["n_days"], row["sample_end"]) == (63, 63, DAY)
    assert row["sample_start"] == closes.index[-63]
    short = mw.volatility("2025-12-12", ids="LME.CA.3M", days=21, store=store_path)
    assert short.loc["LME.CA.3M", "daily_pct"] == pytest.approx(r[-21:].std(ddof=1) * 100)


def test_beta_against_statsmodels_ols(store_path, sql):
    b = mw.beta(["COMEX.GC", "LME.CA.3M"], start="2023-01-01", end="2025-12-12", store=store_path)
    assert list(b.columns) == ["COMEX.GC", "LME.CA.3M"] and b.index[-1] == DAY
    assert b.attrs["window"] == "52 paired weekly log returns vs ICE.DXY"
    dxy = weekly_log_returns(stored_closes(sql, store_path, "ICE.DXY").loc[:DAY])
    gold = weekly_log_returns(stored_closes(sql, store_path, "COMEX.GC").loc[:DAY])
    pair = pd.concat([gold, dxy], axis=1, join="inner").iloc[-52:]
    fit = sm.OLS(pair.iloc[:, 0].to_numpy(), sm.add_constant(pair.iloc[:, 1].to_numpy())).fit()
    assert b.loc[DAY, "COMEX.GC"] == pytest.approx(fit.params[1], rel=1e-9)
    corr = mw.beta("COMEX.GC", stat="corr", start="2023-01-01", end="2025-12-12", store=store_path)
    expected_corr = np.corrcoef(pair.iloc[:, 0], pair.iloc[:, 1])[0, 1]
    assert corr.loc[DAY, "COMEX.GC"] == pytest.approx(expected_corr, rel=1e-9)
    tidy = mw.beta("COMEX.GC", start="2023-01-01", end="2025-12-12", tidy=True, store=store_path)
    last = tidy[tidy["week"] == DAY].iloc[0]
    assert last["r2"] == pytest.approx(fit.rsquared, rel=1e-9)
    assert last["alpha"] == pytest.approx(fit.params[0], rel=1e-7, abs=1e-12)
    assert (last["nobs"], last["sample_start"]) == (52, pair.index[0])
    with pytest.raises(InvalidInputError, match="stat 'gamma' is not one of beta, corr, r2, alpha"):
        mw.beta("COMEX.GC", stat="gamma", store=store_path)


def test_move_stats_and_seasonal(store_path):
    ms = mw.move_stats("2025-12-12", ids=["SHFE.AG"], store=store_path)
    assert ms.loc["SHFE.AG", "move_pct"] == pytest.approx((14892 / 13687 - 1) * 100)
    se = mw.seasonal("LME.CA.STOCK", week="2025-12-12", store=store_path)
    assert se.index[-1] == DAY and se.loc[DAY, "stock"] == 165900.0
    with pytest.raises(UnknownInstrumentError, match="unknown instrument 'LME.XX'"):
        mw.volatility(ids="LME.XX", store=store_path)


def test_plot(store_path):
    ax = mw.plot(["LME.CA.3M", "SHFE.CU"], start="2025-06-01", end="2025-12-12", store=store_path)
    assert ax.get_ylabel() == "USD/t"
    assert len(ax.figure.axes) == 2  # second axis for CNY/t
    line = ax.get_lines()[0]
    assert line.get_ydata()[-1] == 11800.0
    reb = mw.plot(
        ["LME.CA.3M", "SHFE.CU", "COMEX.HG"],
        start="2025-06-01",
        end="2025-12-12",
        rebase=True,
        store=store_path,
    )
    first = [ln.get_ydata()[0] for ln in reb.get_lines()]
    assert np.allclose(first, 100.0)
    with pytest.raises(InvalidInputError, match="rebase=True"):
        mw.plot(["LME.CA.3M", "SHFE.CU", "COMEX.HG"], store=store_path)
    spread = mw.plot(
        mw.spreads(["CU.IMPORT"], start="2025-01-01", end="2025-12-12", store=store_path)
    )
    assert spread.get_ylabel() == "CNY/t"
    matplotlib.pyplot.close("all")


def test_no_data_errors(store_path):
    with pytest.raises(NoDataError, match="^no stored stocks for the series and range asked$"):
        mw.inventories("SHFE.AL.STOCK", store=store_path)
