"""Dated events in the store: the ten bundled ones, every version kept, point in time, schema 3
on both backends, ``store copy`` both ways, ``WeekData.events`` and ``mw.events``.

The expected events are those of ``shared/data/seed_news_events/events.csv``, read by hand.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import metalwatch as mw
from metalwatch.cli import main
from metalwatch.errors import InvalidInputError, StoreError
from metalwatch.event import COLUMNS, Event, parse_event
from metalwatch.ingest.seed import EVENTS_FROM, open_store, package_events_id
from metalwatch.store import Store
from metalwatch.store.copier import fingerprint
from metalwatch.store.schema import SCHEMA_VERSION
from metalwatch.store.week import read_week
from tests.store_v3 import to_v3

SQL = Callable[..., list[tuple[object, ...]]]

#: (date as known, precision, region, kind, metals) of the ten seed events, oldest first.
BUNDLED = [
    ("2025-04", "month", "CN", "export_control", ("rare_earths",)),
    ("2025-10-09", "day", "CN", "export_control", ("rare_earths",)),
    ("2025-10-16", "day", "CD", "export_control", ("cobalt",)),
    ("2025-12", "month", "CN", "licence", ("rare_earths",)),
    ("2025-12", "month", "CN", "supply", ("rare_earths",)),
    ("2025-12-10", "day", "US", "monetary", ("gold", "silver", "copper", "aluminium", "tin")),
    ("2025-12-11", "day", "US", "alliance", ("rare_earths",)),
    ("2025-12-11", "day", "VN", "export_control", ("rare_earths",)),
    ("2025-12-12", "day", "CN", "statement", ("rare_earths",)),
    ("2026-01-01", "day", "VN", "export_control", ("rare_earths",)),
]
PACT = "2025-12-11.US.alliance.rare_earths"


def summary(events: list[Event]) -> list[tuple[object, ...]]:
    return [(e.when(), e.precision, e.region, e.kind, e.metals) for e in events]


def tariff(text: str = "US copper tariff of 50 %") -> Event:
    return parse_event(
        {
            "date": "2025-07-09",
            "region": "US",
            "kind": "tariff",
            "metals": "copper",
            "text_en": text,
            "source": "desk note",
        }  # fmt: skip
    )


def test_the_seeded_store_holds_the_ten_bundled_events(store: Store) -> None:
    events = store.events()
    assert summary(events) == BUNDLED
    pact = next(e for e in events if e.id == PACT)
    assert pact.date == pd.Timestamp("2025-12-11")
    assert pact.source == "搜狐财经 2025-12-13 17:40; 搜狐财经 2025-12-15 04:45"
    assert pact.text("zh").startswith("美国在白宫与日本、韩国、澳大利亚")
    assert pact.text_en.startswith("US signs a critical-minerals supply-chain agreement")
    assert store.meta(EVENTS_FROM) == package_events_id()
    revisions = store.event_revisions(PACT)
    assert revisions["origin"].tolist() == ["bundled"] and len(revisions) == 1


def test_filters_by_metal_and_date_a_month_counting_as_its_month(store: Store) -> None:
    assert [e.when() for e in store.events("gold")] == ["2025-12-10"]
    assert [e.when() for e in store.events(["cobalt", "gold"])] == ["2025-10-16", "2025-12-10"]
    assert len(store.events("rare earths")) == 8  # an accepted spelling of rare_earths
    # the April event is dated 2025-04-01 but stands for the month: still in from the 30th
    assert [e.when() for e in store.events(start="2025-04-30", end="2025-10-09")] == [
        "2025-04",
        "2025-10-09",
    ]
    assert [e.when() for e in store.events(start="2025-05-01", end="2025-10-09")] == ["2025-10-09"]
    with pytest.raises(InvalidInputError, match="^metals: unknown metal 'unobtainium' "):
        store.events("unobtainium")


def test_a_revision_keeps_both_versions_and_as_of_sees_the_old(
    backend_store: Store, sql: SQL
) -> None:
    st = backend_store
    first = tariff()
    assert st.add_events([first]) == mw.store.EventWrite(1, 0, 0)
    between = st.data_as_of()
    time.sleep(0.002)
    second = dataclasses.replace(first, text_en="US copper tariff of 50 % on semi-finished goods")
    assert st.add_events([second], origin="cli") == mw.store.EventWrite(0, 1, 0)
    assert st.add_events([second]) == mw.store.EventWrite(0, 0, 1)  # unchanged: nothing written
    assert sql(st, "SELECT COUNT(*) FROM events WHERE id = ?", (first.id,)) == [(2,)]
    versions = st.event_revisions(first.id)
    assert versions["text_en"].tolist() == [first.text_en, second.text_en]
    assert versions["origin"].tolist() == ["api", "cli"]
    assert [e.text_en for e in st.events("copper", end="2025-07-31")] == [second.text_en]
    assert [e.text_en for e in st.at(between).events("copper", end="2025-07-31")] == [first.text_en]
    before_any = versions["written_at"].iloc[0][:19].replace("T", " ")  # to the second, earlier
    assert st.events("copper", end="2025-07-31", as_of=pd.Timestamp(before_any, tz="UTC")) == []
    assert st.data_as_of() == pd.Timestamp(versions["written_at"].iloc[1])


def test_twice_one_id_with_other_fields_writes_nothing(store: Store, sql: SQL) -> None:
    with pytest.raises(
        InvalidInputError,
        match="^event 2025-07-09.US.tariff.copper is given twice with different fields: "
        "nothing was written$",
    ):
        store.add_events([tariff(), tariff("another text")])
    assert sql(store, "SELECT COUNT(*) FROM events") == [(10,)]


def test_a_view_as_of_cannot_write_events(store: Store) -> None:
    with pytest.raises(StoreError, match="is read-only \\(a view of it as of 2025-12-12 "):
        store.at("2025-12-12").add_events([tariff()])


def test_a_newer_package_does_not_replace_an_analysts_revision(store_path: Path) -> None:
    with Store(store_path) as st:
        pact = next(e for e in st.events() if e.id == PACT)
        mine = dataclasses.replace(pact, text_en="US and eight allies sign a minerals pact")
        assert st.add_events([mine], origin="cli").revised == 1
        st.set_meta(EVENTS_FROM, "0ld3vent5000")  # as if seeded by an older package
    with open_store(store_path) as st:
        assert st.meta(EVENTS_FROM) == package_events_id()
        assert next(e for e in st.events() if e.id == PACT).text_en == mine.text_en
        assert len(st.event_revisions(PACT)) == 2


def test_schema_2_is_upgraded_and_gets_the_bundled_events(seeded_url: str | Path, sql: SQL) -> None:
    """A store of schema 2 (no events table) keeps its rows, gets the table and the events."""
    with Store(seeded_url) as st:
        st.upsert(  # a revision, to see it survive the upgrade
            st.read(["LME.CA.3M"], fields=["close"], start="2025-12-12", end="2025-12-12").assign(
                value=11805.5, source="revision-test"
            )
        )
    counting = (
        "SELECT (SELECT COUNT(*) FROM observations), (SELECT COUNT(*) FROM revisions), "
        "(SELECT COUNT(*) FROM news)"
    )
    counts = sql(seeded_url, counting)
    to_v3(sql, seeded_url)  # schema 2's rows are schema 3's, without the events
    sql(seeded_url, "DROP TABLE events")
    sql(seeded_url, "DELETE FROM meta WHERE key = ?", (EVENTS_FROM,))
    sql(seeded_url, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with open_store(seeded_url) as st:
        assert st.meta("schema_version") == str(SCHEMA_VERSION) == "5"
        assert summary(st.events()) == BUNDLED
        assert st.event_revisions(PACT)["origin"].tolist() == ["bundled"]
    assert sql(seeded_url, counting) == counts
    assert counts[0][1] == 1


def test_copy_sqlite_to_postgresql_and_back_keeps_every_version(
    store_path: Path, pg_empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(store_path) as st:
        st.add_events([tariff()])
        time.sleep(0.002)
        st.add_events([tariff("US copper tariff of 50 % on semi-finished goods")])
        want, events = fingerprint(st), st.events()
        versions = st.event_revisions("2025-07-09.US.tariff.copper")
    assert want.counts["events"] == 12
    assert main(["store", "copy", str(store_path), pg_empty_url]) == 0
    assert ", news 32, events 12 (" in capsys.readouterr().out
    back = tmp_path / "back.sqlite"
    assert main(["store", "copy", pg_empty_url, str(back)]) == 0
    with Store(pg_empty_url) as pg, Store(back) as sq:
        for st in (pg, sq):
            assert st.events() == events
            pd.testing.assert_frame_equal(st.event_revisions(versions["id"][0]), versions)
        assert fingerprint(sq) == want
        assert pg.add_events([tariff("a third text")]).revised == 1


def test_read_week_gives_the_events_around_the_week_as_of(store: Store) -> None:
    week = pd.Timestamp("2025-12-12")
    data = read_week(store, week, ["KOMIS.PR"], history_days=30)
    assert summary(list(data.events)) == BUNDLED  # 2024-11-07 .. 2026-04-11: all ten
    early = read_week(store, pd.Timestamp("2025-04-04"), ["KOMIS.PR"], history_days=30)
    assert [e.when() for e in early.events] == ["2025-04"]  # up to 2025-08-02
    then = store.data_as_of()
    time.sleep(0.002)
    pact = next(e for e in data.events if e.id == PACT)
    store.add_events([dataclasses.replace(pact, text_en="revised later")])
    assert next(e for e in read_week(store, week, [], history_days=7).events
                if e.id == PACT).text_en == "revised later"  # fmt: skip
    old = read_week(store, week, [], history_days=7, as_of=then)
    assert next(e for e in old.events if e.id == PACT).text_en == pact.text_en


def test_mw_events_is_a_frame_oldest_first(store_path: Path) -> None:
    df = mw.events("rare_earths", start="2025-12-01", end="2025-12-31", store=store_path)
    assert list(df.columns) == list(COLUMNS)
    assert df["date"].dtype == "datetime64[ns]"
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-12-01", "2025-12-01", "2025-12-11", "2025-12-11", "2025-12-12",
    ]  # fmt: skip
    assert df["precision"].tolist() == ["month", "month", "day", "day", "day"]
    fed = mw.events("gold", store=store_path).iloc[0]
    assert (fed["metals"], fed["region"]) == ("gold,silver,copper,aluminium,tin", "US")
    assert mw.events("zinc", store=store_path).empty
    assert mw.events(start="2027-01-01", store=store_path).columns.tolist() == list(COLUMNS)


def test_mw_events_is_the_api_function_with_keyword_only_options() -> None:
    import metalwatch.event  # noqa: F401  (the record module must not take the name)
    from metalwatch import api

    assert mw.events is api.events
    params = list(inspect.signature(mw.events).parameters.values())
    assert params[0].name == "metals"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert [p.name for p in params[1:]] == ["start", "end", "as_of", "store"]


def test_the_bundled_events_have_provenance() -> None:
    from metalwatch import provenance

    entry = provenance.events()
    assert (entry["rows"], entry["first"], entry["last"]) == (10, "2025-04-01", "2026-01-01")
    assert entry["path"] == "events.csv" and entry["dataset"] == "seed_news_events"
    assert "(2025-04, 2025-12)" in entry["notes"][1]  # the three month-precision events
