"""Seeding's fast path stores exactly what the full merge stores.

An upsert chunk whose series hold no stored row (and with no key twice) is bulk-inserted into
``observations`` without the join against the stored rows (``Store._only_new``). Each test here
writes the same real bundled frames twice, once as the store does and once with the fast path
switched off, and compares every stored row and every count; it also checks the fast path was
taken, so the comparison cannot pass by both runs taking the slow one.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.errors import StoreCorruptError, StoreError
from metalwatch.ingest import seed
from metalwatch.sources import bundled
from metalwatch.store import Store, WriteResult, sqlite
from metalwatch.store.database import CHUNK_ROWS
from tests.store_backends import drop_database, new_database

Locations = tuple[str | Path, str | Path]

# real bundled rows (counted from the snapshot files): LME copper 3M closes, SHFE copper's
# seven fields, and the dollar index, whose 56,008 rows take two chunks (the second chunk's
# series then hold rows, so it is merged in full)
LME, SHFE, DXY = 4711, 35477, 56008


@pytest.fixture
def two_empty(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Locations]:
    """Two new, empty stores on the test's backend."""
    if backend == "sqlite":
        yield tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        return
    server: str = request.getfixturevalue("pg_url")
    urls = (new_database(server), new_database(server))
    yield urls
    for url in urls:
        drop_database(server, url)


def parts(*ids: str) -> list[pd.DataFrame]:
    return list(bundled.parts_of(list(ids)))


def stored(st: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every observation and revision by name (not by id); write times as their rank."""
    obs = st._db.execute(
        "SELECT s.instrument, s.field, s.unit, s.currency, o.day, o.value, c.name, w.at "
        "FROM observations o JOIN series s ON s.id = o.series JOIN sources c ON c.id = o.source "
        "JOIN writes w ON w.id = o.written ORDER BY s.instrument, s.field, o.day"
    ).fetchall()
    revs = st.revisions().drop(columns=["id"]).values.tolist()
    times = sorted({r[-1] for r in obs} | {t for r in revs for t in r[-2:]})
    rank = {t: n for n, t in enumerate(times)}
    return (
        [(*r[:-1], rank[r[-1]]) for r in obs],
        [(*r[:-2], rank[r[-2]], rank[r[-1]]) for r in revs],
    )


def write(
    location: str | Path,
    action: Callable[[Store], WriteResult | None],
    *,
    fast: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[WriteResult | None, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]], int]:
    """Run ``action`` on the store at ``location``, with or without the fast path: its result,
    the stored rows (:func:`stored`) and how many chunks took the fast path."""
    taken = itertools.count()
    real = Store._only_new

    def only_new(self: Store, new: Any) -> Any:
        hit = real(self, new) if fast else None
        if hit is not None:
            next(taken)
        return hit

    with monkeypatch.context() as m:
        m.setattr(Store, "_only_new", only_new)
        with Store(location) as st:
            result = action(st)
            rows = stored(st)
    return result, rows, next(taken)


def test_fast_path_stores_what_the_merge_stores(
    two_empty: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = parts("LME.CA.3M", "SHFE.CU", "ICE.DXY")

    def upsert(st: Store) -> WriteResult:
        return st.upsert_chunks(iter(frames), validate=False, revise_only="bundled:")

    fast = write(two_empty[0], upsert, fast=True, monkeypatch=monkeypatch)
    slow = write(two_empty[1], upsert, fast=False, monkeypatch=monkeypatch)
    assert fast[0] == slow[0] == WriteResult(LME + SHFE + DXY, 0, 0, 0)
    assert fast[2] == 3  # LME, SHFE and the first chunk of DXY; DXY's second chunk merged
    assert len(fast[1][0]) == LME + SHFE + DXY and fast[1][1] == []
    assert fast[1] == slow[1]


def test_counts_on_a_partly_filled_store(
    two_empty: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    lme, shfe = parts("LME.CA.3M", "SHFE.CU")
    held = frame.coerce(lme.iloc[:100])
    held.loc[0, "value"] += 1.0  # a bundled value the snapshot now corrects: revised
    held.loc[1, "value"] += 1.0  # a value a desk wrote: kept
    held.loc[1, "source"] = "desk"
    lme_last = frame.coerce(lme).iloc[-1]

    def upsert(st: Store) -> WriteResult:
        st.upsert(held)
        return st.upsert_chunks(iter([lme, shfe]), validate=False, revise_only="bundled:")

    fast = write(two_empty[0], upsert, fast=True, monkeypatch=monkeypatch)
    slow = write(two_empty[1], upsert, fast=False, monkeypatch=monkeypatch)
    # LME: 100 held rows (1 revised, 1 kept, 98 the same), 4,611 added; SHFE: all added
    assert fast[0] == slow[0] == WriteResult(LME - 100 + SHFE, 1, 98, 1)
    assert fast[2] == 2  # the first upsert's chunk and SHFE's; LME's merged in full
    assert fast[1] == slow[1]
    with Store(two_empty[0]) as st:
        rev = st.revisions()
        assert rev[["instrument", "date", "new_value"]].values.tolist() == [
            ["LME.CA.3M", "2008-01-02", float(lme["value"].iloc[0])]
        ]
        last = st.read(["LME.CA.3M"], start=lme_last["date"], end=lme_last["date"])
        assert last["value"].tolist() == [lme_last["value"]]


def test_a_key_twice_takes_the_full_merge(
    backend: str, two_empty: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = frame.coerce(parts("LME.CA.3M")[0].iloc[:1])
    twice = pd.concat([row, row.assign(value=row["value"] + 5.0)], ignore_index=True)

    def upsert(st: Store) -> WriteResult:
        return st.upsert_chunks(iter([twice]), validate=False)

    outcomes = []
    for location, fast in zip(two_empty, (True, False), strict=True):
        try:
            outcomes.append(write(location, upsert, fast=fast, monkeypatch=monkeypatch))
        except StoreError as exc:  # PostgreSQL refuses to update a row twice in one statement
            outcomes.append(type(exc))
    assert outcomes[0] == outcomes[1]
    if backend == "postgresql":  # ON CONFLICT DO UPDATE cannot touch a row twice in a statement
        assert outcomes[0] is StoreCorruptError
    else:  # SQLite applies the rows in turn: the second replaces the first
        assert outcomes[0][2] == 0  # never taken: a plain insert would fail on the second row
        assert outcomes[0][0] == WriteResult(2, 0, 0, 0)
        assert outcomes[0][1][0][0][5] == float(row["value"].iloc[0]) + 5.0  # the last one stored


def _checksum(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    con = sqlite3.connect(path)
    n = 0
    for table, order in (("series", "id"), ("sources", "id"), ("observations", "series, day")):
        for r in con.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            h.update(repr(r).encode())
            n += table == "observations"
    con.close()
    return h.hexdigest(), n


def test_seeding_stores_what_the_full_merge_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = []
    for name, fast in (("fast", True), ("slow", False)):
        path = tmp_path / f"{name}.sqlite"
        result, _, taken = write(path, seed.apply_snapshot, fast=fast, monkeypatch=monkeypatch)
        results.append((result, _checksum(path), taken))
    (fast_result, fast_sum, taken), (slow_result, slow_sum, _) = results
    assert fast_result == slow_result
    assert fast_result.added == fast_sum[1] == sum(len(p) for p in bundled.parts_of())
    assert fast_sum == slow_sum  # same ids, same rows, same write
    assert taken == len(bundled.available())  # one chunk per file, DXY's second merged in full


def test_every_bundled_part_is_valid() -> None:
    """Seeding writes the snapshot unvalidated (``validate=False``): the bundled rows must pass
    the checks every other write passes, or the package is not shipped."""
    for part in bundled.parts_of():
        frame.validate(part)


@pytest.mark.parametrize("n", [0, 1, 499, 500, 1000, 1234])
def test_sqlite_load_in_batches(tmp_path: Path, n: int) -> None:
    """Rows from an iterator, in statements of many rows, land all and in order."""
    backend = sqlite.SQLiteBackend(tmp_path / "load.sqlite")
    backend.execute("CREATE TABLE t (a INTEGER, b REAL, c TEXT)")
    rows = ((i, i / 4, f"r{i}") for i in range(n))
    backend.load("t", ("a", "b", "c"), rows)
    got = backend.execute("SELECT a, b, c FROM t ORDER BY rowid").fetchall()
    assert got == [(i, i / 4, f"r{i}") for i in range(n)]
    backend.close()


def test_chunk_size_is_what_the_counts_assume() -> None:
    assert CHUNK_ROWS == 50_000 and LME < SHFE < CHUNK_ROWS < DXY < 2 * CHUNK_ROWS


def test_bundled_parts_are_canonical_as_read() -> None:
    """Seeding takes the parts without coercing them: coerce must change nothing in them."""
    n = 0
    for part in bundled.parts_of():
        assert frame.is_canonical(part), part["instrument"].iat[0]
        pd.testing.assert_frame_equal(part, frame.coerce(part))
        n += len(part)
    assert n == 703_963  # the snapshot's rows, as seeding counts them added


def _lme_rows() -> pd.DataFrame:
    return frame.coerce(parts("LME.CA.3M")[0].iloc[:3])


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df.assign(date=df["date"] + pd.Timedelta(hours=9)),  # a time of day
        lambda df: df.assign(currency=pd.array(["USD", "", "USD"], dtype="string")),
        lambda df: df.assign(instrument=df["instrument"].astype(object)),
        lambda df: df.assign(date=df["date"].astype("datetime64[us]")),
        lambda df: df.assign(value=df["value"].astype("float32")),
        lambda df: df.iloc[1:],  # not a default index
        lambda df: df[list(reversed(frame.COLUMNS))],
        lambda df: df.assign(extra=1),
    ],
)
def test_is_canonical_only_when_coerce_changes_nothing(change: Callable[..., Any]) -> None:
    good = _lme_rows()
    assert frame.is_canonical(good)
    bad = change(good)
    assert not frame.is_canonical(bad)
    assert frame.is_canonical(frame.coerce(bad))
