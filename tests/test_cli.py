"""The command line: thin face, one-line errors, non-zero exits."""

from __future__ import annotations

from metalwatch.cli import main


def test_moves_prints_the_week(store_path, capsys):
    assert main(["--store", str(store_path), "moves", "--week", "2025-12-14", "LME.CA.3M"]) == 0
    out = capsys.readouterr().out
    assert "week ending 2025-12-12" in out and "11,800.0" in out and "+1.58%" in out


def test_unknown_instrument_exit_code_and_message(store_path, capsys):
    assert main(["--store", str(store_path), "moves", "LME.XX"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "metalwatch: error: unknown instrument 'LME.XX'" or err.startswith(
        "metalwatch: error: unknown instrument 'LME.XX' (did you mean"
    )
    assert "\n" not in err


def test_corrupt_store_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all")
    assert main(["--store", str(bad), "store", "info"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"metalwatch: error: store file {bad} is not an SQLite database"
    )
    assert bad.read_bytes() == b"not a database at all"


def test_store_info(store_path, capsys):
    assert main(["--store", str(store_path), "store", "info"]) == 0
    out = capsys.readouterr().out
    assert str(store_path) in out and "LME.CA.3M" in out and "2026-08-21" in out
    assert "events: 10, 2025-04-01 to 2026-01-01" in out  # the bundled events


def test_report_command(store_path, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    assert main(["--store", str(store_path), "report", "--week", "2025-12-12", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert f"wrote {out}" in capsys.readouterr().out


def test_instruments_listing(capsys):
    assert main(["instruments"]) == 0
    assert "COMEX.GC" in capsys.readouterr().out
