"""The SQLite backend: one file in WAL mode, the embedded default."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import suppress
from itertools import chain, islice
from pathlib import Path

from metalwatch.errors import StoreBusyError, StoreCorruptError, StoreError
from metalwatch.store.backend import Cursor, Params, read_only_error

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0
#: Rows per INSERT statement of a bulk load (fewer if SQLite allows fewer parameters).
LOAD_ROWS = 500

# SQLite's primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``) the store names.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26
)  # fmt: skip


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreCorruptError(f"store path {path} is a directory, not a database file")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from exc
    if head and head != SQLITE_MAGIC:
        raise StoreCorruptError(f"store file {path} is not an SQLite database")


def _read_only_reason(path: Path) -> str:
    """Why this process cannot write the store at ``path`` ("" when it can).

    A store in WAL mode also writes ``-wal`` and ``-shm`` files beside it, so a folder that
    cannot be written makes the store read-only unless both already exist and are writable.
    """
    if not os.access(path, os.W_OK):
        return "the file cannot be written"
    if os.access(path.parent, os.W_OK | os.X_OK):
        return ""
    if all(os.access(f"{path}{suffix}", os.W_OK) for suffix in ("-wal", "-shm")):
        return ""
    return "its folder cannot be written"


def _sqlite_code(exc: Exception) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


class SQLiteBackend:
    """An SQLite store file (see :class:`~metalwatch.store.Store` for the read-only rules).

    Parameters
    ----------
    path
        The file.
    read_only
        Open an existing store for reading only.
    """

    dialect = "sqlite"
    errors: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.where = str(path)
        self.immutable = False
        _check_file(path)
        self.fresh = not path.exists() or path.stat().st_size == 0
        if self.fresh and read_only:
            raise StoreError(f"store {path} does not exist or is empty: nothing to read")
        self.why_read_only = "" if self.fresh else _read_only_reason(path)
        if read_only and not self.why_read_only:
            self.why_read_only = "it was opened read-only"
        self.read_only = bool(self.why_read_only)
        if self.fresh:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the store folder {path.parent}: {exc.strerror}"
                raise StoreError(msg) from exc
        self.con = self._connect("create" if self.fresh else "open")

    def _connect(self, action: str) -> sqlite3.Connection:
        """Connect, read-write or read-only; a WAL store in a read-only folder as immutable."""
        if not self.read_only:
            try:
                return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            except sqlite3.Error as exc:
                raise self.translate(exc, action) from exc
        uri = self.path.resolve().as_uri()
        try:
            con = sqlite3.connect(
                f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
            try:
                con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return con
            except sqlite3.Error as exc:
                con.close()
                if _sqlite_code(exc) != _CANTOPEN:
                    raise
            # WAL needs a -shm file, which a read-only folder cannot hold: read the file as
            # immutable, which is exact unless the -wal holds writes not yet checkpointed.
            wal = Path(f"{self.path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(
                    f"cannot read the store {self.path}: its folder is read-only and {wal.name} "
                    "holds changes not yet merged into the store (open it once in a folder that "
                    "can be changed)"
                )
            self.immutable = True
            return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise self.translate(exc, "open") from exc

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement."""
        return self.con.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement per row."""
        self.con.executemany(sql, rows)

    def tables(self) -> set[str]:
        """Table names, or a corrupt-store error for a file SQLite cannot read."""
        try:
            rows = self.con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            return {r[0] for r in rows}
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(f"store file {self.path} is damaged: {exc}") from exc

    def prepare(self) -> None:
        """WAL and NORMAL sync for a writable store; foreign keys on."""
        if not self.read_only:
            self.con.execute("PRAGMA journal_mode=WAL")
            self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.execute("PRAGMA foreign_keys=ON")

    def create_schema(self, ddl: str, meta: dict[str, str]) -> None:
        """One ``BEGIN IMMEDIATE`` script, then the -wal checkpointed away.

        No committed frame stays in the -wal: if the first write then fails on a full disk,
        closing needs no room to checkpoint, and the -wal is removed.
        """
        values = ", ".join(f"('{k}', '{v}')" for k, v in meta.items())
        script = (
            f"BEGIN IMMEDIATE;{ddl}INSERT INTO meta(key, value) VALUES {values} "
            "ON CONFLICT(key) DO NOTHING; COMMIT;"
        )
        try:
            self.con.executescript(script)
        except sqlite3.Error:
            self.rollback()
            raise
        self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- transactions ----------------------------------------------------------------------
    def begin(self) -> None:
        """``BEGIN IMMEDIATE``: the whole file's write lock, so writers serialise."""
        self.con.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """COMMIT."""
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        """ROLLBACK if a transaction is open (SQLite ends one itself on a full disk)."""
        if self.con.in_transaction:
            with suppress(sqlite3.Error):  # the error that got us here is the one to report
                self.con.execute("ROLLBACK")

    def lock(self, key: str) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already holds the file's write lock."""

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Params]) -> None:
        """INSERTs of many rows each (as many as SQLite's parameter limit allows), read from
        ``rows`` one batch at a time: a fraction of the cost of one statement per row."""
        one = f"({','.join('?' * len(columns))})"
        head = f"INSERT INTO {table} ({','.join(columns)}) VALUES "
        per = max(1, self.con.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns))
        per = min(per, LOAD_ROWS)
        many = head + ",".join([one] * per)
        pending = iter(rows)
        while batch := list(islice(pending, per)):
            if len(batch) < per:
                self.con.executemany(head + one, batch)
                return
            self.con.execute(many, list(chain.from_iterable(batch)))

    def after_load(self, table: str) -> None:
        """Nothing to do: an SQLite row id follows the largest."""

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``."""
        return str(self.con.execute("PRAGMA integrity_check").fetchone()[0])

    def translate(self, exc: Exception, action: str) -> StoreError:
        """A one-line store error for an SQLite error met while doing ``action``.

        ``action`` is "open", "read", "create" or "write": a read-only store is never said to
        fail a write when it was only read.
        """
        msg = str(exc)
        code = _sqlite_code(exc)
        path = self.path
        if code in (_BUSY, _LOCKED):
            return StoreBusyError(f"store {path} is busy (another metalwatch is writing)")
        if code == _READONLY:
            if not self.why_read_only:
                self.why_read_only = "SQLite: " + msg
            return read_only_error(self.where, self.why_read_only)
        if code == _FULL:
            return StoreError(
                f"the disk holding the store {path} is full ({msg}): nothing of this "
                f"{action} was stored"
            )
        if code in (_CANTOPEN, _PERM):
            return StoreError(f"cannot {action} the store {path}: {msg}")
        if code == _IOERR:
            return StoreError(f"cannot {action} the store {path}: I/O error ({msg})")
        if code in (_CORRUPT, _NOTADB):
            return StoreCorruptError(f"store file {path} is damaged: {msg}")
        return StoreCorruptError(f"store {path}: {msg}")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()
