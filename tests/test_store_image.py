"""A new SQLite store starts as a copy of the bundled store image and holds what seeding writes.

The image (``metalwatch/data/store-image.sqlite.xz``, ``scripts/build_store_image.py``) must be
current: built from the package's own snapshot, events, headlines and schema. A store started
from it is compared, row by row and table by table, with one seeded row by row; only the write
times differ, and those read the moment of the copy.
"""

from __future__ import annotations

import io
import lzma
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from metalwatch.errors import StoreError
from metalwatch.ingest import seed
from metalwatch.sources import bundled
from metalwatch.store import Store
from metalwatch.store.image import IMAGE_TIME, start_from_image
from metalwatch.store.schema import CREATED_AT, ORDER, TABLES, WRITE_TIMES
from tests.conftest import sql

# rows in the bundled snapshot (703,963 counted from its files by test_seed_fast_path's sums)
BUNDLED_ROWS = 703_963


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    """A table's rows in key order, its write times left out (meta: its timed keys)."""
    stamped = {col for t, col in WRITE_TIMES if t == table}
    cols = [c for c in TABLES[table] if c not in stamped]
    timed = f"'{CREATED_AT}', '{seed.SNAPSHOT_APPLIED}'"
    where = f" WHERE key NOT IN ({timed})" if table == "meta" else ""
    return sql(path, f"SELECT {', '.join(cols)} FROM {table}{where} ORDER BY {ORDER[table]}")


def _compressed() -> bytes:
    """The bundled image's bytes (xz of an SQLite file)."""
    raw = bundled.data_folder().joinpath(seed.IMAGE_FILE).read_bytes()
    assert lzma.decompress(raw)[:16] == b"SQLite format 3\x00"
    return raw


def test_bundled_image_is_current() -> None:
    stamp = bundled.data_folder().joinpath(seed.IMAGE_ID_FILE)
    assert stamp.read_text(encoding="ascii").strip() == seed.package_image_id(), (
        "the bundled store image is stale: run `python scripts/build_store_image.py`"
    )
    opened = seed.bundled_image()
    assert opened is not None
    opened.close()


def test_image_holds_what_seeding_row_by_row_writes(tmp_path: Path) -> None:
    before = datetime.now(UTC).isoformat(timespec="microseconds")
    with seed.open_store(tmp_path / "copied.sqlite") as st:
        assert st.started_from_image
    after = datetime.now(UTC).isoformat(timespec="microseconds")
    with Store(tmp_path / "seeded.sqlite") as st:
        assert not st.started_from_image
        result = seed.apply_snapshot(st)
    assert result is not None and result.added == BUNDLED_ROWS
    copied, seeded = tmp_path / "copied.sqlite", tmp_path / "seeded.sqlite"
    for table in TABLES:
        assert _rows(copied, table) == _rows(seeded, table), table
    assert sql(copied, "SELECT COUNT(*) FROM observations") == [(BUNDLED_ROWS,)]
    # every write time is the copy's moment: none is the image's placeholder
    times = sql(copied, "SELECT at FROM writes") + sql(copied, "SELECT written_at FROM events")
    assert len(times) == 11 and len(set(times)) == 1
    (moment,) = times[0]
    assert before <= str(moment) <= after
    meta = dict(sql(copied, "SELECT key, value FROM meta"))
    assert meta[CREATED_AT] == moment
    assert meta["snapshot_applied"] == (
        f"{moment}: {seed.package_snapshot_id()} over an unseeded store: {BUNDLED_ROWS} added, "
        "0 revised, 0 kept (written by other sources); copied from the bundled store image"
    )
    assert IMAGE_TIME not in str(sql(copied, "SELECT * FROM meta"))


def test_copy_is_a_wal_store_with_a_new_files_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with seed.open_store(tmp_path / "mw.sqlite") as st:
            assert st.started_from_image
            assert sql(st, "PRAGMA journal_mode") == [("wal",)]
    finally:
        os.umask(old)
    assert (tmp_path / "mw.sqlite").stat().st_mode & 0o777 == 0o640
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("mw.sqlite"))
    assert left == []


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    path.write_bytes(b"")
    called = []
    assert not start_from_image(path, lambda: called.append(1) or io.BytesIO(_compressed()))
    assert called == [] and path.read_bytes() == b""


def test_a_left_over_wal_is_not_replayed_onto_a_copy(tmp_path: Path) -> None:
    """A ``-wal`` beside no store (its store deleted) is left to SQLite, as before the image."""
    path = tmp_path / "gone.sqlite"
    Path(f"{path}-wal").write_bytes(b"")
    assert not start_from_image(path, lambda: io.BytesIO(_compressed()))
    assert not path.exists()


def test_a_store_made_meanwhile_is_kept(tmp_path: Path) -> None:
    """Another process creates the store while this one decompresses: its file stays."""
    path = tmp_path / "raced.sqlite"

    def other_process_wins() -> io.BytesIO:
        path.write_bytes(b"the other process's store")
        return io.BytesIO(_compressed())

    assert not start_from_image(path, other_process_wins)
    assert path.read_bytes() == b"the other process's store"
    assert [p.name for p in tmp_path.iterdir()] == ["raced.sqlite"]


def test_a_damaged_image_warns_and_seeding_goes_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    truncated = _compressed()[:100_000]
    monkeypatch.setattr(seed, "bundled_image", lambda: io.BytesIO(truncated))
    with (
        pytest.warns(RuntimeWarning, match=r"^the bundled store image could not be used \("),
        seed.open_store(tmp_path / "mw.sqlite") as st,
    ):
        assert not st.started_from_image
    assert sql(tmp_path / "mw.sqlite", "SELECT COUNT(*) FROM observations") == [(BUNDLED_ROWS,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mw.sqlite"]


def test_a_stale_image_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seed, "package_image_id", lambda: "0123456789ab")
    assert seed.bundled_image() is None
    with seed.open_store(tmp_path / "mw.sqlite") as st:
        assert not st.started_from_image
    applied = dict(sql(tmp_path / "mw.sqlite", "SELECT key, value FROM meta"))["snapshot_applied"]
    assert applied.endswith(f"{BUNDLED_ROWS} added, 0 revised, 0 kept (written by other sources)")


def test_a_package_without_an_image_seeds_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed, "IMAGE_ID_FILE", "no-such-file.id")
    assert seed.bundled_image() is None
    monkeypatch.setattr(seed, "IMAGE_ID_FILE", "events.csv")  # not ascii: an unreadable id
    assert seed.bundled_image() is None


def test_no_image_for_an_empty_store_or_a_read_only_open(tmp_path: Path) -> None:
    with seed.open_store(tmp_path / "empty.sqlite", seed=False) as st:
        assert not st.started_from_image
    assert sql(tmp_path / "empty.sqlite", "SELECT COUNT(*) FROM observations") == [(0,)]

    def never() -> io.BytesIO:
        raise AssertionError("the image was opened")

    with pytest.raises(StoreError, match="does not exist or is empty: nothing to read"):
        Store(tmp_path / "absent.sqlite", read_only=True, start_from=never)
    assert not (tmp_path / "absent.sqlite").exists()


def test_only_a_new_sqlite_file_starts_from_the_image(backend: str, empty_url: str | Path) -> None:
    opened: list[int] = []

    def image() -> io.BytesIO:
        opened.append(1)
        return io.BytesIO(_compressed())

    with Store(empty_url, start_from=image) as st:
        assert st.started_from_image == (backend == "sqlite")
    assert opened == ([1] if backend == "sqlite" else [])


def test_image_is_a_plain_sqlite_file_in_rollback_mode(tmp_path: Path) -> None:
    flat = tmp_path / "image.sqlite"
    flat.write_bytes(lzma.decompress(_compressed()))
    con = sqlite3.connect(flat)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert con.execute("SELECT at FROM writes").fetchall() == [(IMAGE_TIME,)]
    finally:
        con.close()
