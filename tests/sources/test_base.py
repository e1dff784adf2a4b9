"""The fetcher contract's shared mechanics: trimming, counting drops, sessions, shared payloads."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from metalwatch.errors import InvalidInputError
from metalwatch.sources import catalog
from metalwatch.sources.base import (
    Fetched,
    PayloadCache,
    Query,
    check_contract,
    finish,
    session_closed,
    venue_today,
)
from metalwatch.sources.sina_futures import ShfeMainFetcher


def query(start: str, now: str) -> Query:
    f = ShfeMainFetcher()
    return f.build_query("SHFE.CU", "CU0", pd.Timestamp(start), pd.Timestamp(now, tz="UTC"))


def test_venue_day_and_session_close() -> None:
    now = pd.Timestamp("2025-12-12 06:00", tz="UTC")  # 14:00 in Shanghai
    assert venue_today("SHFE", now) == pd.Timestamp("2025-12-12")
    assert not session_closed("SHFE", pd.Timestamp("2025-12-12"), now)
    assert session_closed("SHFE", pd.Timestamp("2025-12-12"), now + pd.Timedelta(hours=2))
    assert venue_today("CME", now) == pd.Timestamp("2025-12-12")  # 01:00 in New York
    assert venue_today("CME", pd.Timestamp("2025-12-12 03:00", tz="UTC")) == pd.Timestamp(
        "2025-12-11"
    )


def test_finish_counts_everything_it_leaves_out() -> None:
    q = query("2025-12-09", "2025-12-12 06:00")  # Friday's SHFE session still open
    wide = pd.DataFrame(
        {
            "date": ["2025-12-08", "2025-12-09", "2025-12-10", "2025-12-10", "not a date",
                     "2025-12-11", "2025-12-12", "2025-12-15"],
            "close": [1.0, 2.0, 3.0, 3.5, 4.0, None, 6.0, 7.0],
            "settle": [1.0, 2.0, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0],
        }
    )  # fmt: skip
    out = Fetched(pd.DataFrame(), "test")
    df = finish(q, wide, out, "akshare:futures_zh_daily_sina")
    assert out.dropped == {
        "rows with an unreadable date": 1,
        "duplicate dates (last kept)": 1,
        "rows dated after the venue's today": 1,
        "bar of a session not yet closed": 1,
        "before window": 1,
        "missing close values": 1,
    }
    assert "before window" not in out.describe() and "before window" in out.describe(routine=True)
    close = df[df["field"] == "close"].set_index("date")["value"]
    assert close.to_dict() == {pd.Timestamp("2025-12-09"): 2.0, pd.Timestamp("2025-12-10"): 3.5}


def test_rebased_fields_keep_their_whole_history() -> None:
    q = query("2025-12-10", "2025-12-13 00:00")
    wide = pd.DataFrame(
        {"date": ["2025-12-08", "2025-12-10"], "close": [1.0, 2.0], "adj_close": [0.5, 2.0]}
    )
    out = Fetched(pd.DataFrame(), "t")
    df = finish(q, wide, out, "x", rebase_fields=("adj_close",))
    assert sorted(df.loc[df["field"] == "adj_close", "date"].dt.day) == [8, 10]
    assert list(df.loc[df["field"] == "close", "date"].dt.day) == [10]


def test_payload_cache_produces_once_across_threads_and_remembers_failures() -> None:
    cache, calls = PayloadCache(), []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.05)
        return "body"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(("k",), slow)))
               for _ in range(4)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["body"] * 4 and len(calls) == 1

    def boom() -> str:
        raise ValueError("down")

    for _ in range(2):
        with pytest.raises(ValueError):
            cache.get(("bad",), boom)
    with pytest.raises(ValueError):
        cache.get(("retry",), boom, remember_errors=False)
    assert cache.get(("retry",), lambda: "later", remember_errors=False) == "later"


def test_contract_catches_a_wrong_unit() -> None:
    q = query("2025-12-01", "2025-12-13 00:00")
    f = ShfeMainFetcher()
    wide = pd.DataFrame({"date": ["2025-12-01"], "close": [1.0]})
    got = Fetched(finish(q, wide, Fetched(pd.DataFrame(), "t"), f.label), f.label)
    got.frame["unit"] = "CNY/kg"
    with pytest.raises(Exception, match="unit/currency"):
        check_contract(f, q, got)


def test_catalog_routes_and_errors() -> None:
    assert [r.label for r in catalog.routes("ICE.DXY")] == [
        "yfinance", "akshare:index_global_hist_em",
    ]  # fmt: skip
    assert catalog.routes("LBMA.AU.PM") == []
    with pytest.raises(InvalidInputError, match="no adapter"):
        catalog.adapter_class("akshare", "futures_main_sina")
    live = set(catalog.live_instruments())
    assert {"KOMIS.TB", "NYSE.MP", "SGE.AU9999", "SHFE.SN.STOCK", "SW.801050"} <= live
