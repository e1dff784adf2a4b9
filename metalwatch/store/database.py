"""The embedded store: one SQLite file in WAL mode, upserts that keep every revision."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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


@dataclass(frozen=True)
class WriteResult:
    """What one upsert did."""

    added: int
    revised: int
    unchanged: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_file(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        raise StoreCorruptError(f"store path {path} is a directory, not a database file")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise StoreCorruptError(f"store file {path} is not an SQLite database")


class Store:
    """A metalwatch store file.

    Opening a store never writes data into it: seeding a new store from the bundled snapshot
    is an explicit step (:func:`metalwatch.open_store` does it on first use).

    Parameters
    ----------
    path
        The SQLite file. ``None`` uses ``$METALWATCH_STORE`` or the user data directory.

    Examples
    --------
    >>> with Store(tmp_path / "mw.sqlite") as st:      # doctest: +SKIP
    ...     st.read(["LME.CA.3M"], start="2025-12-01")
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_store_path(path)
        _check_file(self.path)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the store folder {self.path.parent}: {exc.strerror}"
                raise StoreError(msg) from exc
        try:
            self._con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._con.execute("PRAGMA journal_mode=WAL")
            self._con.execute("PRAGMA synchronous=NORMAL")
            self._con.execute("PRAGMA foreign_keys=ON")
        except sqlite3.OperationalError as exc:
            raise self._translate(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(f"store file {self.path} is damaged: {exc}") from exc
        self._init_schema(fresh)

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            return StoreBusyError(f"store {self.path} is busy (another metalwatch is writing)")
        if "readonly" in msg or "unable to open" in msg:
            return StoreError(f"cannot write the store {self.path}: {msg}")
        return StoreCorruptError(f"store {self.path}: {msg}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error)."""
        try:
            self._con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        try:
            yield self._con
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        try:
            self._con.execute("COMMIT")
        except sqlite3.Error as exc:
            self._con.execute("ROLLBACK")
            raise self._translate(exc) from exc

    def _init_schema(self, fresh: bool) -> bool:
        """Create the schema in an empty file (True) or check an existing store's (False)."""
        try:
            tables = {
                r[0]
                for r in self._con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise StoreCorruptError(f"store file {self.path} is damaged: {exc}") from exc
        if not tables:
            script = (
                "BEGIN IMMEDIATE;" + DDL + "INSERT OR IGNORE INTO meta(key, value) VALUES "
                f"('schema_version', '{SCHEMA_VERSION}'), ('created_at', '{_now()}'); COMMIT;"
            )
            try:
                self._con.executescript(script)
            except sqlite3.Error as exc:
                if self._con.in_transaction:
                    self._con.execute("ROLLBACK")
                raise self._translate(exc) from exc
            return True
        if "meta" not in tables:
            raise StoreCorruptError(f"{self.path} is an SQLite file but not a metalwatch store")
        version = self.meta("schema_version")
        if version != str(SCHEMA_VERSION):
            raise StoreVersionError(
                f"store {self.path} has schema version {version}; this metalwatch reads "
                f"version {SCHEMA_VERSION}"
            )
        return False

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
    def upsert(self, df: pd.DataFrame, *, validate: bool = True) -> WriteResult:
        """Insert or update canonical rows in one transaction.

        A changed value replaces the stored one and the old value goes to ``revisions``
        with the time it changed; identical values are left untouched.
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
            revised = con.execute(
                "INSERT INTO revisions (instrument, field, date, old_value, new_value, "
                "old_source, new_source, revised_at) "
                "SELECT o.instrument, o.field, o.date, o.value, i.value, o.source, i.source, ? "
                "FROM incoming i JOIN observations o USING (instrument, field, date) "
                "WHERE o.value != i.value",
                (now,),
            ).rowcount
            con.execute(
                "INSERT INTO observations (instrument, field, date, value, unit, currency, "
                "source, updated_at) SELECT instrument, field, date, value, unit, currency, "
                "source, ? FROM incoming WHERE true "
                "ON CONFLICT (instrument, field, date) DO UPDATE SET value = excluded.value, "
                "unit = excluded.unit, currency = excluded.currency, source = excluded.source, "
                "updated_at = excluded.updated_at WHERE observations.value != excluded.value",
                (now,),
            )
            con.execute("DELETE FROM incoming")
        return WriteResult(added, revised, len(rows) - added - revised)

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
            return con.execute("SELECT COUNT(*) FROM news").fetchone()[0] - before

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
            raise self._translate(exc) from exc
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
        return self._con.execute("PRAGMA integrity_check").fetchone()[0]
