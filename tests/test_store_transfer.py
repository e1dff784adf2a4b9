"""CSV import/export of canonical rows: round trip, validation, nothing written on bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.errors import InvalidInputError, UnitScaleError
from metalwatch.ingest.file_import import import_csv
from metalwatch.ingest.seed import open_store
from metalwatch.store import Store
from metalwatch.store.transfer import export_csv

SQL = Callable[..., list[tuple[object, ...]]]


def test_export_then_import_round_trip(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "lme.csv"
    n = export_csv(store, out, ["LME.CA.3M", "LME.CA.STOCK"])
    assert n == len(store.read(["LME.CA.3M", "LME.CA.STOCK"]))
    fresh = open_store(tmp_path / "fresh.sqlite", seed=False)
    res = import_csv(fresh, out)
    assert res.added == n and res.revised == 0
    pd.testing.assert_frame_equal(fresh.read(), store.read(["LME.CA.3M", "LME.CA.STOCK"]))
    again = import_csv(fresh, out)
    assert (again.added, again.revised, again.unchanged) == (0, 0, n)
    fresh.close()


def test_mixed_units_refused_whole(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "instrument,field,date,value,unit\n"
        "LME.CA.3M,close,2026-08-24,11900,USD/t\n"
        "COMEX.HG,close,2026-08-24,11900,USD/t\n"
    )
    before = len(store.read())
    with pytest.raises(
        InvalidInputError,
        match=r"mixed.csv:3: COMEX.HG in 'USD/t', but it is "
        r"registered in 'USD/lb'",
    ):
        import_csv(store, path)
    assert len(store.read()) == before


@pytest.mark.parametrize(
    "body, message",
    [
        ("instrument,field,date\nLME.CA.3M,close,2026-08-24\n", "missing column.*value"),
        ("instrument,field,date,value\nLME.XX,close,2026-08-24,1\n", ":2: unknown instrument"),
        ("instrument,field,date,value\nLME.CA.3M,close,2026-08-24,abc\n", "value column"),
        ("instrument,field,date,value\nLME.CA.3M,close,3026-08-24,1\n", "date column"),
        ("instrument,field,date,value\nLME.CA.3M,close,2026-08-24,-5\n", "non-positive value"),
    ],
)
def test_bad_csv_is_one_line_error(store: Store, tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(InvalidInputError, match=message):
        import_csv(store, path)


def test_cli_import_and_check(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.csv"
    path.write_text("instrument,field,date,value\nLME.CA.3M,close,2026-08-24,14300\n")
    assert main(["--store", str(store_path), "store", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "committed LME.CA.3M: 1 added, 0 revised" in out
    assert main(["--store", str(store_path), "store", "check"]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert main(["--store", str(store_path), "store", "import"]) == 2
    assert "store import needs a CSV file" in capsys.readouterr().err


def _observations(store_path: Path, sql: SQL) -> list[tuple[object, ...]]:
    return sql(store_path, "SELECT * FROM observations ORDER BY series, day")


def test_import_refuses_a_1000x_jump_naming_it(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: SQL
) -> None:
    """The update's scale check: COMEX gold 1000x its stored level is refused, one line."""
    path = tmp_path / "gc.csv"
    path.write_text(
        "instrument,field,date,value\n"
        "COMEX.GC,close,2025-12-11,4285.5\n"  # a valid instrument before it: not written either
        "COMEX.HG,close,2026-08-24,5.1\n"
        "COMEX.GC,close,2025-12-12,4300100\n"
    )
    before = _observations(store_path, sql)
    revisions = sql(store_path, "SELECT COUNT(*) FROM revisions")
    assert main(["--store", str(store_path), "store", "import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"metalwatch: error: {path}: file:gc.csv COMEX.GC: close 2025-12-12 value 4.3001e+06 is "
        "1,000x the stored 4,300.1 of 2025-12-12: an upstream unit change? nothing stored for "
        "this series; nothing imported\n"
    )
    assert _observations(store_path, sql) == before
    assert sql(store_path, "SELECT COUNT(*) FROM revisions") == revisions


def test_import_refuses_a_jump_from_the_previous_value(store: Store, tmp_path: Path) -> None:
    """A new date is compared with the last stored value before it (copper at 1e-300 USD/t)."""
    path = tmp_path / "tiny.csv"
    path.write_text("instrument,field,date,value\nLME.CA.3M,close,2026-08-24,1e-300\n")
    with pytest.raises(
        InvalidInputError,
        match=r"LME.CA.3M: close 2026-08-24 value 1e-300 is "
        r"7.0\d*e-305x the previous 14,235 of 2026-08-21",
    ) as info:
        import_csv(store, path)
    assert isinstance(info.value.__cause__, UnitScaleError)
    assert info.value.__cause__.series == "LME.CA.3M"
    assert store.read(["LME.CA.3M"], start="2026-08-22").empty


def test_import_within_the_limits_is_written(store: Store, tmp_path: Path) -> None:
    """A revision of a few per cent and a new day pass the same checks."""
    path = tmp_path / "ok.csv"
    path.write_text(
        "instrument,field,date,value\nCOMEX.GC,close,2025-12-12,4310\nLME.CA.3M,close,2026-08-24,14300\n"
    )
    res = import_csv(store, path)
    assert (res.added, res.revised) == (1, 1)


def test_import_of_a_folder_is_one_line(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csvs"
    folder.mkdir()
    assert main(["--store", str(store_path), "store", "import", str(folder)]) == 2
    assert capsys.readouterr().err == f"metalwatch: error: {folder} is a folder, not a CSV file\n"


def test_a_store_export_imports_back_unchanged(store: Store, tmp_path: Path) -> None:
    """Unchanged values skip the scale check: net positions that cross zero restore too."""
    path = tmp_path / "all.csv"
    n = export_csv(store, path)
    res = import_csv(store, path)
    assert (res.added, res.revised, res.unchanged) == (0, 0, n)


def test_two_corrections_among_unchanged_rows_are_written(store: Store, tmp_path: Path) -> None:
    """The overlap check counts the unchanged rows as matching: 2 of 100 differ by 6 %."""
    path = tmp_path / "lme.csv"
    export_csv(store, path, ["LME.CA.3M"])
    df = pd.read_csv(path)
    df = df[df["field"] == "close"].tail(100).reset_index(drop=True)
    df.loc[[10, 50], "value"] *= 1.06
    df.to_csv(path, index=False, float_format="%.17g")
    res = import_csv(store, path)
    assert (res.added, res.revised, res.unchanged) == (0, 2, 98)


def test_a_futures_contract_exports_and_imports_back(tmp_path: Path) -> None:
    """Contract ids (``SHFE.CU.2601``) are derived, not registered: import takes them too."""
    path = tmp_path / "curve.csv"
    path.write_text(
        "instrument,field,date,value\n"
        "SHFE.CU.2601,settle,2025-12-12,93860\n"
        "SHFE.CU.2602,settle,2025-12-12,93900\n",
        encoding="utf-8",
    )
    st = open_store(tmp_path / "s.sqlite", seed=False)
    assert import_csv(st, path).added == 2
    rows = st.read(["SHFE.CU.2601", "SHFE.CU.2602"])
    assert rows["value"].tolist() == [93860.0, 93900.0]
    assert set(rows["unit"]) == {"CNY/t"} and set(rows["currency"]) == {"CNY"}
    out = tmp_path / "back.csv"
    assert export_csv(st, out, ["SHFE.CU.2601", "SHFE.CU.2602"]) == 2
    again = open_store(tmp_path / "again.sqlite", seed=False)
    assert import_csv(again, out).added == 2
    st.close()
    again.close()
