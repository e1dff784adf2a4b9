"""A store seeded by an older metalwatch gets the package's newer bundled snapshot on open.

The "old" store is the seeded store taken back: an older snapshot id, some bundled rows it
did not have yet, some bundled values since corrected, and values written after the snapshot
by a live update and by an import, which a snapshot must never overwrite.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from metalwatch.cli import main
from metalwatch.ingest import seed
from metalwatch.ingest.seed import SEEDED_FROM, apply_snapshot, open_store, snapshot_status
from metalwatch.sources import bundled
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.test_store_hostile import Mount, mount, read_only_folder

__all__ = ["mount"]  # a fixture

SQL = Callable[..., list[tuple[object, ...]]]
OLD_ID = "0ld5nap5h0t0"
#: Rows the old snapshot did not have (the package's adds them).
MISSING = ("LME.CA.3M", "2026-08-17")
#: Bundled values the package's snapshot corrects: (instrument, field, date, old value).
CORRECTED = [("LME.CA.3M", "close", "2026-08-20", 13970.0), ("SHFE.CU", "close", "2025-12-12", 1.0)]
#: Written after the snapshot by a live update and by an import: kept.
LIVE = ("LME.CA.3M", "close", "2026-08-21", 14240.0, "akshare:futures_foreign_hist")
IMPORTED = ("COMEX.GC", "close", "2025-12-12", 4301.0, "file:gc.csv")


def make_old(path: Path | str, sql: SQL) -> int:
    """Take a seeded store back to an older snapshot; returns the rows removed."""
    iid, since = MISSING
    span = "series IN (SELECT id FROM series WHERE instrument = ?) AND day >= ? AND day < ?"
    window = (iid, day_number(since), day_number("2026-08-20"))
    removed = sql(path, f"SELECT COUNT(*) FROM observations WHERE {span}", window)[0][0]
    sql(path, f"DELETE FROM observations WHERE {span}", window)
    where = "WHERE series = (SELECT id FROM series WHERE instrument = ? AND field = ?) AND day = ?"
    for inst, fld, day, value in CORRECTED:
        sql(path, f"UPDATE observations SET value = ? {where}", (value, inst, fld, day_number(day)))
    for inst, fld, day, value, source in (LIVE, IMPORTED):
        sql(path, "INSERT INTO sources (name) VALUES (?)", (source,))
        sql(path, "UPDATE observations SET value = ?, source = (SELECT id FROM sources WHERE "
            f"name = ?) {where}", (value, source, inst, fld, day_number(day)))  # fmt: skip
    sql(path, "UPDATE meta SET value = ? WHERE key = ?", (OLD_ID, SEEDED_FROM))
    return cast(int, removed)


def value(st: Store, inst: str, fld: str, day: str) -> tuple[float, str]:
    row = st.read([inst], fields=[fld], start=day, end=day)
    return float(row["value"].item()), str(row["source"].item())


@pytest.fixture
def old_store(store_path: Path, sql: SQL) -> tuple[Path, int]:
    return store_path, make_old(store_path, sql)


@pytest.fixture
def old_any(seeded_url: Path | str, sql: SQL) -> tuple[Path | str, int]:
    """The old store on each backend (an SQLite file or a PostgreSQL URL)."""
    return seeded_url, make_old(seeded_url, sql)


def test_open_applies_the_newer_snapshot(old_any: tuple[Path | str, int], sql: SQL) -> None:
    path, removed = old_any
    assert removed > 0
    snap = bundled.load(["LME.CA.3M", "SHFE.CU"])
    with open_store(path) as st:
        assert st.meta(SEEDED_FROM) == bundled.snapshot_id()
        for inst, fld, day, old in CORRECTED:  # corrected, the old value in revisions
            want = snap[(snap["instrument"] == inst) & (snap["field"] == fld)
                        & (snap["date"] == day)]["value"].item()  # fmt: skip
            assert value(st, inst, fld, day)[0] == want != old
        revisions = st.revisions()
        assert sorted(revisions[["instrument", "date", "old_value"]].itertuples(index=False,
                      name=None)) == sorted((i, d, v) for i, _, d, v in CORRECTED)  # fmt: skip
        assert revisions["old_source"].str.startswith("bundled:").all()
        assert value(st, *LIVE[:3]) == LIVE[3:]  # newer than the snapshot: kept
        assert value(st, *IMPORTED[:3]) == IMPORTED[3:]
        stored = st.read(["LME.CA.3M"])
        assert len(stored) == len(snap[snap["instrument"] == "LME.CA.3M"])  # missing rows back
        applied = snapshot_status(st).applied or ""
    assert f"{bundled.snapshot_id()} over {OLD_ID}: {removed} added, 2 revised, 2 kept" in applied
    # open again: nothing to do
    before = sql(path, "SELECT COUNT(*), MAX(id) FROM revisions")
    with open_store(path) as st:
        assert snapshot_status(st).applied == applied
    assert sql(path, "SELECT COUNT(*), MAX(id) FROM revisions") == before


def test_apply_counts_and_is_idempotent(old_any: tuple[Path | str, int]) -> None:
    path, removed = old_any
    with Store(path) as st:
        res = apply_snapshot(st)
        assert res is not None
        assert (res.added, res.revised, res.kept) == (removed, 2, 2)
        assert res.unchanged == len(bundled.load()) - removed - 4
        assert apply_snapshot(st) is None


def test_seeding_keeps_rows_written_before_it(tmp_path: Path) -> None:
    """A store that was imported into before its first seeding keeps the imported value.

    Before, seeding upserted the bundled value over it (the probe's 14240 -> 14235).
    """
    path = tmp_path / "imported.sqlite"
    with Store(path) as st:  # a new, unseeded store
        snap = bundled.load(["LME.CA.3M"])
        rows = snap[(snap["field"] == "close") & (snap["date"] == "2026-08-21")]
        assert st.upsert(rows.assign(value=14240.0, source="live:akshare")).added == 1
    with open_store(path) as st:
        assert value(st, "LME.CA.3M", "close", "2026-08-21") == (14240.0, "live:akshare")
        assert st.revisions().empty
        assert len(st.read(["LME.CA.3M"])) == len(bundled.load(["LME.CA.3M"]))


def test_no_op_open_reads_one_meta_row(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A current store is not re-read or re-loaded: the snapshot is hashed once per process."""
    seed.package_snapshot_id.cache_clear()
    hashed: list[str] = []
    real_id = bundled.snapshot_id

    def counted() -> str:
        hashed.append("x")
        return real_id()

    def no_load(*args: object) -> None:
        raise AssertionError("the snapshot was loaded for a current store")

    monkeypatch.setattr(bundled, "snapshot_id", counted)
    monkeypatch.setattr(bundled, "load", no_load)
    t0 = time.perf_counter()
    for _ in range(5):
        open_store(store_path).close()
    per_open = (time.perf_counter() - t0) / 5
    assert hashed == ["x"]
    assert per_open < 0.5  # measured: ~3 ms a no-op open, ~10 ms the first hash (README)


def test_store_info_shows_the_snapshot(
    old_store: tuple[Path, int], sql: SQL, mount: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = old_store
    package = bundled.snapshot_id()
    ro = read_only_folder(mount, path.parent) / path.name
    assert main(["--store", str(ro), "store", "info"]) == 0  # read-only: the old one stays
    out = capsys.readouterr().out
    assert (
        f"snapshot: {OLD_ID} (not current: the package's is {package}, not applied: the store "
        "is read-only)"
    ) in out
    subprocess.run(["umount", str(ro.parent)], check=True)
    assert main(["--store", str(path), "store", "info"]) == 0
    out = capsys.readouterr().out
    assert f"snapshot: {package} (current)" in out
    assert "last applied: " in out and f"{package} over {OLD_ID}" in out
    sql(path, "UPDATE meta SET value = ? WHERE key = ?", (OLD_ID, SEEDED_FROM))
    assert main(["--store", str(path), "store", "info"]) == 0  # applies it again: a no-op
    assert f"snapshot: {package} (current)" in capsys.readouterr().out


def test_two_processes_upgrading_at_once_apply_it_once(
    old_any: tuple[Path | str, int],
) -> None:
    path, removed = old_any
    cmd = [sys.executable, "-m", "metalwatch.cli", "--store", str(path), "moves", "--week",
           "2025-12-12", "LME.CA.3M"]  # fmt: skip
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]  # fmt: skip
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    with Store(path) as st:
        assert st.integrity_check() == "ok"
        assert len(st.revisions()) == 2
        assert st.meta(SEEDED_FROM) == bundled.snapshot_id()
        assert value(st, *LIVE[:3]) == LIVE[3:]
        assert (snapshot_status(st).applied or "").count(" added") == 1
