"""Shared fixtures: a store seeded once per session from the bundled snapshot, copied per test.

:func:`sql` is the tests' one door to a store's SQL: a change of the store's internals (the
connection attribute, the file layout) is made here and nowhere else.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from metalwatch.ingest.seed import open_store
from metalwatch.store import Store
from tests.store_backends import (  # noqa: F401 - fixtures over both store backends
    backend,
    backend_store,
    empty_url,
    pg_empty_url,
    pg_seeded,
    pg_store_url,
    pg_url,
    seeded_url,
)


def sql(target: Store | Path | str, query: str, params: tuple = ()) -> list[tuple]:
    """Run one SQL statement (``?`` placeholders) on an open :class:`Store`, on a database file
    or on a ``postgresql://`` URL; all its rows.

    On a file or URL the statement runs on a connection of its own and is committed.
    """
    if isinstance(target, Store):
        cur = target._db.execute(query, params)
        return cur.fetchall() if cur.description else []
    if isinstance(target, str) and target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as pg:
            cur = pg.execute(query.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []
    con = sqlite3.connect(target)
    try:
        with con:
            return con.execute(query, params).fetchall()
    finally:
        con.close()


@pytest.fixture(name="sql", scope="session")
def sql_fixture():
    """:func:`sql`, for tests (``def test_x(store, sql): sql(store, "PRAGMA ...")``)."""
    return sql


@pytest.fixture(scope="session", autouse=True)
def _isolated_default_store(tmp_path_factory: pytest.TempPathFactory):
    """No test may touch the user's real store: point the default at a session temp file."""
    mp = pytest.MonkeyPatch()
    mp.setenv("METALWATCH_STORE", str(tmp_path_factory.mktemp("default") / "default.sqlite"))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seeded.sqlite"
    with open_store(path) as st:  # seeding is explicit: Store() never writes data
        sql(st, "PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def store_path(seeded_path: Path, tmp_path: Path) -> Path:
    """Path to a private copy of the seeded store."""
    dst = tmp_path / "store.sqlite"
    shutil.copyfile(seeded_path, dst)
    return dst


@pytest.fixture
def store(store_path: Path):
    with Store(store_path) as st:
        yield st
