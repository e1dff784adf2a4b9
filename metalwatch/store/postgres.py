"""The PostgreSQL backend: a shared store on a server, through psycopg 3.

The same tables as the SQLite store (see :mod:`metalwatch.store.schema`), in the connection's
current schema (``public`` unless the URL's ``options`` set a ``search_path``). Writers
serialise per series with transaction-scoped advisory locks (``pg_advisory_xact_lock``), so
two updates of different series run side by side and two of the same series one after the
other; readers never wait (MVCC). A role without INSERT on the store's tables opens it
read-only: reads work and a write is refused with one line before anything is sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import suppress

import psycopg
from psycopg import errors as pgerr
from psycopg.pq import TransactionStatus

from metalwatch.errors import StoreBusyError, StoreCorruptError, StoreError
from metalwatch.store.backend import Cursor, Params, read_only_error
from metalwatch.store.paths import redact

CONNECT_TIMEOUT_S = 10
#: The tables a writer must be able to change (INSERT and UPDATE).
WRITTEN = (
    "meta", "series", "sources", "writes", "observations", "revisions", "fetch_log", "news",
    "events",
)  # fmt: skip


def lock_key(key: str) -> int:
    """A signed 64-bit advisory lock key for ``key`` (stable across processes and versions)."""
    digest = hashlib.blake2b(f"metalwatch:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PostgresBackend:
    """A store in a PostgreSQL database.

    Parameters
    ----------
    url
        A ``postgresql://`` URL (libpq's: host, port, database, user, and
        ``?host=/socket/dir`` for a Unix socket).
    read_only
        Refuse writes even if the role could write.
    """

    dialect = "postgresql"
    errors: tuple[type[Exception], ...] = (psycopg.Error,)
    immutable = False

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.where = redact(url)
        self.why_read_only = "it was opened read-only" if read_only else ""
        self.read_only = read_only
        self.fresh = False
        try:
            self.con = psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="metalwatch",
            )
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the store {self.where}: {_first_line(exc)}") from exc

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement; ``?`` placeholders become psycopg's ``%s``."""
        return self.con.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement per row (pipelined by psycopg)."""
        with self.con.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)

    def tables(self) -> set[str]:
        """The tables of the connection's current schema."""
        rows = self.con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        self.fresh = not rows
        return {str(r[0]) for r in rows}

    def prepare(self) -> None:
        """A role that may not change the store's tables makes it read-only, said so."""
        if self.read_only or self.fresh:
            return
        held = self.tables()  # a store of an older schema lacks the newer tables until upgraded
        checks = " AND ".join(
            f"has_table_privilege('{t}', 'INSERT') AND has_table_privilege('{t}', 'UPDATE')"
            for t in WRITTEN
            if t in held
        )
        row = self.con.execute(f"SELECT current_user, {checks}").fetchone()
        if row is not None and not row[1]:
            self.read_only = True
            self.why_read_only = f"role {row[0]} may only read it"

    def create_schema(self, ddl: str, meta: dict[str, str]) -> None:
        """The DDL and the first meta rows, in one transaction under a schema lock."""
        self.begin()
        try:
            self.lock("schema")
            self.con.execute(ddl)
            for key, value in meta.items():
                self.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                    (key, value),
                )
            self.commit()
        except BaseException:
            self.rollback()
            raise

    # -- transactions ----------------------------------------------------------------------
    def begin(self) -> None:
        """BEGIN (READ COMMITTED; writers serialise by series through :meth:`lock`)."""
        self.con.execute("BEGIN")

    def commit(self) -> None:
        """COMMIT."""
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        """ROLLBACK if a transaction is open."""
        if self.con.closed:
            return
        if self.con.info.transaction_status != TransactionStatus.IDLE:
            with suppress(psycopg.Error):  # the error that got us here is the one to report
                self.con.execute("ROLLBACK")

    def lock(self, key: str) -> None:
        """``pg_advisory_xact_lock``: held until the transaction ends."""
        self.con.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(key),))

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Params]) -> None:
        """``COPY table (columns) FROM STDIN``: one stream, not one statement per row."""
        with (
            self.con.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        if table == "incoming":  # a temporary table has no statistics: plan joins on real counts
            self.con.execute("ANALYZE incoming")

    def after_load(self, table: str) -> None:
        """Move ``table``'s identity sequence past the largest id loaded."""
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )

    def integrity_check(self) -> str:
        """Every table read through, and no revision without its observation."""
        for table in WRITTEN:
            self.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        orphans = self.execute(
            "SELECT COUNT(*) FROM revisions r LEFT JOIN observations o "
            "ON o.series = r.series AND o.day = r.day WHERE o.series IS NULL"
        ).fetchone()
        n = int(orphans[0]) if orphans else 0
        return "ok" if n == 0 else f"{n} revision(s) of rows not stored"

    def translate(self, exc: Exception, action: str) -> StoreError:
        """A one-line store error for a PostgreSQL error met while doing ``action``."""
        msg = _first_line(exc)
        where = self.where
        if isinstance(exc, pgerr.InsufficientPrivilege | pgerr.ReadOnlySqlTransaction):
            if action == "create":
                return StoreError(f"cannot create the store {where}: {msg}")
            if not self.why_read_only:
                user = self.con.info.user if not self.con.closed else "this role"
                self.why_read_only = f"role {user} may only read it: {msg}"
            return read_only_error(where, self.why_read_only)
        if isinstance(exc, pgerr.DiskFull | pgerr.OutOfMemory):
            return StoreError(
                f"the disk holding the store {where} is full ({msg}): nothing of this "
                f"{action} was stored"
            )
        if isinstance(exc, pgerr.DeadlockDetected | pgerr.LockNotAvailable | pgerr.QueryCanceled):
            return StoreBusyError(f"store {where} is busy (another metalwatch is writing): {msg}")
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return StoreError(f"cannot {action} the store {where}: {msg}")
        if isinstance(exc, pgerr.DataCorrupted | pgerr.IndexCorrupted):
            return StoreCorruptError(f"store {where} is damaged: {msg}")
        return StoreCorruptError(f"store {where}: {msg}")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()
