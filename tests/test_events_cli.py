"""``metalwatch events list/add/import``: exact output, one-line errors, all-or-nothing imports."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from metalwatch.cli import main
from metalwatch.ingest import event_import
from metalwatch.store import Store
from tests.snapshot_data import SHARED_DATA

SQL = Callable[..., list[tuple[object, ...]]]
HEADER = "date,date_precision,region,kind,metals,event_en,event_zh,stated_by\n"


def run(store_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--store", str(store_path), "events", *args])
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> list[list[str]]:
    """The cells of a printed table's body rows (plain text, as printed into a pipe: a title
    line, a header line, then one line per row with columns two or more spaces apart)."""
    lines = [line for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("date")) + 1
    return [re.split(r"\s{2,}", line.strip()) for line in lines[start:]]


def count(store_path: Path, sql: SQL) -> int:
    return int(sql(store_path, "SELECT COUNT(*) FROM events")[0][0])  # type: ignore[call-overload]


def test_list_by_metal_and_dates(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(store_path, capsys, "list", "--metal", "cobalt", "--metal", "gold")
    assert code == 0 and "Events (2)" in out
    assert [r[:3] for r in rows(out)] == [
        ["2025-10-16", "CD", "export_control"],
        ["2025-12-10", "US", "monetary"],
    ]
    code, out, _ = run(store_path, capsys, "list", "--until", "2025-06-30")
    assert rows(out)[0][:3] == ["2025-04", "CN", "export_control"]  # a month, written as one
    assert "Events (1)" in out


def test_list_in_chinese(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(store_path, capsys, "list", "--since", "2026-01-01", "--lang", "zh")
    assert code == 0
    assert [r[:6] for r in rows(out)] == [
        ["2026-01-01", "VN", "export_control", "rare_earths", "越南稀土原矿出口禁令生效（计划）",
         "搜狐财经 2025-12-15 03:30"],
    ]  # fmt: skip


def test_add_then_the_same_then_a_revision(
    store_path: Path, capsys: pytest.CaptureFixture[str], sql: SQL
) -> None:
    args = ["add", "--date", "2025-07", "--region", "us", "--kind", "tariff", "--metals",
            "copper", "--text-en", "US copper tariff", "--source", "desk"]  # fmt: skip
    assert run(store_path, capsys, *args) == (
        0, "added event 2025-07-01.US.tariff.copper (2025-07)\n", ""
    )  # fmt: skip
    assert run(store_path, capsys, *args) == (
        0, "event 2025-07-01.US.tariff.copper is stored exactly so: nothing written\n", ""
    )  # fmt: skip
    assert run(store_path, capsys, *args, "--text-zh", "美国铜关税") == (
        0, "revised event 2025-07-01.US.tariff.copper (2025-07): the earlier version is kept\n", ""
    )  # fmt: skip
    assert count(store_path, sql) == 12
    with Store(store_path) as st:
        event = st.events("copper", start="2025-07-01", end="2025-07-31")[0]
        assert (event.precision, event.text("zh"), event.source) == ("month", "美国铜关税", "desk")
        assert st.event_revisions(event.id)["origin"].tolist() == ["cli", "cli"]


def test_add_refuses_a_bad_field_in_one_line(
    store_path: Path, capsys: pytest.CaptureFixture[str], sql: SQL
) -> None:
    code, out, err = run(store_path, capsys, "add", "--date", "2025-07-15", "--precision",
                         "month", "--region", "US", "--kind", "tariff", "--metals", "copper",
                         "--text-en", "x", "--source", "desk")  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "metalwatch: error: events add: a month-precision date is the month's first day or "
        "YYYY-MM, not 2025-07-15\n"
    )
    assert count(store_path, sql) == 10


def test_import_a_file_with_a_bom_and_a_quoted_newline(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: SQL
) -> None:
    path = tmp_path / "desk.csv"
    path.write_bytes(
        (
            "\ufeffdate,precision,region,kind,metals,text_en,text_zh,source,url\n"
            '2025-07-09,day,US,tariff,copper,"US copper tariff,\n50 %",美国铜关税,desk,'
            "https://example.com/a\n"
            "2025-12-10,day,US,monetary,gold,Fed cut,,desk,\n"
        ).encode()
    )
    assert run(store_path, capsys, "import", str(path)) == (
        0, f"imported {path}: 2 added, 0 revised, 0 unchanged\n", ""
    )  # fmt: skip
    assert run(store_path, capsys, "import", str(path))[1].endswith(
        ": 0 added, 0 revised, 2 unchanged\n"
    )
    with Store(store_path) as st:
        tariff = st.events("copper", end="2025-07-31")[0]
    assert (tariff.text_en, tariff.url) == ("US copper tariff, 50 %", "https://example.com/a")
    assert count(store_path, sql) == 12


SEED = SHARED_DATA / "seed_news_events" / "events.csv"


@pytest.mark.skipif(not SEED.is_file(), reason=f"shared seed events not found at {SEED}")
def test_the_seed_file_imports_as_the_bundled_events_unchanged(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(store_path, capsys, "import", str(SEED))
    assert (code, out) == (0, f"imported {SEED}: 0 added, 0 revised, 10 unchanged\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (HEADER + "2025-12-11,day,US,alliance,rare_earths,pact,,src\n"
         "2025-12-12,day,CN,statements,rare_earths,said,,src\n",
         "bad.csv line 3: kind 'statements' is not one of export_control, licence, supply, "
         "monetary, alliance, statement, tariff, sanction, other"),
        (HEADER + '2025-12-11,day,US,alliance,rare_earths,"pact\nsigned",,src\n'
         "2025-12-12,day,CN,statement,,said,,src\n",
         "bad.csv line 4: metals is empty (name at least one)"),
        (HEADER + "2025-12-11,day,US,alliance,rare_earths,pact,,src,extra\n",
         "bad.csv line 2: more fields than the header names"),
        ("date,region,kind,metals,text,source\n2025-12-11,US,alliance,rare_earths,pact,src\n",
         "bad.csv line 2: unknown field(s) text"),
        (HEADER + "2025-12-11,day,US,alliance,rare_earths,pact,,src\n"
         "2025-12-11,day,US,alliance,rare_earths,other pact,,src\n",
         "bad.csv line 3: id 2025-12-11.US.alliance.rare_earths is also on line 2, with other "
         "fields"),
        ("", "bad.csv is empty: no header line"),
    ],
)  # fmt: skip
def test_a_bad_row_is_one_line_and_writes_nothing(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    sql: SQL,
    body: str,
    message: str,
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    assert run(store_path, capsys, "import", str(path)) == (
        2,
        "",
        f"metalwatch: error: {message}\n",
    )
    assert count(store_path, sql) == 10


def test_import_is_bounded(
    store_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "big.csv"
    line = "2025-12-11,day,US,alliance,rare_earths,pact,,src\n"
    path.write_text(HEADER + line * 3, encoding="utf-8")
    monkeypatch.setattr(event_import, "MAX_ROWS", 2)
    assert run(store_path, capsys, "import", str(path))[2] == (
        "metalwatch: error: big.csv holds more than 2 events: not imported\n"
    )
    monkeypatch.setattr(event_import, "MAX_BYTES", 100)
    assert run(store_path, capsys, "import", str(path))[2] == (
        "metalwatch: error: big.csv is larger than 0 KiB: not imported\n"
    )
    path.write_bytes(HEADER.encode() + b"2025-12-11,day,US,alliance,rare_earths,\xff\n")
    monkeypatch.setattr(event_import, "MAX_BYTES", 2 * 1024 * 1024)
    assert run(store_path, capsys, "import", str(path))[2] == (
        "metalwatch: error: big.csv is not UTF-8 text (byte 106): not imported\n"
    )
    assert run(store_path, capsys, "import", str(tmp_path / "nope.csv"))[2] == (
        f"metalwatch: error: {tmp_path / 'nope.csv'} does not exist\n"
    )
