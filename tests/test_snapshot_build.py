"""The bundled snapshot (metalwatch/data), read straight from its files.

Expected values are copied by hand from the tables in shared/data/*/SOURCE.md.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from tests.snapshot_data import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "metalwatch" / "data"
SNAP = DATA / "snapshot"
SHARED = SHARED_DATA  # the build script's default --shared
SCRIPT = ROOT / "scripts" / "build_snapshot.py"
OUTPUTS = ("snapshot/*.csv.gz", "provenance.toml", "news.csv.gz", "events.csv")  # written
PROVENANCE_KEYS = {
    "dataset",
    "upstream",
    "repository",
    "commit",
    "path",
    "licence",
    "fields",
    "first",
    "last",
    "rows",
    "notes",
}


@cache
def registry() -> dict:
    return tomllib.loads((ROOT / "metalwatch" / "instruments.toml").read_text("utf-8"))


@cache
def provenance() -> dict:
    return tomllib.loads((DATA / "provenance.toml").read_text("utf-8"))


def snapshot_ids() -> list[str]:
    return sorted(p.name.removesuffix(".csv.gz") for p in SNAP.glob("*.csv.gz"))


@cache
def load(iid: str) -> pd.DataFrame:
    with gzip.open(SNAP / f"{iid}.csv.gz", "rt", encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"date": str, "field": str, "value": "float64"})


def value(iid: str, date: str, field: str) -> float:
    df = load(iid)
    hit = df.loc[(df["date"] == date) & (df["field"] == field), "value"]
    assert len(hit) == 1, f"{iid} {field} {date}: {len(hit)} rows"
    return float(hit.iloc[0])


BUNDLED = (
    "CFTC.GC.COMBINED",
    "CFTC.GC.FUT",
    "CFTC.HG.COMBINED",
    "CFTC.HG.FUT",
    "CFTC.SI.COMBINED",
    "CFTC.SI.FUT",
    "CN.DY_OXIDE",
    "CN.PRND_OXIDE",
    "CN.TB_OXIDE",
    "COMEX.GC",
    "COMEX.GC.STOCK",
    "COMEX.HG",
    "COMEX.HG.STOCK",
    "COMEX.SI",
    "COMEX.SI.STOCK",
    "DATAHUB.AU.MONTHLY",
    "EXCH.CU.STOCK",
    "FRED.DFF",
    "FRED.DFII10",
    "FRED.DGS10",
    "FRED.DGS2",
    "FRED.T10YIE",
    "FX.USDCNY",
    "GFEX.LC",
    "ICE.DXY",
    "KOMIS.CE",
    "KOMIS.CO.LME_15M",
    "KOMIS.CO.LME_CASH",
    "KOMIS.CO.ROTTERDAM",
    "KOMIS.DY",
    "KOMIS.LI.LIOH",
    "KOMIS.LI.SPODUMENE",
    "KOMIS.ND",
    "KOMIS.PR",
    "KOMIS.SB.INGOT",
    "KOMIS.SB.TRIOXIDE",
    "KOMIS.TB",
    "LBMA.AU.PM",
    "LME.AH.3M",
    "LME.AH.CASH",
    "LME.AH.STOCK",
    "LME.CA.3M",
    "LME.CA.CASH",
    "LME.CA.STOCK",
    "LME.SN.3M",
    "LME.SN.CASH",
    "LME.SN.STOCK",
    "SHFE.AG",
    "SHFE.AL",
    "SHFE.AO",
    "SHFE.AU",
    "SHFE.CU",
    "SHFE.CU.STOCK",
    "SHFE.CU.WARRANT",
    "SHFE.NI",
    "SHFE.PB",
    "SHFE.SN",
    "SHFE.ZN",
    "SSE.600111",
    "SSE.600362",
    "SSE.600547",
    "SSE.601600",
    "SSE.601899",
    "SSE.603993",
    "SZSE.000960",
    "WB.AG",
    "WB.AL",
    "WB.AU",
    "WB.CU",
    "WB.NI",
    "WB.PB",
    "WB.PT",
    "WB.SN",
    "WB.ZN",
    "YANGSHAN.CU.BL_HYDRO",
    "YANGSHAN.CU.BL_PYRO",
    "YANGSHAN.CU.WARRANT_HYDRO",
    "YANGSHAN.CU.WARRANT_PYRO",
)


def test_snapshot_holds_exactly_the_bundled_series():
    assert len(BUNDLED) == len(set(BUNDLED)) == 78
    assert snapshot_ids() == sorted(BUNDLED)


@pytest.mark.parametrize(
    ("iid", "rows", "field", "first", "last"),
    [
        ("LME.CA.3M", {"close": 4711}, "close", ("2008-01-02", 6706.0), ("2026-08-21", 14235.0)),
        (
            "LME.CA.STOCK",
            {"stock": 4710},
            "stock",
            ("2008-01-02", 198925.0),
            ("2026-08-21", 238575.0),
        ),
        (
            "SHFE.CU",
            {
                "close": 5263,
                "high": 5263,
                "low": 5263,
                "open": 5263,
                "open_interest": 5263,
                "settle": 3899,
                "volume": 5263,
            },
            "close",
            ("2005-01-04", 28560.0),
            ("2026-08-21", 107520.0),
        ),
        (
            "COMEX.GC",
            {"close": 6445, "high": 6376, "low": 6376, "open": 6376, "volume": 6376},
            "close",
            ("2000-08-30", 273.9),
            ("2026-05-07", 4696.0),
        ),
        (
            "FX.USDCNY",
            {"close": 6168, "high": 6168, "low": 6168, "open": 6168},
            "close",
            ("2001-06-25", 8.2768),
            ("2026-02-20", 6.9081),
        ),
        (
            "CN.PRND_OXIDE",
            {"high": 20, "low": 20, "mid": 20},
            "mid",
            ("2013-05-31", 260000.0),
            ("2025-12-25", 593500.0),
        ),
        ("WB.CU", {"mean": 798}, "mean", ("1960-01-31", 715.0), ("2026-06-30", 13552.0)),
        # fred_us_rates: DGS10 5,896 rows; DFF 1,827 calendar days less 522 weekend days
        ("FRED.DGS10", {"close": 5896}, "close", ("2003-01-02", 4.07), ("2026-07-28", 4.61)),
        ("FRED.DFF", {"close": 1305}, "close", ("2021-08-06", 0.10), ("2026-08-06", 3.63)),
        (
            "CFTC.GC.COMBINED",
            {
                f"{g}_{s}": 1046
                for g in ("mm", "pm", "sd", "other")
                for s in ("long", "short", "net")
            }
            | {"open_interest": 1046},
            "mm_net",
            ("2006-06-13", 72295.0),  # 103211 - 30916
            ("2026-06-23", 113010.0),  # 130663 - 17653
        ),
        (
            "CFTC.HG.FUT",
            {"mm_long": 1022, "mm_short": 1022, "mm_net": 1022, "open_interest": 1022},
            "mm_net",
            ("2006-06-13", None),
            ("2026-01-06", 68242.0),  # 75248 - 7006: the futures-only file ends here
        ),
        (
            "GFEX.LC",
            {
                "close": 749,
                "high": 749,
                "low": 749,
                "open": 749,
                "open_interest": 749,
                "settle": 748,
                "volume": 749,
            },
            "close",
            ("2023-07-21", 215100.0),
            ("2026-08-21", 158680.0),
        ),
        (
            "SHFE.CU.STOCK",
            {"stock": 146},
            "stock",
            ("2023-10-13", 56894.0),
            ("2026-09-30", 38744.0),
        ),
        ("KOMIS.ND", {"close": 635}, "close", ("2024-01-02", 63.51), ("2026-09-24", 127.75)),
        (  # 701 rows less the 25 from 2026-09-03 (provider change)
            "KOMIS.CO.LME_15M",
            {"close": 676},
            "close",
            ("2024-01-02", 31265.0),
            ("2026-09-02", 58415.0),
        ),
        (
            "YANGSHAN.CU.BL_HYDRO",
            {"mid": 343, "low": 6, "high": 6},
            "mid",
            ("2025-02-18", 59.0),
            ("2026-09-30", None),
        ),
    ],
)
def test_series_rows_and_span(iid, rows, field, first, last):
    df = load(iid)
    assert df.groupby("field").size().to_dict() == rows
    main = df[df["field"] == field]
    for (date, expected), row in ((first, main.iloc[0]), (last, main.iloc[-1])):
        assert row["date"] == date
        if expected is not None:
            assert row["value"] == pytest.approx(expected, abs=1e-4)  # FX is float32-sourced


@pytest.mark.parametrize(
    ("iid", "date", "field", "expected"),
    [
        ("LME.CA.3M", "2025-12-12", "close", 11800.0),
        ("LME.CA.CASH", "2025-12-12", "settle", 11816.0),
        ("LME.AH.CASH", "2025-12-08", "settle", 2867.5),
        ("LME.SN.STOCK", "2025-12-12", "stock", 3670.0),
        ("SHFE.CU", "2025-12-12", "close", 94170.0),
        ("SHFE.CU", "2025-12-12", "settle", 93640.0),
        ("SHFE.AL", "2025-12-12", "settle", 22160.0),
        ("SHFE.AU", "2025-12-12", "close", 970.66),
        ("SHFE.AG", "2025-12-05", "close", 13687.0),
        ("COMEX.GC", "2025-12-12", "close", 4300.1),
        ("COMEX.SI", "2025-12-11", "close", 63.93),
        ("LBMA.AU.PM", "2025-12-12", "fix", 4346.95),
        ("SSE.601899", "2025-12-12", "adj_close", 31.70),
        ("SZSE.000960", "2025-12-12", "adj_close", 26.38),
        ("SSE.600547", "2025-12-05", "adj_close", 36.33),
        ("CN.PRND_OXIDE", "2025-12-11", "mid", 578500.0),
        ("CN.PRND_OXIDE", "2025-12-11", "low", 577000.0),
        ("CN.TB_OXIDE", "2025-12-11", "high", 6330000.0),
        ("CN.DY_OXIDE", "2025-12-18", "mid", 1355000.0),
        ("CN.DY_OXIDE", "2013-05-31", "mid", 1100000.0),  # printed as 1,100 CNY/kg
        ("KOMIS.ND", "2025-12-12", "close", 96.74),
        ("KOMIS.CE", "2025-12-10", "close", 1.74),
        ("WB.CU", "2025-12-31", "mean", 11785.0),
        ("WB.AG", "2025-12-31", "mean", 62.3),
        ("DATAHUB.AU.MONTHLY", "2025-12-31", "close", 4309.0),
        # issue 15 datasets, read by hand from the SOURCE.md week tables and the raw files
        ("FRED.DGS10", "2025-12-12", "close", 4.19),
        ("FRED.DGS10", "2025-12-05", "close", 4.14),
        ("FRED.DFII10", "2025-12-12", "close", 1.93),
        ("FRED.DFII10", "2020-12-31", "close", -1.06),  # a negative real yield, kept
        ("FRED.DGS2", "2025-12-12", "close", 3.52),
        ("FRED.T10YIE", "2025-12-12", "close", 2.26),
        ("FRED.DFF", "2025-12-10", "close", 3.89),
        ("FRED.DFF", "2025-12-11", "close", 3.64),  # the 2025-12-10 cut, effective next day
        ("CFTC.GC.FUT", "2025-12-09", "mm_long", 143383.0),
        ("CFTC.GC.FUT", "2025-12-09", "mm_short", 19835.0),
        ("CFTC.GC.FUT", "2025-12-09", "open_interest", 432569.0),
        ("CFTC.GC.COMBINED", "2025-12-09", "mm_long", 143756.0),
        ("CFTC.GC.COMBINED", "2025-12-09", "mm_short", 19119.0),
        ("CFTC.GC.COMBINED", "2025-12-09", "open_interest", 683904.0),
        ("CFTC.SI.FUT", "2025-12-09", "mm_net", 25775.0),  # 39798 - 14023
        ("CFTC.SI.COMBINED", "2025-12-09", "mm_net", 27978.0),  # 39843 - 11865
        ("CFTC.HG.FUT", "2025-12-09", "mm_net", 70484.0),  # 80015 - 9531
        ("CFTC.HG.COMBINED", "2025-12-09", "mm_net", 71083.0),  # 80419 - 9336
        ("GFEX.LC", "2025-12-12", "close", 97720.0),
        ("GFEX.LC", "2025-12-05", "close", 92160.0),
        ("GFEX.LC", "2025-12-12", "settle", 99660.0),
        ("GFEX.LC", "2025-12-12", "open_interest", 636384.0),
        ("KOMIS.PR", "2025-12-12", "close", 94.99),
        ("KOMIS.PR", "2025-12-05", "close", 94.92),
        ("KOMIS.ND", "2025-12-12", "close", 96.74),
        ("KOMIS.DY", "2025-12-12", "close", 240.48),
        ("KOMIS.TB", "2025-12-12", "close", 1087.41),
        ("KOMIS.CO.LME_15M", "2025-12-12", "close", 54875.0),
        ("KOMIS.CO.LME_CASH", "2025-12-12", "close", 52370.0),
        ("KOMIS.CO.ROTTERDAM", "2025-12-12", "close", 52.9),
        ("KOMIS.LI.SPODUMENE", "2025-12-12", "close", 1124.91),
        ("KOMIS.LI.LIOH", "2025-12-12", "close", 10.75),
        ("KOMIS.SB.INGOT", "2025-12-12", "close", 34747.13),
        ("KOMIS.SB.TRIOXIDE", "2025-12-12", "close", 32147.35),
        ("YANGSHAN.CU.WARRANT_PYRO", "2025-12-12", "mid", 40.0),
        ("YANGSHAN.CU.WARRANT_PYRO", "2025-12-12", "low", 30.0),
        ("YANGSHAN.CU.WARRANT_PYRO", "2025-12-12", "high", 50.0),
        ("YANGSHAN.CU.WARRANT_HYDRO", "2025-12-12", "mid", 35.0),
        ("YANGSHAN.CU.BL_PYRO", "2025-12-12", "mid", 46.0),  # -2 on the day
        ("YANGSHAN.CU.BL_PYRO", "2025-12-11", "mid", 48.0),
        ("YANGSHAN.CU.BL_HYDRO", "2025-12-12", "mid", 44.0),
        ("SHFE.CU.WARRANT", "2025-12-12", "stock", 32563.0),
        ("SHFE.CU.WARRANT", "2025-12-05", "stock", 30936.0),
        ("SHFE.CU.STOCK", "2025-11-14", "stock", 109407.0),  # shfe_copper_stock_weekly
        ("SHFE.CU.STOCK", "2025-12-12", "stock", 89389.0),  # the exchange-stock file's SHFE leg
        ("EXCH.CU.STOCK", "2025-12-12", "stock", 666077.672),
        ("EXCH.CU.STOCK", "2025-12-12", "shfe_stock", 89389.0),
        ("EXCH.CU.STOCK", "2025-12-12", "comex_stock", 410788.672),
        ("EXCH.CU.STOCK", "2025-12-12", "lme_stock", 165900.0),
    ],
)
def test_values_from_source_tables(iid, date, field, expected):
    assert value(iid, date, field) == expected


@pytest.mark.parametrize(
    ("iid", "date", "field", "expected"),
    [
        ("COMEX.HG", "2025-12-12", "close", 5.2835),  # USD/lb, not the USD/t of jongh0
        ("COMEX.HG", "2025-12-08", "close", 5.3645),
        ("FX.USDCNY", "2025-12-12", "close", 7.0579),
        ("ICE.DXY", "2025-12-12", "close", 98.40),
    ],
)
def test_float32_sourced_values(iid, date, field, expected):
    assert value(iid, date, field) == pytest.approx(expected, abs=1e-5)


def test_hg_close_matches_jongh0_tonnes():
    assert value("COMEX.HG", "2025-12-12", "close") * 2204.62 == pytest.approx(11648.11, abs=0.01)


def test_comex_stocks_rounded_to_3dp():
    for iid in ("COMEX.GC.STOCK", "COMEX.SI.STOCK", "COMEX.HG.STOCK"):
        v = load(iid)["value"]
        assert (v == v.round(3)).all(), iid
        assert set(load(iid)["field"]) == {"stock", "registered", "eligible"}


@pytest.mark.parametrize("iid", ["COMEX.GC", "COMEX.SI", "COMEX.HG"])
@pytest.mark.parametrize("date", ["2025-07-13", "2025-09-01"])  # Sunday session, Labor Day
def test_comex_no_row_on_non_trading_days(iid, date):
    assert not (load(iid)["date"] == date).any()


def fields_on(iid: str, date: str) -> set[str]:
    df = load(iid)
    return set(df.loc[df["date"] == date, "field"])


def test_comex_intraday_row_not_used():
    # alitalbi's 2026-02-23 row is intraday (GC 5252.8): nothing from it. The later full
    # re-download (jongh0) has the final close for that day, which is kept.
    for iid in ("COMEX.GC", "COMEX.SI", "COMEX.HG"):
        assert fields_on(iid, "2026-02-23") == {"close"}
    assert value("COMEX.GC", "2026-02-23", "close") == 5204.7
    assert value("COMEX.HG", "2026-02-23", "close") == pytest.approx(12727.27 / 2204.62, abs=5e-5)


def test_comex_live_rows_have_close_only():
    # alitalbi's 2025-08-11 GC row was captured live (3395.6 vs 3353.1 later): no OHLC from it
    assert fields_on("COMEX.GC", "2025-08-11") == {"close"}
    assert value("COMEX.GC", "2025-08-11", "close") == 3353.1
    assert fields_on("COMEX.GC", "2025-12-12") == {"close", "open", "high", "low", "volume"}


@pytest.mark.parametrize("iid", ["FX.USDCNY", "ICE.DXY"])
def test_fx_no_weekend_and_no_intraday_row(iid):
    dates = pd.to_datetime(load(iid)["date"], format="%Y-%m-%d")
    assert (dates.dt.day_of_week < 5).all()
    assert "2026-02-23" not in set(load(iid)["date"])


SHFE_CODES = ("CU", "AL", "SN", "AU", "AG", "ZN", "NI", "PB", "AO")


def test_futures_settle_never_zero():
    futures = ["GFEX.LC", *(f"SHFE.{c}" for c in SHFE_CODES)]  # settle 0 = 'not provided'
    assert [i for i in snapshot_ids() if i.startswith(("SHFE.", "GFEX."))] == sorted(
        [*futures, "SHFE.CU.STOCK", "SHFE.CU.WARRANT"]
    )
    for iid in futures:
        df = load(iid)
        assert not ((df["field"] == "settle") & (df["value"] == 0)).any(), iid


def test_equity_bases_not_mixed():
    df = load("SSE.601899")
    # unadjusted close stops 2025-05-23; forward-adjusted differs there (ex-dividend later in 2025)
    assert df.loc[df["field"] == "close", "date"].max() == "2025-05-23"
    assert value("SSE.601899", "2025-05-23", "close") == 18.59
    assert value("SSE.601899", "2025-05-23", "adj_close") != 18.59
    assert not (df["field"] == "volume").any()


#: Quantities the frame does not list yet (CFTC positions, summed-stock legs): never negative.
MORE_QUANTITIES = {f"{g}_{s}" for g in ("mm", "pm", "sd", "other") for s in ("long", "short")} | {
    "shfe_stock",
    "comex_stock",
    "lme_stock",
}
#: Net positions may be negative; so may every field of a rate (kind "rate").
SIGNED = {"mm_net", "pm_net", "sd_net", "other_net"}


@pytest.mark.parametrize("iid", snapshot_ids())
def test_file_shape(iid):
    from metalwatch.frame import FIELDS, NON_PRICE_FIELDS

    with gzip.open(SNAP / f"{iid}.csv.gz", "rt", encoding="utf-8") as f:
        assert f.readline() == "date,field,value\n"
    df = load(iid)
    assert iid in registry()
    assert list(df.columns) == ["date", "field", "value"]
    assert df["value"].notna().all()
    assert df["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert not df.duplicated(["date", "field"]).any()
    assert df.equals(df.sort_values(["date", "field"], ignore_index=True))
    assert set(df["field"]) <= FIELDS
    assert registry()[iid]["field"] in set(df["field"])
    qty = df["field"].isin(NON_PRICE_FIELDS | MORE_QUANTITIES)
    signed = df["field"].isin(SIGNED) | (registry()[iid]["kind"] == "rate")
    assert (df.loc[qty, "value"] >= 0).all()
    assert (df.loc[~qty & ~signed, "value"] > 0).all()


def test_provenance_covers_every_file():
    prov = provenance()
    bundled = {k for k in prov if k not in ("missing", "news", "events")}
    assert bundled == set(snapshot_ids())
    for iid in bundled:
        entry, df = prov[iid], load(iid)
        assert set(entry) >= PROVENANCE_KEYS, iid
        assert entry["unit"] == registry()[iid]["unit"]
        assert entry["fields"] == sorted(set(df["field"]))
        assert (entry["first"], entry["last"]) == (df["date"].min(), df["date"].max())
        assert entry["rows"] == len(df)
        assert entry["notes"] and all(isinstance(n, str) for n in entry["notes"])


MISSING = (
    "SGE.AU9999",
    "SGE.AU.BENCHMARK",
    "SGE.AG.BENCHMARK",
    "SHFE.AL.STOCK",
    "SHFE.SN.STOCK",
    "CN.CO_ELECTROLYTIC",
    "SW.801050",
    "NYSE.MP",
    "NYSEARCA.REMX",
    "ASX.LYC",
    "CN.SPOT.CU",
    "CN.SPOT.AL",
    "CN.SPOT.ZN",
    "CN.SPOT.PB",
    "CN.SPOT.NI",
    "CN.SPOT.SN",
    "CN.SPOT.AU",
    "CN.SPOT.AG",
    "CN.SPOT.AO",
    "CN.SPOT.LC",
    "SHFE.AL.WARRANT",
    "SHFE.SN.WARRANT",
    "SHFE.ZN.WARRANT",
    "SHFE.NI.WARRANT",
    "SHFE.PB.WARRANT",
    "SW.801051",
    "SW.801053",
    "SW.801054",
    "SW.801055",
    "SW.801056",
    "SW.801050.VALUATION",
    "SW.801051.VALUATION",
    "SW.801053.VALUATION",
    "SW.801054.VALUATION",
    "SW.801055.VALUATION",
    "SW.801056.VALUATION",
)


def test_missing_instruments_have_no_file():
    missing = provenance()["missing"]
    assert missing["reason"]
    assert missing["instruments"] == list(MISSING)  # in registry order
    assert not set(missing["instruments"]) & set(snapshot_ids())
    assert set(missing["instruments"]) | set(snapshot_ids()) == set(registry())


def test_readme_lists_the_bundled_and_the_missing_series():
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("\n## Bundled data\n")[1].split("\n## ")[0]
    rows = [
        line.split("|")[1].strip().strip("`")
        for line in section.splitlines()
        if line.startswith("| `")
    ]
    assert rows == [i for i in registry() if i in set(BUNDLED)]
    unbundled = section[section.index("Registered but not bundled") :].split("\n\n")[0]
    assert [w.strip("`,.") for w in unbundled.split() if w.startswith("`")] == list(MISSING)


@cache
def news() -> pd.DataFrame:
    with gzip.open(DATA / "news.csv.gz", "rt", encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def test_news():
    df = news()
    assert list(df.columns) == ["date", "time", "title", "source", "url"]
    assert len(df) == 32 == provenance()["news"]["rows"]  # 22 page headlines + 10 seed pages
    assert df["date"].is_monotonic_increasing
    assert df["date"].between("2025-12-08", "2025-12-12").sum() == 3
    assert df["time"].str.fullmatch(r"(\d{2}:\d{2})?").all()
    assert not df.duplicated(["date", "title"]).any()  # the store's key


def test_news_keeps_the_seed_publisher_and_time():
    # seed_news_events/headlines.csv: '2025-12-14 12:01,国投证券,"有色金属行业周报:锡铜银…"'
    row = news()[news()["title"].str.startswith("有色金属行业周报")]
    assert len(row) == 1
    assert tuple(row[["date", "time", "source"]].iloc[0]) == ("2025-12-14", "12:01", "国投证券")
    seed = news()[news()["url"] == ""]
    assert len(seed) == 10 and seed["time"].ne("").all()
    assert (seed["source"] == "第一财经").sum() == 2 and (seed["source"] == "搜狐财经").sum() == 6


@pytest.mark.parametrize(
    ("metal", "long_short_fut", "long_short_combined"),
    [
        ("GC", (143383, 19835), (143756, 19119)),
        ("SI", (39798, 14023), (39843, 11865)),
        ("HG", (80015, 9531), (80419, 9336)),
    ],
)
def test_cftc_two_reports_never_mixed(metal, long_short_fut, long_short_combined):
    """The 2025-12-09 managed-money net in each report (SOURCE.md week tables), kept apart."""
    fut, comb = f"CFTC.{metal}.FUT", f"CFTC.{metal}.COMBINED"
    for iid, (long, short) in ((fut, long_short_fut), (comb, long_short_combined)):
        assert value(iid, "2025-12-09", "mm_long") == long
        assert value(iid, "2025-12-09", "mm_short") == short
        assert value(iid, "2025-12-09", "mm_net") == long - short
        assert registry()[iid]["field"] == "mm_net"
        assert registry()[iid]["unit"] == "contracts"
    assert value("CFTC.GC.FUT", "2025-12-09", "mm_net") == 123548.0
    assert value("CFTC.GC.COMBINED", "2025-12-09", "mm_net") == 124637.0
    assert set(load(fut)["field"]) == {"mm_long", "mm_short", "mm_net", "open_interest"}
    assert load(fut)["date"].max() == "2026-01-06" < load(comb)["date"].max() == "2026-06-23"
    both = load(fut).merge(load(comb), on=["date", "field"], suffixes=("_f", "_c"))
    oi = both[both["field"] == "open_interest"]
    assert (oi["value_c"] > oi["value_f"]).all()  # options add to the combined open interest


def test_cftc_rows_dated_by_the_as_of_day():
    days = pd.to_datetime(load("CFTC.GC.COMBINED")["date"].drop_duplicates()).dt.day_of_week
    assert (days == 1).mean() > 0.98  # Tuesday, Monday/Wednesday in a few holiday weeks
    assert "2025-11-10" in set(load("CFTC.GC.FUT")["date"])  # Monday: Veterans Day week
    for net in ("mm_net", "pm_net"):  # negative nets are kept (gold pm_net is short)
        assert (
            value("CFTC.GC.COMBINED", "2025-12-09", net)
            == {"mm_net": 124637.0, "pm_net": -47761.0}[net]
        )


def test_fred_rates():
    dff = pd.to_datetime(load("FRED.DFF")["date"])
    assert (dff.dt.day_of_week < 5).all()  # FRED's weekend repeats of Friday are not bundled
    assert "2025-12-13" not in set(load("FRED.DFF")["date"])
    assert (load("FRED.DFII10")["value"] < 0).sum() > 500  # 2012-13 and 2020-22
    for code in ("DGS10", "DFII10", "DGS2", "T10YIE", "DFF"):
        inst = registry()[f"FRED.{code}"]
        assert (inst["kind"], inst["group"], inst["unit"], inst["currency"]) == (
            "rate",
            "macro",
            "percent",
            "",
        )
        assert (inst["stale_after_days"], inst["cadence"]) == (5, "daily")
    # T10YIE = DGS10 - DFII10 (FRED's own computation) within rounding on the week
    for day in ("2025-12-08", "2025-12-12"):
        gap = value("FRED.DGS10", day, "close") - value("FRED.DFII10", day, "close")
        assert gap == pytest.approx(value("FRED.T10YIE", day, "close"), abs=0.011)


def test_gfex_settle_zero_dropped():
    assert fields_on("GFEX.LC", "2024-09-25") == {
        "open",
        "high",
        "low",
        "close",
        "volume",
        "open_interest",
    }
    assert value("GFEX.LC", "2024-09-25", "close") == 76250.0


def test_lme_cobalt_ends_before_the_provider_change():
    for iid, last in (("KOMIS.CO.LME_15M", 58415.0), ("KOMIS.CO.LME_CASH", 55850.0)):
        df = load(iid)
        assert df["date"].max() == "2026-09-02"
        assert value(iid, "2026-09-02", "close") == last
        assert not (df["value"] < 0.9 * last).loc[df["date"] >= "2026-08-01"].any()
    assert value("KOMIS.CO.LME_15M", "2025-05-12", "close") == 36535.0  # an outlier, as posted
    # the ISE series keep their round-number steps after 2026-08-10, as posted
    assert value("KOMIS.CO.ROTTERDAM", "2026-09-24", "close") == 53.46


def test_rare_earth_usd_and_cny_series_are_separate():
    assert registry()["KOMIS.PR"]["unit"] == "USD/kg" != registry()["CN.PRND_OXIDE"]["unit"]
    for iid in ("KOMIS.PR", "KOMIS.ND", "KOMIS.DY", "KOMIS.TB"):
        assert load(iid)["date"].min() == "2024-01-02"
        assert provenance()[iid]["dataset"] == "komis_rare_earth_oxides_fob_china"
    assert "2025-12-19" in set(load("KOMIS.PR")["date"]) - set(load("KOMIS.DY")["date"])


def test_yangshan_range_only_where_printed():
    for iid in [i for i in BUNDLED if i.startswith("YANGSHAN.")]:
        df = load(iid)
        ranged = df.loc[df["field"] != "mid", "date"]
        assert ranged.between("2025-12-05", "2025-12-12").all() and ranged.nunique() == 6
        wide = df.pivot(index="date", columns="field", values="value").dropna()
        assert ((wide["low"] + wide["high"]) / 2 == wide["mid"]).all()
        assert registry()[iid]["kind"] == "premium" and registry()[iid]["unit"] == "USD/t"


def test_copper_stock_series():
    ex = load("EXCH.CU.STOCK").pivot(index="date", columns="field", values="value")
    legs = ex[["shfe_stock", "comex_stock", "lme_stock"]].sum(axis=1).round(3)
    assert (legs == ex["stock"]).all()
    shfe = load("SHFE.CU.STOCK").set_index("date")["value"]
    assert (ex["shfe_stock"] == shfe[ex.index]).all()  # the same 库存周报 figure
    lme = load("LME.CA.STOCK").set_index("date")["value"]
    assert ex.loc["2025-12-12", "lme_stock"] == lme["2025-12-12"] == 165900.0
    warrants = load("SHFE.CU.WARRANT").set_index("date")["value"]
    assert warrants.index.min() == "2025-12-04" and len(warrants) == 201
    on = warrants.index.intersection(shfe.index)
    assert len(on) > 10 and (warrants[on] <= shfe[on]).all()  # warrants: part of the stock


def test_new_units_parse():
    from metalwatch.analytics.units import parse_unit

    units = {registry()[i]["unit"] for i in BUNDLED}
    assert {"percent", "contracts", "USD/kg", "USD/t", "CNY/t", "t"} <= units
    for text in units:
        parse_unit(text)  # none raises
    assert (parse_unit("percent").currency, parse_unit("percent").mass) == (None, None)
    assert (parse_unit("contracts").currency, parse_unit("contracts").mass) == (None, None)
    assert (parse_unit("USD/kg").currency, parse_unit("USD/kg").mass) == ("USD", "kg")


def test_script_fails_loudly_without_shared(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--shared", str(tmp_path / "nope"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "shared data folder not found" in run.stderr


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared datasets not found at {SHARED}")
def test_rebuild_is_identical(tmp_path):
    """Rebuilding from shared/data reproduces the committed files (content, not zlib's stream)."""
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, capture_output=True
    )
    built, bundled = (
        sorted(p.relative_to(d) for g in OUTPUTS for p in d.glob(g)) for d in (tmp_path, DATA)
    )
    assert built == bundled
    for rel in built:
        new, old = (tmp_path / rel).read_bytes(), (DATA / rel).read_bytes()
        if rel.suffix == ".gz":
            new, old = gzip.decompress(new), gzip.decompress(old)
        assert new == old, f"{rel} drifted from shared/data; rerun scripts/build_snapshot.py"
