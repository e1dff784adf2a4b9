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

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "metalwatch" / "data"
SNAP = DATA / "snapshot"
SHARED = ROOT.parent / "shared" / "data"  # the build script's default --shared
SCRIPT = ROOT / "scripts" / "build_snapshot.py"
OUTPUTS = ("snapshot/*.csv.gz", "provenance.toml", "news.csv.gz")  # what the script writes
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
    "FX.USDCNY",
    "ICE.DXY",
    "KOMIS.CE",
    "KOMIS.ND",
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
)


def test_snapshot_holds_exactly_the_bundled_series():
    assert len(BUNDLED) == len(set(BUNDLED)) == 49
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
    ],
)
def test_series_rows_and_span(iid, rows, field, first, last):
    df = load(iid)
    assert df.groupby("field").size().to_dict() == rows
    main = df[df["field"] == field]
    for (date, expected), row in ((first, main.iloc[0]), (last, main.iloc[-1])):
        assert row["date"] == date
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


def test_shfe_settle_never_zero():
    shfe = [i for i in snapshot_ids() if i.startswith("SHFE.")]
    assert len(shfe) == 9
    for iid in shfe:
        df = load(iid)
        assert not ((df["field"] == "settle") & (df["value"] == 0)).any(), iid


def test_equity_bases_not_mixed():
    df = load("SSE.601899")
    # unadjusted close stops 2025-05-23; forward-adjusted differs there (ex-dividend later in 2025)
    assert df.loc[df["field"] == "close", "date"].max() == "2025-05-23"
    assert value("SSE.601899", "2025-05-23", "close") == 18.59
    assert value("SSE.601899", "2025-05-23", "adj_close") != 18.59
    assert not (df["field"] == "volume").any()


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
    qty = df["field"].isin(NON_PRICE_FIELDS)
    assert (df.loc[qty, "value"] >= 0).all()
    assert (df.loc[~qty, "value"] > 0).all()


def test_provenance_covers_every_file():
    prov = provenance()
    bundled = {k for k in prov if k != "missing"}
    assert bundled == set(snapshot_ids())
    for iid in bundled:
        entry, df = prov[iid], load(iid)
        assert set(entry) >= PROVENANCE_KEYS, iid
        assert entry["unit"] == registry()[iid]["unit"]
        assert entry["fields"] == sorted(set(df["field"]))
        assert (entry["first"], entry["last"]) == (df["date"].min(), df["date"].max())
        assert entry["rows"] == len(df)
        assert entry["notes"] and all(isinstance(n, str) for n in entry["notes"])


def test_missing_instruments_have_no_file():
    missing = provenance()["missing"]
    assert missing["reason"]
    assert {"SGE.AU9999", "SHFE.CU.STOCK", "CN.CO_ELECTROLYTIC", "SW.801050"} <= set(
        missing["instruments"]
    )
    assert not set(missing["instruments"]) & set(snapshot_ids())
    assert set(missing["instruments"]) | set(snapshot_ids()) == set(registry())


def test_news():
    with gzip.open(DATA / "news.csv.gz", "rt", encoding="utf-8") as f:
        news = pd.read_csv(f, dtype=str)
    assert list(news.columns) == ["date", "title", "source", "url"]
    assert len(news) == 22
    assert news["date"].is_monotonic_increasing
    assert news["date"].between("2025-12-08", "2025-12-12").sum() == 3


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
