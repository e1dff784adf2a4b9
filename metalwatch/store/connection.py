"""A store's connection: opening it (the schema checked, created or upgraded), its statements
and transactions, and its meta table. :class:`~metalwatch.store.database.Store` builds its
reads and writes on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import pandas as pd

from metalwatch.errors import StoreCorruptError, StoreVersionError
from metalwatch.store.backend import Backend, Cursor, read_only_error
from metalwatch.store.compact import Catalog
from metalwatch.store.image import ImageOpener, start_from_image
from metalwatch.store.paths import resolve_location
from metalwatch.store.point_in_time import DateLike, now_text, parse_as_of
from metalwatch.store.schema import CREATED_AT, SCHEMA_VERSION, UPGRADE_IDS, UPGRADES, ddl


def open_backend(location: str | Path, *, read_only: bool = False) -> Backend:
    """The backend for a resolved location: a PostgreSQL URL, or an SQLite file."""
    if isinstance(location, str):
        from metalwatch.store.postgres import PostgresBackend  # psycopg only when used

        return PostgresBackend(location, read_only=read_only)
    from metalwatch.store.sqlite import SQLiteBackend

    return SQLiteBackend(location, read_only=read_only)


class StoreConnection:
    """An open store's connection: see :class:`~metalwatch.store.database.Store`, which is
    one, for the parameters and attributes."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        start_from: ImageOpener | None = None,
    ) -> None:
        where = resolve_location(path)
        self.path: Path | None = where if isinstance(where, Path) else None
        self.started_from_image = (
            self.path is not None
            and start_from is not None
            and not read_only
            and start_from_image(self.path, start_from)
        )
        self._depth = 0
        self._as_of: DateLike | None = None
        self._db = open_backend(where, read_only=read_only)
        db = self._db
        self.backend = db.dialect
        self.location = db.where
        fresh = bool(getattr(db, "fresh", False))
        try:
            version = self._check_schema("create" if fresh else "read")
            db.prepare()
            if version is None:
                meta = {"schema_version": str(SCHEMA_VERSION), CREATED_AT: now_text()}
                try:
                    db.create_schema(ddl(db.dialect), meta)
                except db.errors as exc:
                    raise db.translate(exc, "create") from exc
                self._check_schema("create")
            elif version != SCHEMA_VERSION:
                self._upgrade(version)
        except db.errors as exc:
            db.close()
            raise db.translate(exc, "create" if fresh else "open") from exc
        except BaseException:
            db.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------
    @property
    def as_of(self) -> pd.Timestamp | None:
        """The moment this store's reads see (None: now); see :meth:`at`."""
        return None if self._as_of is None else parse_as_of(self._as_of)

    @property
    def read_only(self) -> bool:
        """True when writes are refused (asked for, or not allowed here)."""
        return self._db.read_only

    @property
    def immutable(self) -> bool:
        """True for an SQLite store read as an unchanging file (see the class)."""
        return self._db.immutable

    @property
    def _con(self) -> Any:
        """The driver's connection (tests; nothing in the package uses it)."""
        return getattr(self._db, "con")  # noqa: B009

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_writable(self) -> None:
        """Raise the one-line :class:`StoreError` a write would, if the store is read-only."""
        if self._as_of is not None:
            raise read_only_error(
                self.location, f"a view of it as of {self.as_of:%Y-%m-%d %H:%M:%S} UTC"
            )
        if self.read_only:
            raise read_only_error(self.location, self._db.why_read_only)

    def _sql(self, sql: str, params: Sequence[Any] = (), action: str = "read") -> Cursor:
        """Run one statement, a driver error becoming a one-line :class:`StoreError`."""
        try:
            return self._db.execute(sql, params)
        except self._db.errors as exc:
            if not self._depth:
                self._db.rollback()
            raise self._db.translate(exc, action) from exc

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame with its column names."""
        try:
            cur = self._db.execute(sql, params)
            rows = cur.fetchall()
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc
        columns = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(rows, columns=columns)

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """One write transaction (committed at the end, rolled back on any error).

        Transactions nest: one opened inside another is part of it, and commits with it.
        On SQLite it is ``BEGIN IMMEDIATE`` (one writer at a time); on PostgreSQL writers
        serialise per series (:meth:`lock`). A driver error becomes a one-line
        :class:`StoreError` naming its cause (the store is read-only, the disk is full,
        another process holds the lock).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.require_writable()
        db = self._db
        try:
            db.begin()
        except db.errors as exc:
            raise db.translate(exc, "write") from exc
        self._depth = 1
        try:
            yield self
        except db.errors as exc:
            db.rollback()
            raise db.translate(exc, "write") from exc
        except BaseException:
            db.rollback()
            raise
        else:
            try:
                db.commit()
            except db.errors as exc:
                db.rollback()
                raise db.translate(exc, "write") from exc
        finally:
            self._depth = 0

    def lock(self, key: str) -> None:
        """Serialise with every other writer of ``key`` until the transaction ends.

        SQLite needs nothing (its write transaction holds the whole file); PostgreSQL takes an
        advisory transaction lock. Call it inside :meth:`transaction`.
        """
        if not self._depth:
            raise RuntimeError("Store.lock() outside a transaction")
        self._db.lock(key)

    def _check_schema(self, action: str) -> int | None:
        """The store's schema version (None: no table yet); refuse anything else.

        Only reads: it runs before anything that writes (the SQLite WAL switch included).
        ``action`` ("create" or "read") is what a driver error is said to have failed. An
        older version this metalwatch upgrades (:data:`~metalwatch.store.schema.UPGRADES`) is
        returned; a read-only store of that version is refused, as is any other version.
        """
        db = self._db
        try:
            tables = db.tables()
        except db.errors as exc:
            raise db.translate(exc, action) from exc
        kind = "an SQLite file" if db.dialect == "sqlite" else "a PostgreSQL database"
        if not tables:
            if self.read_only:
                raise StoreCorruptError(f"{self.location} is an empty {kind[3:]}, not a store")
            return None
        if "meta" not in tables:
            raise StoreCorruptError(f"{self.location} is {kind} but not a metalwatch store")
        version = self.meta("schema_version")
        if version == str(SCHEMA_VERSION):
            return SCHEMA_VERSION
        said = (
            f"store {self.location} has schema version {version}; this metalwatch reads "
            f"version {SCHEMA_VERSION}"
        )
        old = int(version) if version is not None and version.isdigit() else None
        if old is None or old not in UPGRADES:
            raise StoreVersionError(said)
        if self.read_only:
            why = self._db.why_read_only
            raise StoreVersionError(
                f"{said}, and upgrades it on open, but it is read-only here ({why})"
            )
        return old

    def _upgrade(self, version: int) -> None:
        """Bring the store from ``version`` to :data:`SCHEMA_VERSION`, in one transaction."""
        with self.transaction():
            self._db.lock("schema")
            current = self.meta("schema_version")  # another process may have done it
            while current is not None and int(current) in UPGRADES:
                for statement in UPGRADES[int(current)]:
                    self._db.execute(ddl(self._db.dialect, statement))
                for table in UPGRADE_IDS.get(int(current), ()):
                    self._db.after_load(table)
                current = str(int(current) + 1)
                self._sql(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", (current,), "write"
                )

    # -- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self._sql("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (its own transaction, or part of the one open)."""
        with self.transaction():
            self._sql(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
                "write",
            )

    def _catalog(self) -> Catalog:
        """The store's series and sources, read now."""
        try:
            return Catalog.read(self._db)
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc
