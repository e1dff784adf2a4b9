"""The compact store (schema 4): a schema 3 store upgrades and reads the same; upserts merge in
chunks as one write; the seeded store is small."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from metalwatch.event import parse_event
from metalwatch.store import Store, WriteResult
from metalwatch.store import writes as store_writes
from tests.store_v3 import to_v3
from tests.test_store import rows

SQL = Callable[..., list[tuple[object, ...]]]
SERIES = [("LME.CA.3M", "close"), ("SHFE.CU", "close"), ("CFTC.GC.COMBINED", "mm_net")]


def everything(st: Store, mid: pd.Timestamp) -> dict[str, Any]:
    """What the store's reads return, now and as of ``mid``."""
    return {
        "read": st.read(),
        "read_then": st.read(as_of=mid),
        "view": st.at(mid).read(["LME.CA.3M"], start="2025-12-01", end="2025-12-31"),
        "revisions": st.revisions(),
        "info": st.info(),
        "last_dates": st.last_dates(),
        "span": st.span(SERIES, end="2025-06-30"),
        "span_then": st.span(SERIES, as_of=mid),
        "events": st.events(),
        "events_then": st.events(as_of=mid),
        "fetches": st.last_fetches(),
        "data_as_of": st.data_as_of(),
    }


def assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, b[key], obj=key)
        else:
            assert value == b[key], key


def test_a_v3_store_upgrades_and_reads_identically(seeded_url: str | Path, sql: SQL) -> None:
    with Store(seeded_url) as st:
        assert st.upsert(rows({"2025-12-12": 11805.5}, source="revision-test")).revised == 1
        time.sleep(0.01)
        mid = pd.Timestamp.now(tz="UTC")
        time.sleep(0.01)
        assert st.upsert(rows({"2025-12-12": 11810.0}, source="desk")).revised == 1
        st.add_events(
            [
                parse_event(
                    {
                        "date": "2025-07-09",
                        "region": "US",
                        "kind": "tariff",
                        "metals": "copper",
                        "text_en": "US copper tariff of 50 %",
                        "source": "desk note",
                    }
                )
            ],  # fmt: skip
            origin="cli",
        )
        st.log_fetch("LME.CA.3M", "test", "ok")
        before = everything(st, mid)
    to_v3(sql, seeded_url)
    assert sql(seeded_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    stored = "SELECT value FROM observations WHERE instrument = ? AND field = ? AND date = ?"
    assert sql(seeded_url, stored, ("LME.CA.3M", "close", "2025-12-12")) == [(11810.0,)]
    with Store(seeded_url) as st:
        assert st.meta("schema_version") == "5"
        after = everything(st, mid)
        assert_same(before, after)
        assert st.integrity_check() == "ok"
        revs = st.revisions("LME.CA.3M")
        assert revs["date"].tolist() == ["2025-12-12", "2025-12-12"]
        assert revs["old_value"].tolist() == [11800.0, 11805.5]
        assert revs["new_source"].tolist() == ["revision-test", "desk"]
        assert after["view"].set_index("date").loc["2025-12-12", "value"] == 11805.5
        # the upgraded store takes writes: the next revision's id follows the last
        last_id = int(revs["id"].max())
        assert st.upsert(rows({"2025-12-12": 11820.0}, source="desk")) == WriteResult(0, 1, 0)
        assert st.revisions("LME.CA.3M")["id"].tolist()[-1] == last_id + 1
        assert st.read(["LME.CA.3M"], ["close"], "2025-12-12", "2025-12-12")["value"].tolist() == [
            11820.0
        ]


def test_upsert_chunks_merge_as_one_write(
    store_path: Path, sql: SQL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_writes, "CHUNK_ROWS", 2)
    with Store(store_path) as st:
        held = st.read(["LME.CA.3M"], ["close"], "2025-12-11", "2025-12-11")["value"].item()
        writes = sql(st, "SELECT COUNT(*) FROM writes")[0][0]
        got = st.upsert_chunks(
            [
                rows(
                    {"2025-12-12": 11805.5, "2025-12-13": 11900.0, "2025-12-14": 11901.0},
                    source="a",
                ),
                rows({"2025-12-11": held}, source="a"),
            ]
        )
        assert got == WriteResult(added=2, revised=1, unchanged=1)
        assert sql(st, "SELECT COUNT(*) FROM writes")[0][0] == writes + 1
        last = sql(st, "SELECT MAX(id) FROM writes")[0][0]
        assert sql(st, "SELECT COUNT(*) FROM observations WHERE written = ?", (last,)) == [(3,)]
        stamp = st.data_as_of()
        # a write that changes nothing leaves no write behind
        assert st.upsert(rows({"2025-12-13": 11900.0}, source="a")) == WriteResult(0, 0, 1)
        assert sql(st, "SELECT COUNT(*) FROM writes")[0][0] == writes + 1
        assert st.data_as_of() == stamp


def test_the_seeded_store_is_compact(seeded_path: Path, sql: SQL) -> None:
    """The bundled history at under 30 bytes a row (it was 126 in schema 3): under 20 MB."""
    n = sql(seeded_path, "SELECT COUNT(*) FROM observations")[0][0]
    assert n > 700_000
    size = seeded_path.stat().st_size
    assert size < 20_000_000 and size / n < 30


def test_a_read_fetched_in_small_batches_is_the_same_frame(store, monkeypatch):
    # the rows are turned into numbers FETCH_ROWS at a time: batches of 7 rows (the last one
    # short) give the frame one batch gives
    from metalwatch.store import compact

    whole = store.read(["COMEX.GC", "SHFE.CU"], start="2025-11-01", end="2025-12-12")
    assert len(whole) > 7 and len(whole) % 7
    monkeypatch.setattr(compact, "FETCH_ROWS", 7)
    batched = store.read(["COMEX.GC", "SHFE.CU"], start="2025-11-01", end="2025-12-12")
    pd.testing.assert_frame_equal(batched, whole)
    gold = batched[(batched["instrument"] == "COMEX.GC") & (batched["field"] == "close")]
    assert gold.loc[gold["date"] == "2025-12-10", "value"].item() == 4196.4
    assert store.read(["COMEX.GC"], start="2030-01-01").empty
