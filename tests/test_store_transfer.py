"""CSV import/export of canonical rows: round trip, validation, nothing written on bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.errors import InvalidInputError
from metalwatch.store import Store
from metalwatch.store.transfer import export_csv, import_csv


def test_export_then_import_round_trip(store, tmp_path):
    out = tmp_path / "lme.csv"
    n = export_csv(store, out, ["LME.CA.3M", "LME.CA.STOCK"])
    assert n == len(store.read(["LME.CA.3M", "LME.CA.STOCK"]))
    fresh = Store(tmp_path / "fresh.sqlite", seed=False)
    res = import_csv(fresh, out)
    assert res.added == n and res.revised == 0
    pd.testing.assert_frame_equal(fresh.read(), store.read(["LME.CA.3M", "LME.CA.STOCK"]))
    again = import_csv(fresh, out)
    assert (again.added, again.revised, again.unchanged) == (0, 0, n)
    fresh.close()


def test_mixed_units_refused_whole(store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "instrument,field,date,value,unit\n"
        "LME.CA.3M,close,2026-08-24,11900,USD/t\n"
        "COMEX.HG,close,2026-08-24,11900,USD/t\n"
    )
    before = len(store.read())
    with pytest.raises(InvalidInputError, match=r"mixed.csv:3: COMEX.HG in 'USD/t', but it is "
                                                r"registered in 'USD/lb'"):  # fmt: skip
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
def test_bad_csv_is_one_line_error(store, tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(InvalidInputError, match=message):
        import_csv(store, path)


def test_cli_import_and_check(store_path, tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("instrument,field,date,value\nLME.CA.3M,close,2026-08-24,14300\n")
    assert main(["--store", str(store_path), "store", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "committed LME.CA.3M: 1 added, 0 revised" in out
    assert main(["--store", str(store_path), "store", "check"]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert main(["--store", str(store_path), "store", "import"]) == 2
    assert "store import needs a CSV file" in capsys.readouterr().err
