"""The store on both backends: seeding, upserts with revisions, errors that leave it intact.

``store`` here is parametrized over SQLite and PostgreSQL (:mod:`tests.store_backends`); the
tests of SQLite files as such (WAL, another program's file) take a path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.errors import SchemaError, StoreCorruptError, StoreVersionError
from metalwatch.sources import bundled
from metalwatch.store import Store
from metalwatch.store.schema import SCHEMA_VERSION
from tests.store_v3 import to_v3

SQL = Callable[..., list[tuple[object, ...]]]


@pytest.fixture
def store(backend_store: Store) -> Store:
    """The seeded store, on each backend."""
    return backend_store


def rows(
    values: dict[str, float], instrument: str = "LME.CA.3M", source: str = "test"
) -> pd.DataFrame:
    return frame.coerce(
        pd.DataFrame(
            {
                "instrument": instrument,
                "field": "close",
                "date": list(values),
                "value": list(values.values()),
                "unit": "USD/t",
                "currency": "USD",
                "source": source,
            }
        )
    )


def test_seeded_store_matches_the_snapshot(store: Store) -> None:
    snap = bundled.load(["LME.CA.3M"])
    stored = store.read(["LME.CA.3M"])
    assert len(stored) == len(snap) > 4000
    assert store.meta("seeded_from") == bundled.snapshot_id()
    assert store.meta("schema_version") == str(SCHEMA_VERSION)
    dec12 = stored[(stored["date"] == "2025-12-12") & (stored["field"] == "close")]
    assert dec12["value"].item() == 11800.0
    assert dec12["source"].item() == "bundled:lme_westmetall_charsha"


def test_series_held_is_the_catalogue_of_what_was_written(store: Store) -> None:
    held = store.series_held()
    assert held == sorted(store.last_dates())  # the seeded store: every series has rows
    assert ("LME.CA.3M", "close") in held and ("CFTC.GC.FUT", "mm_net") in held
    assert ("SHFE.CU.2601", "settle") not in held  # no curve is bundled


def test_wal_mode(store_path: Path, sql: SQL) -> None:
    with Store(store_path) as st:
        assert st.backend == "sqlite"
        assert sql(st, "PRAGMA journal_mode") == [("wal",)]


def test_upsert_adds_new_and_keeps_revisions(store: Store) -> None:
    new = rows({"2025-12-12": 11800.0, "2026-08-24": 11900.0})  # data ends 2026-08-21
    res = store.upsert(new)
    assert (res.added, res.revised, res.unchanged) == (1, 0, 1)
    revised = rows({"2025-12-12": 11805.5}, source="revision-test")
    res = store.upsert(revised)
    assert (res.added, res.revised, res.unchanged) == (0, 1, 0)
    rev = store.revisions("LME.CA.3M")
    assert rev[["date", "old_value", "new_value"]].values.tolist() == [
        ["2025-12-12", 11800.0, 11805.5]
    ]
    assert rev["old_source"].item() == "bundled:lme_westmetall_charsha"
    now = store.read(["LME.CA.3M"], fields=["close"], start="2026-08-21")
    assert now["value"].tolist()[-1] == 11900.0
    again = store.read(["LME.CA.3M"], fields=["close"], start="2025-12-12", end="2025-12-12")
    assert again["value"].item() == 11805.5 and again["source"].item() == "revision-test"


def test_invalid_frame_writes_nothing(store: Store) -> None:
    before = store.read(["LME.CA.3M"])
    bad = rows({"2025-12-15": 11900.0, "2025-12-16": -1.0})
    with pytest.raises(SchemaError, match="LME.CA.3M close: non-positive value -1 on 2025-12-16"):
        store.upsert(bad)
    pd.testing.assert_frame_equal(store.read(["LME.CA.3M"]), before)


def test_wrong_unit_is_rejected(store: Store) -> None:
    bad = rows({"2025-12-15": 5.3}).assign(unit="USD/lb")
    with pytest.raises(SchemaError, match="unit/currency USD/lb/USD is not the registered USD/t"):
        store.upsert(bad)


def test_not_a_database_is_a_clear_error_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("my precious notes\n")
    with pytest.raises(
        StoreCorruptError, match=f"^store file {re.escape(str(path))} is not an SQLite database$"
    ):
        Store(path)
    assert path.read_text() == "my precious notes\n"


def test_foreign_sqlite_file_is_refused(tmp_path: Path, sql: SQL) -> None:
    path = tmp_path / "other.sqlite"
    sql(path, "CREATE TABLE t (x)")
    with pytest.raises(
        StoreCorruptError,
        match=f"^{re.escape(str(path))} is an SQLite file but not a metalwatch store$",
    ):
        Store(path)


def test_schema_version_is_checked(seeded_url: str | Path, sql: SQL) -> None:
    sql(seeded_url, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(
        StoreVersionError,
        match=f"^store {re.escape(str(seeded_url))} has schema version 99; "
        f"this metalwatch reads version {SCHEMA_VERSION}$",
    ):
        Store(seeded_url)


def test_schema_1_is_upgraded_on_open(seeded_url: str | Path, sql: SQL) -> None:
    """A store of schema 1 gets revisions.old_updated_at; its revisions stay."""
    with Store(seeded_url) as st:
        st.upsert(rows({"2025-12-12": 11805.5}, source="revision-test"))
    to_v3(sql, seeded_url)
    sql(seeded_url, "ALTER TABLE revisions DROP COLUMN old_updated_at")
    sql(seeded_url, "DROP TABLE events")
    sql(seeded_url, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(seeded_url) as st:
        assert st.meta("schema_version") == str(SCHEMA_VERSION) == "5"
        rev = st.revisions()
        assert rev["old_value"].tolist() == [11800.0] and rev["old_updated_at"].isna().all()
        # as_of before that revision: the old value, known to have existed then
        then = st.read(["LME.CA.3M"], fields=["close"], start="2025-12-12", end="2025-12-12",
                       as_of="2026-01-01")  # fmt: skip
        assert then["value"].tolist() == [11800.0]


def test_store_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.sqlite"
    monkeypatch.setenv("METALWATCH_STORE", str(path))
    with Store() as st:
        assert st.path == path
    assert path.exists()


def test_backend_follows_the_location(tmp_path: Path, empty_url: str | Path) -> None:
    """A path or sqlite:/// URL is SQLite, a postgresql:// URL PostgreSQL: one interface."""
    with Store(empty_url) as st:
        assert st.backend == ("sqlite" if isinstance(empty_url, Path) else "postgresql")
        assert st.meta("schema_version") == str(SCHEMA_VERSION)
        assert st.read().empty and st.data_as_of() is None and st.integrity_check() == "ok"
        assert st.upsert(rows({"2025-12-12": 11800.0})).added == 1
        assert st.data_as_of() is not None
    with Store(f"sqlite:///{tmp_path / 'url.sqlite'}") as st:
        assert st.backend == "sqlite" and st.path == tmp_path / "url.sqlite"


def test_news_seeded(store: Store) -> None:
    news = store.news("2025-12-08", "2025-12-12")
    assert len(news) == 3
