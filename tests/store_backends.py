"""Store fixtures over both backends: SQLite files and PostgreSQL databases.

The PostgreSQL server is the one ``METALWATCH_TEST_PG`` names (``make test`` starts a
throwaway cluster, ``scripts/with_postgres.sh``, and sets it). The bundled snapshot is seeded
once per session into a template database; each test gets its own database copied from it
(``CREATE DATABASE ... TEMPLATE``), dropped after. Without a server the PostgreSQL cases skip
with the reason, except in CI (``CI`` set), where they fail: they never skip silently there.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from metalwatch.ingest.seed import open_store
from metalwatch.store import Store

ENV = "METALWATCH_TEST_PG"
BACKENDS = ("sqlite", "postgresql")
_PREFIX = f"mw_test_{os.getpid()}"
_numbers = itertools.count()


def database_url(url: str, name: str) -> str:
    """``url`` with its database changed to ``name``."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{name}{query}"


def admin(url: str, *statements: str) -> None:
    """Run statements on the server, outside any transaction (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        for statement in statements:
            con.execute(statement)


def new_database(url: str, template: str | None = None) -> str:
    """A new database on the server (a copy of ``template`` if given); its URL."""
    name = f"{_PREFIX}_{next(_numbers)}"
    copy = f" TEMPLATE {template}" if template else ""
    admin(url, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}{copy}")
    return database_url(url, name)


def drop_database(url: str, db_url: str) -> None:
    """Drop the database ``db_url`` names (its connections closed by force)."""
    name = urlsplit(db_url).path.lstrip("/")
    admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_url() -> str:
    """``$METALWATCH_TEST_PG``; without it, skip (with the reason), or fail when ``CI`` is set."""
    url = os.environ.get(ENV, "")
    if not url:
        why = f"no PostgreSQL server for the store tests: ${ENV} is not set"
        if os.environ.get("CI"):
            pytest.fail(
                f"{why} in CI (run them through `make test`, which starts one)", pytrace=False
            )
        pytest.skip(f"{why} (`make test` starts a throwaway cluster and sets it)")
    return url


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test server's URL; skip without one, fail without one in CI."""
    return server_url()


@pytest.fixture(scope="session")
def pg_seeded(pg_url: str) -> Iterator[str]:
    """The name of a template database holding the seeded store (seeded once per session)."""
    db_url = new_database(pg_url)
    open_store(db_url).close()
    name = urlsplit(db_url).path.lstrip("/")
    yield name
    drop_database(pg_url, db_url)


@pytest.fixture
def pg_store_url(pg_url: str, pg_seeded: str) -> Iterator[str]:
    """URL of a private PostgreSQL copy of the seeded store."""
    db_url = new_database(pg_url, template=pg_seeded)
    yield db_url
    drop_database(pg_url, db_url)


@pytest.fixture
def pg_empty_url(pg_url: str) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database."""
    db_url = new_database(pg_url)
    yield db_url
    drop_database(pg_url, db_url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgresql"``: the backend a test runs on."""
    return str(request.param)


@pytest.fixture
def seeded_url(backend: str, request: pytest.FixtureRequest) -> str | Path:
    """A private seeded store on the test's backend: an SQLite file or a PostgreSQL URL."""
    if backend == "sqlite":
        path: Path = request.getfixturevalue("store_path")
        return path
    url: str = request.getfixturevalue("pg_store_url")
    return url


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """A location for a new, empty store on the test's backend."""
    if backend == "sqlite":
        return tmp_path / "empty.sqlite"
    url: str = request.getfixturevalue("pg_empty_url")
    return url


@pytest.fixture
def backend_store(seeded_url: str | Path) -> Iterator[Store]:
    """An open private seeded store on the test's backend."""
    with Store(seeded_url) as st:
        yield st
