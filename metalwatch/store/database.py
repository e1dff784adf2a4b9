"""The embedded store: one SQLite file in WAL mode, upserts that keep every revision."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pandas as pd

from metalwatch import frame
from metalwatch.errors import (
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreVersionError,
)
from metalwatch.store.paths import resolve_store_path
from metalwatch.store.schema import DDL, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30.0

# SQLite's primary result codes (``sqlite3.Error.sqlite_errorcode & 0xFF``) the store names.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26
)  # fmt: skip


@dataclass(frozen=True)
class WriteResult:
    """What one upsert did.

    ``kept`` counts rows whose stored value differs but was kept, because an upsert with
    ``revise_only`` may revise only rows from that source (see :meth:`Store.upsert`).
    """

    added: int
    revised: int
    unchanged: int
    kept: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def _sqlite_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


class Store:
    """A metalwatch store file.

    Opening a store never writes data into it: seeding a new store from the bundled snapshot
    is an explicit step (:func:`metalwatch.open_store` does it on first use). An existing
    store is checked before anything is written to the file: another program's SQLite file is
    refused untouched. A store this process cannot write (a read-only file, or a read-only
    folder, where SQLite cannot make its ``-shm`` file) is opened read-only: reads work, and a
    write raises a one-line :class:`~metalwatch.errors.StoreError` saying the store is
    read-only.

    Parameters
    ----------
    path
        The SQLite file. ``None`` uses ``$METALWATCH_STORE`` or the user data directory.
    read_only
        Open an existing store for reading only, even if it could be written.

    Attributes
    ----------
    path
        The store file.
    read_only
        True when the store was opened read-only (asked for, or not writable here).
    immutable
        True when it was opened as an unchanging file (SQLite's ``immutable=1``): a WAL store
        in a read-only folder with no ``-shm`` file, which SQLite cannot open otherwise.

    Examples
    --------
    >>> with Store(tmp_path / "mw.sqlite") as st:      # doctest: +SKIP
    ...     st.read(["LME.CA.3M"], start="2025-12-01")
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False
    ) -> None:
        self.path = resolve_store_path(path)
        self.immutable = False
        self._depth = 0
        _check_file(self.path)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh and read_only:
            raise StoreError(f"store {self.path} does not exist or is empty: nothing to read")
        self._why_read_only = "" if fresh else _read_only_reason(self.path)
        if read_only and not self._why_read_only:
            self._why_read_only = "it was opened read-only"
        self.read_only = bool(self._why_read_only)
        if fresh:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the store folder {self.path.parent}: {exc.strerror}"
                raise StoreError(msg) from exc
        self._con = self._connect("create" if fresh else "open")
        try:
            # before anything that writes the file
            has_schema = self._check_schema("create" if fresh else "read")
            if not self.read_only:
                self._con.execute("PRAGMA journal_mode=WAL")
                self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.execute("PRAGMA foreign_keys=ON")
            if not has_schema:
                self._create_schema()
                # leave no committed frame in the -wal: if the first write then fails on a full
                # disk, closing needs no room to checkpoint, and the -wal is removed
                self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            self._con.close()
            raise self._translate(exc, "create" if fresh else "open") from exc
        except BaseException:
            self._con.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------
    def _connect(self, action: str) -> sqlite3.Connection:
        """Connect, read-write or read-only; a WAL store in a read-only folder as immutable."""
        if not self.read_only:
            try:
                return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            except sqlite3.Error as exc:
                raise self._translate(exc, action) from exc
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
            raise self._translate(exc, "open") from exc

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_only_error(self) -> StoreError:
        return StoreError(
            f"the store {self.path} is read-only ({self._why_read_only}): nothing was written"
        )

    def require_writable(self) -> None:
        """Raise the one-line :class:`StoreError` a write would, if the store is read-only."""
        if self.read_only:
            raise self._read_only_error()

    def _translate(self, exc: sqlite3.Error, action: str = "write") -> StoreError:
        """A one-line store error for an SQLite error met while doing ``action``.

        ``action`` is "open", "read" or "write": a read-only store is never said to fail a
        write when it was only read.
        """
        msg = str(exc)
        code = _sqlite_code(exc)
        if code in (_BUSY, _LOCKED):
            return StoreBusyError(f"store {self.path} is busy (another metalwatch is writing)")
        if code == _READONLY:
            if not self._why_read_only:
                self._why_read_only = "SQLite: " + msg
            return self._read_only_error()
        if code == _FULL:
            return StoreError(
                f"the disk holding the store {self.path} is full ({msg}): nothing of this "
                f"{action} was stored"
            )
        if code in (_CANTOPEN, _PERM):
            return StoreError(f"cannot {action} the store {self.path}: {msg}")
        if code == _IOERR:
            return StoreError(f"cannot {action} the store {self.path}: I/O error ({msg})")
        if code in (_CORRUPT, _NOTADB):
            return StoreCorruptError(f"store file {self.path} is damaged: {msg}")
        return StoreCorruptError(f"store {self.path}: {msg}")

    def _rollback(self) -> None:
        """ROLLBACK if a transaction is open (SQLite ends one itself on a full disk)."""
        if self._con.in_transaction:
            with suppress(sqlite3.Error):  # the error that got us here is the one to report
                self._con.execute("ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error).

        Transactions nest: one opened inside another is part of it, and commits with it.
        An SQLite error becomes a one-line :class:`StoreError` naming its cause (the store is
        read-only, the disk is full, another process holds the lock).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._con
            finally:
                self._depth -= 1
            return
        self.require_writable()
        try:
            self._con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        self._depth = 1
        try:
            yield self._con
        except sqlite3.Error as exc:
            self._rollback()
            raise self._translate(exc) from exc
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self._con.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._translate(exc) from exc
        finally:
            self._depth = 0

    def _check_schema(self, action: str) -> bool:
        """Whether the file holds a store (True) or no table yet (False); refuse anything else.

        Only reads: it runs before anything that writes the file (the WAL switch included).
        ``action`` ("create" or "read") is what an SQLite error is said to have failed.
        """
        try:
            tables = {
                r[0] for r in self._con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.OperationalError as exc:
            raise self._translate(exc, action) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(f"store file {self.path} is damaged: {exc}") from exc
        if not tables:
            if self.read_only:
                raise StoreCorruptError(f"{self.path} is an empty SQLite file, not a store")
            return False
        if "meta" not in tables:
            raise StoreCorruptError(f"{self.path} is an SQLite file but not a metalwatch store")
        version = self.meta("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreVersionError(
                f"store {self.path} has schema version {version}; this metalwatch reads "
                f"version {SCHEMA_VERSION}"
            )
        return True

    def _create_schema(self) -> None:
        """Create the tables in a file that has none (one transaction; safe if two race)."""
        script = (
            "BEGIN IMMEDIATE;" + DDL + "INSERT OR IGNORE INTO meta(key, value) VALUES "
            f"('schema_version', '{SCHEMA_VERSION}'), ('created_at', '{_now()}'); COMMIT;"
        )
        try:
            self._con.executescript(script)
        except sqlite3.Error as exc:
            self._rollback()
            raise self._translate(exc) from exc

    # -- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self._con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (its own transaction)."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- writes --------------------------------------------------------------------------
    def upsert(
        self, df: pd.DataFrame, *, validate: bool = True, revise_only: str | None = None
    ) -> WriteResult:
        """Insert or update canonical rows in one transaction.

        A changed value replaces the stored one and the old value goes to ``revisions``
        with the time it changed; identical values are left untouched. With ``revise_only``
        (a source prefix such as ``"bundled:"``), only stored rows whose source starts with it
        may be revised: a different stored value from any other source is kept as it is and
        counted in :attr:`WriteResult.kept`.

        Parameters
        ----------
        df
            Canonical rows.
        validate
            Validate ``df`` against the canonical schema first (else only coerce it).
        revise_only
            The source prefix of the stored rows that may be revised (None: any row).
        """
        df = frame.validate(df) if validate else frame.coerce(df)
        if df.empty:
            return WriteResult(0, 0, 0)
        now = _now()
        rows = list(
            zip(
                df["instrument"].astype(str),
                df["field"].astype(str),
                df["date"].dt.strftime("%Y-%m-%d"),
                df["value"].astype(float),
                df["unit"].astype(str),
                df["currency"].astype(object).where(df["currency"].notna(), None),
                df["source"].astype(str),
                strict=True,
            )
        )
        # which stored rows may be revised: all, or those whose source starts with the prefix
        may, may_params = "1", cast(tuple[int | str, ...], ())
        if revise_only is not None:
            may, may_params = "substr(o.source, 1, ?) = ?", (len(revise_only), revise_only)
        with self.transaction() as con:
            con.execute(
                "CREATE TEMP TABLE IF NOT EXISTS incoming (instrument TEXT, field TEXT, "
                "date TEXT, value REAL, unit TEXT, currency TEXT, source TEXT)"
            )
            con.execute("DELETE FROM incoming")
            con.executemany("INSERT INTO incoming VALUES (?,?,?,?,?,?,?)", rows)
            added = con.execute(
                "SELECT COUNT(*) FROM incoming i LEFT JOIN observations o "
                "USING (instrument, field, date) WHERE o.value IS NULL"
            ).fetchone()[0]
            kept = 0
            if revise_only is not None:
                kept = con.execute(
                    "SELECT COUNT(*) FROM incoming i JOIN observations o "
                    f"USING (instrument, field, date) WHERE o.value != i.value AND NOT ({may})",
                    may_params,
                ).fetchone()[0]
            revised = con.execute(
                "INSERT INTO revisions (instrument, field, date, old_value, new_value, "
                "old_source, new_source, revised_at) "
                "SELECT o.instrument, o.field, o.date, o.value, i.value, o.source, i.source, ? "
                "FROM incoming i JOIN observations o USING (instrument, field, date) "
                f"WHERE o.value != i.value AND {may}",
                (now, *may_params),
            ).rowcount
            con.execute(
                "INSERT INTO observations AS o (instrument, field, date, value, unit, currency, "
                "source, updated_at) SELECT instrument, field, date, value, unit, currency, "
                "source, ? FROM incoming WHERE true "
                "ON CONFLICT (instrument, field, date) DO UPDATE SET value = excluded.value, "
                "unit = excluded.unit, currency = excluded.currency, source = excluded.source, "
                f"updated_at = excluded.updated_at WHERE o.value != excluded.value AND {may}",
                (now, *may_params),
            )
            con.execute("DELETE FROM incoming")
        return WriteResult(added, revised, len(rows) - added - revised - kept, kept)

    def add_news(self, news: pd.DataFrame) -> int:
        """Store headlines (date, title, source, url[, keyword]); returns rows added."""
        if news.empty:
            return 0
        cols = ["date", "title", "source", "url", "keyword"]
        news = news.reindex(columns=cols)
        news["date"] = pd.to_datetime(news["date"]).dt.strftime("%Y-%m-%d")
        for col in cols[1:]:
            news[col] = news[col].astype("string").fillna("")
        with self.transaction() as con:
            before = con.execute("SELECT COUNT(*) FROM news").fetchone()[0]
            con.executemany(
                "INSERT OR IGNORE INTO news VALUES (?,?,?,?,?)",
                news[cols].itertuples(index=False, name=None),
            )
            return int(con.execute("SELECT COUNT(*) FROM news").fetchone()[0]) - int(before)

    def log_fetch(
        self,
        instrument: str,
        source: str,
        status: str,
        *,
        result: WriteResult | None = None,
        last_date: str | None = None,
        message: str = "",
    ) -> None:
        """Record one fetch attempt for a series (used for stale marking)."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO fetch_log (instrument, source, attempted_at, status, rows_added, "
                "rows_revised, last_date, message) VALUES (?,?,?,?,?,?,?,?)",
                (
                    instrument, source, _now(), status,
                    result.added if result else 0, result.revised if result else 0,
                    last_date, message,
                ),
            )  # fmt: skip

    # -- reads ---------------------------------------------------------------------------
    def read(
        self,
        instruments: Iterable[str] | None = None,
        fields: Iterable[str] | None = None,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Stored rows as a canonical frame, sorted by instrument, field and date."""
        where, params = [], []
        for col, vals in (("instrument", instruments), ("field", fields)):
            if vals is not None:
                vals = list(vals)
                where.append(f"{col} IN ({','.join('?' * len(vals))})")
                params += vals
        if start is not None:
            where.append("date >= ?")
            params.append(pd.Timestamp(start).strftime("%Y-%m-%d"))
        if end is not None:
            where.append("date <= ?")
            params.append(pd.Timestamp(end).strftime("%Y-%m-%d"))
        sql = "SELECT instrument, field, date, value, unit, currency, source FROM observations"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY instrument, field, date"
        try:
            df = pd.read_sql_query(sql, self._con, params=params)
        except sqlite3.Error as exc:
            raise self._translate(exc, "read") from exc
        return frame.coerce(df)

    def revisions(self, instrument: str | None = None) -> pd.DataFrame:
        """The revision history (old and new value, when it changed)."""
        sql = "SELECT * FROM revisions"
        params: list[str] = []
        if instrument:
            sql += " WHERE instrument = ?"
            params.append(instrument)
        return pd.read_sql_query(sql + " ORDER BY id", self._con, params=params)

    def news(self, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Stored headlines between two dates (inclusive), newest first."""
        df = pd.read_sql_query(
            "SELECT * FROM news WHERE date >= ? AND date <= ? ORDER BY date DESC, title",
            self._con,
            params=[start or "0000-00-00", end or "9999-12-31"],
        )
        df["date"] = pd.to_datetime(df["date"])
        return df

    def last_fetches(self) -> pd.DataFrame:
        """The latest fetch attempt per instrument (empty before any update)."""
        return pd.read_sql_query(
            "SELECT f.* FROM fetch_log f JOIN (SELECT instrument, MAX(id) AS id FROM fetch_log "
            "GROUP BY instrument) m USING (instrument, id) ORDER BY instrument",
            self._con,
        )

    def info(self) -> pd.DataFrame:
        """Rows, first and last date per (instrument, field)."""
        return pd.read_sql_query(
            "SELECT instrument, field, COUNT(*) AS rows, MIN(date) AS first, MAX(date) AS last "
            "FROM observations GROUP BY instrument, field ORDER BY instrument, field",
            self._con,
        )

    def span(
        self, series: list[tuple[str, str]], *, end: str | pd.Timestamp | None = None
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """First and last stored date of each (instrument, field) pair that has data.

        One indexed MIN/MAX lookup per pair: fast on a large store, unlike :meth:`info`.
        ``end`` ignores rows dated after it.
        """
        last_day = "9999-12-31" if end is None else f"{pd.Timestamp(end):%Y-%m-%d}"
        out = {}
        for iid, fld in series:
            first, last = self._con.execute(
                "SELECT MIN(date), MAX(date) FROM observations "
                "WHERE instrument = ? AND field = ? AND date <= ?",
                (iid, fld, last_day),
            ).fetchone()
            if first is not None:
                out[(iid, fld)] = (first, last)
        return out

    def last_dates(self) -> dict[tuple[str, str], str]:
        """The last stored date per (instrument, field)."""
        rows = self._con.execute(
            "SELECT instrument, field, MAX(date) FROM observations GROUP BY instrument, field"
        )
        return {(i, f): d for i, f, d in rows}

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` result ('ok' when sound)."""
        return str(self._con.execute("PRAGMA integrity_check").fetchone()[0])
