"""Adapter-specific behaviour: real Yahoo recordings, quirks each upstream is known for."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import responses

from metalwatch.errors import SourceFormatError, SourceUnavailableError, UnitScaleError
from metalwatch.sources import catalog
from metalwatch.sources.comex_inventory import OZ_PER_TONNE
from tests.sources.replay import (
    JIN10_SHFE,
    JSON,
    KOMIS_CRITERIA,
    KOMIS_PAGE,
    KOMIS_PRICES,
    SINA_DOMESTIC,
    _date_is,
    _komis,
    body,
    fast_policy,
    yahoo_chart,
)


def fetch(
    key: str, function: str, instrument: str, symbol: str, start: str, now: str, register
) -> tuple:
    fetcher = catalog.adapter_class(key, function)()
    q = fetcher.build_query(instrument, symbol, pd.Timestamp(start), pd.Timestamp(now, tz="UTC"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps)
        got = fetcher.fetch(q, fast_policy())
        urls = [c.request.url for c in rsps.calls]
    return got, urls


# -- Yahoo, real recordings -------------------------------------------------------------------
def test_yahoo_real_gc_recording() -> None:
    raw = body("yahoo_chart/GC=F_2020-01-02_rec2024-09-16.body.json")
    got, _ = fetch(
        "yfinance",
        "",
        "COMEX.GC",
        "GC=F",
        "2020-01-01",
        "2024-09-16 12:14",
        lambda r: yahoo_chart(r, "GC=F", raw),
    )
    bar = got.frame.set_index("field")["value"]
    assert bar.to_dict() == {
        "close": 1524.5,
        "high": 1528.699951171875,
        "low": 1518.0,
        "open": 1518.0999755859375,
        "volume": 214.0,
    }
    assert set(got.frame["date"]) == {pd.Timestamp("2020-01-02")}


def test_yahoo_gzip_body_and_intraday_last_bar() -> None:
    """The real ES=F body (gzip as sent) was recorded mid-session on 2023-01-19: its last bar is
    held back. ES=F is not a metal: only the mechanics are tested, nothing is stored."""
    raw = body("yahoo_chart/ES=F_2022-10-10_2023-01-19_rec2023-01-19.body.json.gz")
    got, _ = fetch(
        "yfinance",
        "",
        "COMEX.GC",
        "ES=F",
        "2022-10-10",
        "2023-01-19 09:13",
        lambda r: yahoo_chart(r, "ES=F", raw, gzip=True),
    )
    assert got.dropped["bar of a session not yet closed"] == 1
    closes = got.frame[got.frame["field"] == "close"]
    # 73 timestamps; yfinance merges two irregular ones into 71 daily rows; 70 after the hold
    assert len(closes) == 70 and closes["date"].max() == pd.Timestamp("2023-01-18")
    assert closes.set_index("date")["value"].loc["2023-01-18"] == 3945.75


def test_yahoo_equity_keeps_close_and_adjusted_close_apart() -> None:
    raw = body("yahoo_chart/constructed/MP.body.json")
    got, urls = fetch(
        "yfinance",
        "",
        "NYSE.MP",
        "MP",
        "2020-12-01",
        "2026-11-25 12:00",
        lambda r: yahoo_chart(r, "MP", raw),
    )
    wide = got.frame.pivot(index="date", columns="field", values="value")
    assert wide.loc["2020-12-11", "close"] == 26.43 and wide.loc["2020-12-11", "adj_close"] == 26.43
    history = [u for u in urls if "period1=" in u]
    assert history and int(history[-1].split("period1=")[1].split("&")[0]) < 0  # whole history


def test_yahoo_restores_its_exception_switch() -> None:
    import yfinance as yf

    before = yf.config.debug.hide_exceptions
    with pytest.raises(SourceFormatError):
        fetch(
            "yfinance",
            "",
            "COMEX.HG",
            "HG=F",
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: yahoo_chart(r, "HG=F", b"{oops"),
        )
    assert yf.config.debug.hide_exceptions == before


# -- Sina -----------------------------------------------------------------------------------
def test_sina_columns_out_of_order_are_caught() -> None:
    raw = json.loads(body("sina_kline/CU0.jsonp").decode().split("=(", 1)[1].rsplit(");", 1)[0])
    for row in raw:  # the high and low keys swapped: positional naming would mislabel them
        row["h"], row["l"] = row["l"], row["h"]
    swapped = f"var _CU0=({json.dumps(raw)});".encode()
    with pytest.raises(SourceFormatError) as err:
        fetch(
            "akshare",
            "futures_zh_daily_sina",
            "SHFE.CU",
            "CU0",
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: r.add(responses.GET, SINA_DOMESTIC, body=swapped),
        )
    assert (err.value.series, err.value.source) == ("SHFE.CU", "akshare:futures_zh_daily_sina")
    assert err.value.reason.startswith("10 of 10 bars break low <= open, close <= high (e.g. ")
    assert err.value.reason.endswith("the payload's columns look swapped or out of order")


# -- SHFE weekly stocks ---------------------------------------------------------------------
def _weekly(answers: dict[str, bytes]):
    def register(rsps) -> None:
        for day, raw in answers.items():
            rsps.add(responses.GET, JIN10_SHFE, body=raw, content_type=JSON, match=[_date_is(day)])
        rsps.add(
            responses.GET, JIN10_SHFE, body=body("jin10_shfe_weekly/empty.json"), content_type=JSON
        )

    return register


def test_shfe_weekly_holiday_week_falls_back_to_thursday() -> None:
    report = body("jin10_shfe_weekly/2019-06-28.json")
    got, urls = fetch(
        "akshare",
        "futures_stock_shfe_js",
        "SHFE.SN.STOCK",
        "锡",
        "2019-06-24",
        "2019-06-29 12:00",
        _weekly({"2019-06-27": report}),
    )
    assert [u.split("date=")[1][:10] for u in urls] == ["2019-06-28", "2019-06-27"]
    # the date comes from the report's own column name, not from the day asked
    assert got.frame.set_index("date")["value"].to_dict() == {pd.Timestamp("2019-06-28"): 7800}


def test_shfe_weekly_metal_missing_or_in_kilograms() -> None:
    report = body("jin10_shfe_weekly/2019-06-28.json")
    with pytest.raises(SourceFormatError, match=r"no row '铜' .* \(rows: 锡\)"):
        fetch(
            "akshare",
            "futures_stock_shfe_js",
            "SHFE.CU.STOCK",
            "铜",
            "2019-06-24",
            "2019-06-29 12:00",
            _weekly({"2019-06-28": report}),
        )
    kg = report.replace('"锡"'.encode(), '"锡(千克)"'.encode())
    with pytest.raises(UnitScaleError, match="kilograms"):
        fetch(
            "akshare",
            "futures_stock_shfe_js",
            "SHFE.SN.STOCK",
            "锡",
            "2019-06-24",
            "2019-06-29 12:00",
            _weekly({"2019-06-28": kg}),
        )


# -- COMEX stocks ---------------------------------------------------------------------------
def test_comex_ounce_and_tonne_columns_swapped_is_a_unit_error() -> None:
    data = json.loads(body("eastmoney/comex_gold.json"))
    for row in data["result"]["data"]:
        row["STORAGE_TON"], row["STORAGE_OUNCE"] = row["STORAGE_OUNCE"], row["STORAGE_TON"]
    raw = json.dumps(data, ensure_ascii=False).encode()
    with pytest.raises(UnitScaleError, match="units moved upstream") as err:
        fetch(
            "akshare",
            "futures_comex_inventory",
            "COMEX.GC.STOCK",
            "黄金",
            "2026-01-01",
            "2026-11-25 12:00",
            lambda r: r.add(
                responses.GET, re.compile(r"https://datacenter-web.*"), body=raw, content_type=JSON
            ),
        )
    # tonnes read as ounces and back: the ratio is 1/32150.7^2 of the expected one
    assert err.value.ratio == pytest.approx(1 / OZ_PER_TONNE**2, rel=0.02)
    assert (err.value.series, err.value.field) == ("COMEX.GC.STOCK", "stock")


# -- KOMIS ----------------------------------------------------------------------------------
def test_komis_reads_the_page_first_then_criteria_then_prices() -> None:
    got, urls = fetch(
        "komis",
        "",
        "KOMIS.CE",
        "MNRL1002:802",
        "2025-12-01",
        "2026-11-25 12:00",
        lambda r: _komis("Ce")(r, [body("komis/Ce_prices.json")]),
    )
    assert urls == [KOMIS_PAGE, KOMIS_CRITERIA, KOMIS_PRICES]
    assert got.frame.set_index("date")["value"].loc["2025-12-12"] == 1.75


def test_komis_criterion_withdrawn() -> None:
    with pytest.raises(SourceFormatError, match=r"criterion 999 is no longer offered .*757"):
        fetch(
            "komis",
            "",
            "KOMIS.ND",
            "MNRL1001:999",
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: _komis("Nd")(r, [body("komis/Nd_prices.json")]),
        )


def test_komis_unit_change_is_rejected() -> None:
    raw = body("komis/Nd_prices.json").replace(b'"weigUnitCd": "kg"', b'"weigUnitCd": "ton"')
    with pytest.raises(UnitScaleError, match="KOMIS quotes USD/ton"):
        fetch(
            "komis",
            "",
            "KOMIS.ND",
            "MNRL1001:757",
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: _komis("Nd")(r, [raw]),
        )


def test_komis_empty_body_means_blocked_and_is_not_retried() -> None:
    with pytest.raises(SourceUnavailableError, match="empty body") as err:
        fetch(
            "komis",
            "",
            "KOMIS.ND",
            "MNRL1001:757",
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: _komis("Nd")(r, [b""]),
        )
    assert "attempts" not in str(err.value)
    assert (err.value.url, err.value.status) == (KOMIS_PRICES, 200)  # the empty answer
    assert (err.value.series, err.value.source) == ("KOMIS.ND", "komis")


def test_shfe_weekly_this_fridays_report_is_not_chased_back_through_the_week() -> None:
    """Friday 13:00 in Shanghai: today's report is not out; earlier days are not asked. (The
    body is the 2019-06-28 report relabelled: only the request sequence is tested.)"""
    raw = body("jin10_shfe_weekly/2019-06-28.json")
    relabelled = raw.replace(b"2019-06-21", b"2019-06-14").replace(b"2019-06-28", b"2019-06-21")
    got, urls = fetch(
        "akshare",
        "futures_stock_shfe_js",
        "SHFE.SN.STOCK",
        "锡",
        "2019-06-17",
        "2019-06-28 05:00",
        _weekly({"2019-06-21": relabelled}),
    )
    assert [u.split("date=")[1][:10] for u in urls] == ["2019-06-28", "2019-06-21"]
    assert got.dropped == {"weeks with no report (holiday, or not published yet)": 1}
