"""A store that cannot be written, a full disk, another program's SQLite file.

Each is a one-line error (exit 2 from the command line) naming the real cause, and the store
or file is as it was. The read-only folder and the full disk are real: a read-only bind mount
and a small tmpfs, which need root (the tests run as root here and in CI); the same faults are
also simulated at the SQLite connection, so they are tested wherever mounting is refused.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.errors import StoreCorruptError, StoreError, StoreVersionError
from metalwatch.ingest.seed import open_store
from metalwatch.store import Store
from metalwatch.store.transfer import export_csv

Mount = Callable[..., Path]
WEEK = ["moves", "--week", "2025-12-12", "LME.CA.3M"]


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Mount]:
    """``mount(*options, source=...)``: a new mount point under ``tmp_path``, unmounted after.

    Skips (with the reason) where mounting is refused: the tests need root.
    """
    points: list[Path] = []

    def do(*options: str, source: str) -> Path:
        point = tmp_path / f"mnt{len(points)}"
        point.mkdir()
        run = subprocess.run(
            ["mount", *options, source, str(point)], capture_output=True, text=True, check=False
        )
        if run.returncode != 0:
            pytest.skip(f"cannot mount here (needs root): {run.stderr.strip()}")
        points.append(point)
        return point

    yield do
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], check=False)


def read_only_folder(mount: Mount, folder: Path) -> Path:
    """``folder`` bind-mounted read-only (file and folder cannot be written)."""
    point = mount("--bind", source=str(folder))
    subprocess.run(["mount", "-o", "remount,bind,ro", str(point)], check=True)
    return point


def one_line(err: str) -> str:
    """The single line of a command's error output."""
    assert err.count("\n") == 1 and err.startswith("metalwatch: error: "), err
    assert "Traceback" not in err and "cannot rollback" not in err
    return err.removeprefix("metalwatch: error: ").rstrip("\n")


def files(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- another program's SQLite file --------------------------------------------------------------
def _foreign(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    with con:
        for statement in statements:
            con.execute(statement)
    con.close()


@pytest.mark.parametrize(
    ("statements", "error", "message"),
    [
        (
            ["CREATE TABLE users (name TEXT)", "INSERT INTO users VALUES ('ada')"],
            StoreCorruptError,
            "is an SQLite file but not a metalwatch store",
        ),
        (
            ["CREATE TABLE meta (key TEXT, value TEXT)", "INSERT INTO meta VALUES ('a', 'b')"],
            StoreVersionError,
            "has schema version None",
        ),
    ],
    ids=["users", "own_meta"],
)
def test_foreign_sqlite_file_is_refused_untouched(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    statements: list[str],
    error: type[Exception],
    message: str,
) -> None:
    """Refused before anything is written: not switched to WAL (bytes 18/19 stay 1/1)."""
    folder = tmp_path / "other"
    folder.mkdir()
    path = folder / "app.db"
    _foreign(path, *statements)
    before = files(folder)
    assert before["app.db"][18:20] == b"\x01\x01"
    with pytest.raises(error, match=message):
        Store(path)
    assert main(["--store", str(path), "store", "info"]) == 2
    assert message in one_line(capsys.readouterr().err)
    assert files(folder) == before


# -- read-only store -----------------------------------------------------------------------------
@pytest.fixture
def ro_store(store_path: Path, mount: Mount) -> Path:
    """The seeded store in a read-only mount (no -wal or -shm beside it)."""
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["store.sqlite"]
    return read_only_folder(mount, store_path.parent) / store_path.name


def test_read_only_store_in_a_read_only_folder_reads(
    ro_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WAL cannot make its -shm there: the store is read as an unchanging file."""
    before = files(ro_store.parent)
    assert main(["--store", str(ro_store), *WEEK]) == 0
    assert "11,800.0" in capsys.readouterr().out
    assert main(["--store", str(ro_store), "store", "info"]) == 0
    out = capsys.readouterr().out
    assert f"store: {ro_store} (read-only: opened as an unchanging file)" in out
    assert main(["--store", str(ro_store), "store", "check"]) == 0
    assert "integrity ok" in capsys.readouterr().out
    with Store(ro_store) as st:
        assert st.read_only and st.immutable
        assert len(st.read(["LME.CA.3M"])) > 4000
    assert files(ro_store.parent) == before


def test_import_into_a_read_only_store_is_one_line(
    ro_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gc.csv"
    path.write_text("instrument,field,date,value\nCOMEX.GC,close,2025-12-12,4310\n")
    before = files(ro_store.parent)
    assert main(["--store", str(ro_store), "store", "import", str(path)]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"the store {ro_store} is read-only (the file cannot be written): nothing was written"
    )
    assert files(ro_store.parent) == before


def test_read_only_folder_with_unmerged_wal_is_a_read_error(
    store_path: Path, mount: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read as immutable, the -wal's rows would be missed: refused, and not called a write."""
    con = sqlite3.connect(store_path)
    con.execute("PRAGMA wal_autocheckpoint=0")
    with con:
        con.execute(
            "DELETE FROM observations WHERE series IN "
            "(SELECT id FROM series WHERE instrument = 'LME.CA.3M')"
        )
    src = store_path.parent.parent / "pending"
    src.mkdir()
    for suffix in ("", "-wal"):  # the files a crashed writer leaves, without its -shm
        shutil.copyfile(f"{store_path}{suffix}", src / f"store.sqlite{suffix}")
    con.close()
    path = read_only_folder(mount, src) / "store.sqlite"
    assert main(["--store", str(path), *WEEK]) == 2
    err = one_line(capsys.readouterr().err)
    assert err == (
        f"cannot read the store {path}: its folder is read-only and store.sqlite-wal holds "
        "changes not yet merged into the store (open it once in a folder that can be changed)"
    )


def test_new_store_in_a_read_only_folder_is_one_line(
    tmp_path: Path, mount: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    """Said to fail creating it (it was "cannot write the store" for a read)."""
    (tmp_path / "empty").mkdir()
    path = read_only_folder(mount, tmp_path / "empty") / "new.sqlite"
    assert main(["--store", str(path), *WEEK]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"cannot create the store {path}: unable to open database file"
    )
    assert list(path.parent.iterdir()) == []


def test_opened_read_only_refuses_writes(store_path: Path) -> None:
    before = store_path.read_bytes()
    with Store(store_path, read_only=True) as st:
        assert st.read_only and not st.immutable
        assert len(st.read(["LME.CA.3M"])) > 4000
        with pytest.raises(StoreError, match=r"is read-only \(it was opened read-only\)"):
            st.set_meta("x", "y")
    assert store_path.read_bytes() == before


# -- write failures at the SQLite connection ------------------------------------------------------
class FailingConnection(sqlite3.Connection):
    """An SQLite connection whose ``executemany`` fails as SQLite would on a fault.

    On a full disk SQLite rolls the transaction back itself before it reports the error.
    """

    error: sqlite3.Error
    rolls_back: bool

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        if self.rolls_back:
            self.execute("ROLLBACK")
        raise self.error


def sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # set by SQLite on real ones
    return error


@pytest.mark.parametrize(
    ("message", "code", "rolls_back", "said"),
    [
        ("database or disk is full", 13, True, r"the disk holding the store .* is full \("),
        ("attempt to write a readonly database", 8, False, r"the store .* is read-only \("),
    ],
    ids=["disk_full", "read_only"],
)
def test_write_errors_name_their_cause(
    store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    message: str,
    code: int,
    rolls_back: bool,
    said: str,
) -> None:
    """Before: a traceback, and on a full disk "cannot rollback - no transaction is active"."""
    connect = sqlite3.connect

    class Failing(FailingConnection):
        error = sqlite_error(message, code)

    Failing.rolls_back = rolls_back

    def failing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return connect(*args, **kwargs, factory=Failing)

    path = tmp_path / "gc.csv"
    path.write_text("instrument,field,date,value\nCOMEX.GC,close,2025-12-12,4310\n")
    monkeypatch.setattr(sqlite3, "connect", failing)
    assert main(["--store", str(store_path), "store", "import", str(path)]) == 2
    err = one_line(capsys.readouterr().err)
    assert pd.Series([err]).str.match(said).all(), err
    assert message in err
    monkeypatch.undo()
    with Store(store_path) as st:
        assert st.integrity_check() == "ok"
        gc = st.read(["COMEX.GC"], fields=["close"], start="2025-12-12", end="2025-12-12")
        assert gc["value"].tolist() == [4300.1]
        assert st.revisions().empty


# -- a real full disk ------------------------------------------------------------------------------
def test_disk_full_during_import(
    seeded_path: Path, tmp_path: Path, mount: Mount, capsys: pytest.CaptureFixture[str]
) -> None:
    """Instruments committed before the disk filled are complete; the rest are absent."""
    with Store(seeded_path) as st:
        export_csv(st, tmp_path / "big.csv", ["LME.CA.3M", "LME.CA.STOCK", "COMEX.HG", "SHFE.CU"])
    counts = pd.read_csv(tmp_path / "big.csv").groupby("instrument").size().to_dict()
    disk = mount("-t", "tmpfs", "-o", "size=1m", source="tmpfs")
    path = disk / "store.sqlite"
    open_store(path, seed=False).close()
    assert main(["--store", str(path), "store", "import", str(tmp_path / "big.csv")]) == 2
    out, err = capsys.readouterr()
    assert one_line(err).startswith(f"the disk holding the store {path} is full (")
    committed = [line.split()[1].rstrip(":") for line in out.splitlines()
                 if line.startswith("committed ")]  # fmt: skip
    assert len(committed) < len(counts)
    with Store(path, read_only=True) as st:
        assert st.integrity_check() == "ok"
        stored = st.read().groupby("instrument").size().to_dict()
    assert stored == {iid: counts[iid] for iid in committed}


def test_disk_full_during_seeding(mount: Mount, capsys: pytest.CaptureFixture[str]) -> None:
    """Seeding is one transaction: the store holds its schema and nothing else, no -wal."""
    disk = mount("-t", "tmpfs", "-o", "size=8m", source="tmpfs")
    path = disk / "seed.sqlite"
    assert main(["--store", str(path), *WEEK]) == 2
    assert one_line(capsys.readouterr().err).startswith(
        f"the disk holding the store {path} is full ("
    )
    assert sorted(f.name for f in disk.iterdir()) == ["seed.sqlite"]  # no -wal filling the disk
    with Store(path, read_only=True) as st:
        assert st.integrity_check() == "ok"
        assert st.meta("seeded_from") is None
        assert st.read().empty
