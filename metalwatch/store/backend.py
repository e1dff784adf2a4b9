"""What a store backend is: the few things SQLite and PostgreSQL do differently.

:class:`~metalwatch.store.Store` holds the store's logic (upserts with revisions, reads, point
in time, meta, the fetch log) in SQL both engines run, written with ``?`` placeholders; a
backend connects, runs that SQL, and does what the two do differently: transactions and
locking, bulk loads, the schema check's table list, error translation and the integrity check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from metalwatch.errors import StoreError

Params = Sequence[Any]


class Cursor(Protocol):
    """The DB-API cursor subset the store uses."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int) -> list[Any]: ...


class Backend(Protocol):
    """One engine behind a :class:`~metalwatch.store.Store`.

    Attributes
    ----------
    dialect
        ``"sqlite"`` or ``"postgresql"``.
    where
        The store as messages name it: the file, or the URL without its password.
    errors
        The driver's base error class(es), translated by :meth:`translate`.
    read_only, why_read_only
        Whether writes are refused here, and why ("" when they are not).
    immutable
        SQLite only: the file is read as unchanging (a read-only folder).
    """

    dialect: str
    where: str
    errors: tuple[type[Exception], ...]
    read_only: bool
    why_read_only: str
    immutable: bool

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement (``?`` placeholders)."""
        ...

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement per row (``?`` placeholders)."""
        ...

    def tables(self) -> set[str]:
        """The names of the tables the store's database (or schema) holds."""
        ...

    def prepare(self) -> None:
        """Session settings, once the schema check passed (SQLite: WAL)."""
        ...

    def create_schema(self, ddl: str, meta: dict[str, str]) -> None:
        """Create the tables and the first meta rows in one transaction; safe if two race."""
        ...

    def begin(self) -> None:
        """Start a write transaction."""
        ...

    def commit(self) -> None:
        """Commit it."""
        ...

    def rollback(self) -> None:
        """Roll it back if one is open."""
        ...

    def lock(self, key: str) -> None:
        """Serialise with every other writer of ``key`` until the transaction ends."""
        ...

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Params]) -> None:
        """Bulk insert ``rows`` into ``table`` (SQLite: executemany; PostgreSQL: COPY)."""
        ...

    def after_load(self, table: str) -> None:
        """Bring ``table``'s id sequence past the ids loaded into it (PostgreSQL)."""
        ...

    def integrity_check(self) -> str:
        """``"ok"`` when the store's storage is sound, else what is wrong."""
        ...

    def translate(self, exc: Exception, action: str) -> StoreError:
        """A one-line :class:`StoreError` for a driver error met while doing ``action``."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...


def read_only_error(where: str, why: str) -> StoreError:
    """The one-line error a write to a read-only store raises."""
    return StoreError(f"the store {where} is read-only ({why}): nothing was written")
