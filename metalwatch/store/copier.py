"""A whole store from one backend to another (``metalwatch store copy SRC DST``), verified.

Every table moves as it is (observations, revisions with their ids and times, the fetch log,
headlines, every version of every event, and meta), in one transaction on the destination,
through the backend's bulk load (COPY on PostgreSQL). Before it commits, the destination's row
counts and checksum are compared with the source's: a copy that differs in one row is rolled
back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

from metalwatch.errors import StoreError
from metalwatch.store.database import Store
from metalwatch.store.schema import GENERATED_IDS, ORDER, TABLES

BATCH = 20_000


@dataclass(frozen=True)
class Fingerprint:
    """Row counts per table and one checksum over every row of every table.

    The checksum is SHA-256 over each table's rows in key order, each value written the same
    way whatever the backend (floats by ``repr``, which round-trips exactly, NULL as ``\\N``).
    """

    counts: dict[str, int]
    checksum: str

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class CopyResult:
    """What ``store copy`` moved: the fingerprint both stores share, and how long it took."""

    fingerprint: Fingerprint
    seconds: float


class _Summer:
    """Row counts per table and the running checksum of the rows seen."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.counts: dict[str, int] = {}

    def rows(self, store: Store, table: str) -> Iterator[tuple[object, ...]]:
        """``table``'s rows in key order, counted and added to the checksum as they pass."""
        columns = ", ".join(TABLES[table])
        cur = store._db.execute(f"SELECT {columns} FROM {table} ORDER BY {ORDER[table]}")
        self.digest.update(f"\x1e{table}\x1e".encode())
        self.counts[table] = 0
        while batch := cur.fetchmany(BATCH):
            self.counts[table] += len(batch)
            text = "\n".join("\x1f".join(map(_text, row)) for row in batch)
            self.digest.update(text.encode() + b"\n")
            yield from batch

    def result(self) -> Fingerprint:
        return Fingerprint(dict(self.counts), self.digest.hexdigest())


def _reading(store: Store, rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """``rows``, a driver error met reading them becoming the source store's one-line error."""
    try:
        yield from rows
    except store._db.errors as exc:
        raise store._db.translate(exc, "read") from exc


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    if type(value) is float:
        return repr(value)
    return str(value)


def fingerprint(store: Store) -> Fingerprint:
    """Row counts and checksum of every table of ``store``.

    Parameters
    ----------
    store
        An open store (inside a transaction, it sees that transaction's writes).
    """
    summer = _Summer()
    try:
        for table in TABLES:
            for _ in summer.rows(store, table):
                pass
    except store._db.errors as exc:
        raise store._db.translate(exc, "read") from exc
    return summer.result()


def copy_store(src: Store, dst: Store) -> CopyResult:
    """Copy every table of ``src`` into the empty store ``dst``, verified before commit.

    Parameters
    ----------
    src
        The store to copy (only read).
    dst
        A new store (its schema and nothing else: open it with :class:`Store`, not
        ``open_store``, which would seed it).

    Raises
    ------
    StoreError
        ``dst`` already holds data, or the copy's counts or checksum differ from the source's
        (nothing is left in ``dst``), or a store cannot be read or written.
    """
    t0 = time.perf_counter()
    dst.require_writable()
    held = {t: n for t, n in _counts(dst).items() if n and t != "meta"}
    if held:
        said = ", ".join(f"{n} {t}" for t, n in held.items())
        raise StoreError(
            f"the store {dst.location} already holds data ({said} rows): copy only into a new, "
            "empty store"
        )
    db = dst._db
    source = _Summer()  # the source's checksum, taken from the rows as they are copied
    with dst.transaction():
        db.execute("DELETE FROM meta")
        for table, columns in TABLES.items():
            db.load(table, columns, _reading(src, source.rows(src, table)))
            if table in GENERATED_IDS:
                db.after_load(table)
        want = source.result()
        got = fingerprint(dst)
        if got != want:
            raise StoreError(
                f"copy to {dst.location} does not match {src.location} (rows {got.counts} "
                f"against {want.counts}, checksum {got.checksum[:12]} against "
                f"{want.checksum[:12]}): nothing was copied"
            )
    return CopyResult(want, time.perf_counter() - t0)


def _counts(store: Store) -> dict[str, int]:
    return {
        table: int(store._sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) for table in TABLES
    }
