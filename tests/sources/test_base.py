"""The fetcher contract's shared mechanics: trimming, counting drops, sessions, shared payloads."""

from __future__ import annotations

import threading
import time
from typing import Any

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.errors import (
    InvalidInputError,
    SchemaError,
    SourceFormatError,
    SourceUnavailableError,
)
from metalwatch.sources import catalog
from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.bars import MAX_INCONSISTENT, broken_bars, check_ohlc
from metalwatch.sources.base import Fetched, Fetcher, Query, finish, source_label
from metalwatch.sources.cache import PayloadCache
from metalwatch.sources.session import session_closed, venue_today
from metalwatch.sources.sina_futures import ShfeMainFetcher
from tests.sources.contract import check_contract
from tests.sources.replay import fast_policy


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
            "date": [
                "2025-12-08",
                "2025-12-09",
                "2025-12-10",
                "2025-12-10",
                "not a date",
                "2025-12-11",
                "2025-12-12",
                "2025-12-15",
            ],
            "close": [1.0, 2.0, 3.0, 3.5, 4.0, None, 6.0, 7.0],
            "settle": [1.0, 2.0, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0],
        }
    )
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
    df = finish(q, wide, out, "x")
    assert sorted(df.loc[df["field"] == "adj_close", "date"].dt.day) == [8, 10]
    assert list(df.loc[df["field"] == "close", "date"].dt.day) == [10]


def test_a_registered_field_with_no_number_is_a_format_error_with_its_place() -> None:
    q = query("2025-12-08", "2025-12-13 00:00")
    wide = pd.DataFrame({"date": ["2025-12-08", "2025-12-09"], "close": ["1,0", "2,0"]})
    with pytest.raises(SourceFormatError) as err:
        finish(q, wide, Fetched(pd.DataFrame(), "t"), "akshare:futures_zh_daily_sina")
    assert (err.value.series, err.value.source) == ("SHFE.CU", "akshare:futures_zh_daily_sina")
    assert err.value.reason == (
        "no close value in the window is a number (2 unreadable, e.g. '1,0'): the payload's "
        "format changed?"
    )
    assert str(err.value) == f"akshare:futures_zh_daily_sina SHFE.CU: {err.value.reason}"


def test_payload_cache_produces_once_across_threads_and_remembers_failures() -> None:
    cache, calls = PayloadCache(), []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.05)
        return "body"

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(("k",), slow))) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["body"] * 4 and len(calls) == 1

    def boom() -> str:
        raise ValueError("down")

    for _ in range(2):
        with pytest.raises(ValueError, match="^down$"):
            cache.get(("bad",), boom)
    with pytest.raises(ValueError, match="^down$"):
        cache.get(("retry",), boom, remember_errors=False)
    assert cache.get(("retry",), lambda: "later", remember_errors=False) == "later"


class _Shared(Fetcher):
    """A fetcher whose one upstream body serves every series, and is down."""

    key, function = "test", "shared"
    asked: list[str] = []

    def cache_key(self, query: Query) -> tuple[str]:
        return (self.function,)

    def fetch_raw(self, query: Query) -> Any:
        self.asked.append(query.instrument)
        raise SourceUnavailableError(
            "blocked",
            series=query.instrument,
            source=self.label,
            url="https://example.org/body.json",
            status=503,
        )


def test_a_shared_payload_failure_is_restated_for_each_series_from_its_fields() -> None:
    cache, now = PayloadCache(), pd.Timestamp("2026-07-18 12:00", tz="UTC")
    errors = []
    for iid in ("LME.CA.STOCK", "LME.AH.STOCK"):
        fetcher = _Shared(cache)
        q = fetcher.build_query(iid, "x", pd.Timestamp("2026-07-01"), now)
        with pytest.raises(SourceUnavailableError) as err:
            fetcher.fetch(q, fast_policy())
        errors.append(err.value)
    first, second = errors
    assert _Shared.asked == ["LME.CA.STOCK"]  # fetched once
    assert (first.series, first.reason) == ("LME.CA.STOCK", "blocked")
    assert (second.series, second.reason) == ("LME.AH.STOCK", "blocked (payload shared)")
    assert str(second) == "test:shared LME.AH.STOCK: blocked (payload shared)"
    assert (second.url, second.status, second.source) == (first.url, 503, "test:shared")
    assert second.__cause__ is first


def test_contract_catches_a_wrong_unit() -> None:
    q = query("2025-12-01", "2025-12-13 00:00")
    f = ShfeMainFetcher()
    wide = pd.DataFrame({"date": ["2025-12-01"], "close": [1.0]})
    got = Fetched(finish(q, wide, Fetched(pd.DataFrame(), "t"), f.label), f.label)
    got.frame["unit"] = "CNY/kg"
    with pytest.raises(SchemaError) as err:
        check_contract(f, q, got)
    assert str(err.value) == "SHFE.CU: unit/currency CNY/kg/CNY is not the registered CNY/t/CNY"


def test_contract_catches_a_wrong_source_label() -> None:
    q = query("2025-12-01", "2025-12-13 00:00")
    f = ShfeMainFetcher()
    wide = pd.DataFrame({"date": ["2025-12-01"], "close": [1.0]})
    got = Fetched(finish(q, wide, Fetched(pd.DataFrame(), "t"), "akshare:other"), f.label)
    with pytest.raises(AssertionError, match="akshare:other"):
        check_contract(f, q, got)


def test_catalog_routes_and_errors() -> None:
    assert [r.label for r in catalog.routes("ICE.DXY")] == [
        "yfinance",
        "akshare:index_global_hist_em",
    ]
    assert catalog.routes("LBMA.AU.PM") == []
    with pytest.raises(
        InvalidInputError, match="^no adapter for source akshare:futures_main_sina$"
    ):
        catalog.adapter_class("akshare", "futures_main_sina")
    live = set(catalog.live_instruments())
    assert {"KOMIS.TB", "NYSE.MP", "SGE.AU9999", "SHFE.SN.STOCK", "SW.801050"} <= live


def test_one_label_rule_for_routes_and_fetchers() -> None:
    assert source_label("akshare", "spot_hist_sge") == "akshare:spot_hist_sge"
    assert source_label("yfinance") == "yfinance"
    for (key, function), cls in catalog.ADAPTERS.items():
        assert (cls.key, cls.function) == (key, function)  # the class is the one home
    for iid in catalog.live_instruments():
        for route in catalog.routes(iid):
            assert route.fetcher().label == route.label


# -- the akshare base -------------------------------------------------------------------------
class _Kline(AkshareFetcher):
    function = "test_kline"
    COLUMNS = {"日期": "date", "收盘": "close", "最高": "high"}
    OPTIONAL = {"成交量": "volume"}


def test_akshare_fetcher_derives_fields_and_renames_declared_columns() -> None:
    assert _Kline.fields == ("close", "high", "volume")
    assert ShfeMainFetcher.fields == (
        "open",
        "high",
        "low",
        "close",
        "volume",
        "open_interest",
        "settle",
    )
    f = _Kline()
    q = f.build_query("SHFE.CU", "CU0", pd.Timestamp("2025-12-01"), pd.Timestamp("2026-01-01"))
    raw = pd.DataFrame({"最高": [2.0], "日期": ["2025-12-01"], "收盘": [1.5], "代码": ["x"]})
    out = Fetched(pd.DataFrame(), f.label)
    wide = f.normalize(q, raw, out)
    assert list(wide.columns) == ["date", "close", "high"]
    assert out.notes == ["payload has no 成交量 column"]
    with pytest.raises(SourceFormatError) as err:
        f.normalize(q, raw.drop(columns="收盘"), out)
    assert (err.value.series, err.value.source) == ("SHFE.CU", "akshare:test_kline")
    assert err.value.reason == "column '收盘' missing from the payload (columns: 最高, 日期, 代码)"
    with pytest.raises(SourceFormatError, match=r"an empty payload \(symbol 'CU0'\)"):
        f.normalize(q, pd.DataFrame(), out)


# -- the bar rule ------------------------------------------------------------------------------
def bars(rows: list[tuple[float, float, float, float]]) -> pd.DataFrame:
    days = pd.bdate_range("2025-12-01", periods=len(rows))
    return pd.DataFrame(rows, columns=["open", "high", "low", "close"], index=days)


def test_the_bar_rule_holds_open_and_close_to_the_range_unless_told_not_to() -> None:
    settled_outside = bars([(10.0, 11.0, 9.0, 11.5)])  # a futures close above the day's high
    assert broken_bars(settled_outside).tolist() == [True]
    assert broken_bars(settled_outside, within=()).tolist() == [False]
    check_ohlc(settled_outside, series="COMEX.SI", source="yfinance", within=())
    with pytest.raises(SourceFormatError) as err:
        check_ohlc(settled_outside, series="COMEX.SI", source="yfinance")
    assert (err.value.series, err.value.source) == ("COMEX.SI", "yfinance")
    assert err.value.reason == (
        "1 of 1 bars break low <= open, close <= high (e.g. 2025-12-01: open 10, high 11, "
        "low 9, close 11.5): the payload's columns look swapped or out of order"
    )


def test_the_bar_rule_tolerates_its_share_of_bad_bars_and_skips_unusable_ones() -> None:
    good, swapped = (10.0, 11.0, 9.0, 10.5), (10.0, 9.0, 11.0, 10.5)
    n = 100
    allowed = int(n * MAX_INCONSISTENT)
    check_ohlc(bars([swapped] * allowed + [good] * (n - allowed)), series="X", source="s")
    with pytest.raises(SourceFormatError, match=f"^s X: {allowed + 1} of {n} bars break"):
        too_many = bars([swapped] * (allowed + 1) + [good] * (n - allowed - 1))
        check_ohlc(too_many, series="X", source="s")
    unusable = bars([(float("nan"), 9.0, 11.0, 10.0), (0.0, 9.0, 11.0, 10.0), good])
    assert broken_bars(unusable).tolist() == [False]  # only the good bar is judged
    check_ohlc(bars([good]).drop(columns="high"), series="X", source="s")  # nothing to check


def test_fetchers_declare_canonical_fields_only() -> None:
    for cls in catalog.ADAPTERS.values():
        assert set(cls.fields) <= set(frame.FIELDS), cls
