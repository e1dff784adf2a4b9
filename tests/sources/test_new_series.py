"""Issue 10's new live series: each fetched through the real library code from a replayed
payload, its normalised rows equal to the bundled history on every overlapping date.

The payloads are constructed from ``../shared/data`` (see tests/fixtures/PROVENANCE.md).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import responses

from metalwatch.sources import catalog
from metalwatch.store import Store
from tests.sources.contract import check_contract
from tests.sources.replay import (
    JSON,
    KOMIS_CRITERIA,
    KOMIS_PAGE,
    KOMIS_PRICES,
    SINA_DOMESTIC,
    body,
    fast_policy,
)

NOW = pd.Timestamp("2025-12-13 12:00", tz="UTC")


def fetch_route(
    instrument: str, register, now: pd.Timestamp = NOW, start: str = "2025-12-01"
) -> pd.DataFrame:
    return fetched(instrument, register, now, start).frame


def fetched(instrument: str, register, now: pd.Timestamp = NOW, start: str = "2025-12-01"):
    [route] = catalog.routes(instrument)[:1]
    fetcher = route.fetcher()
    q = fetcher.build_query(instrument, route.symbol, pd.Timestamp(start), now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps)
        got = fetcher.fetch(q, fast_policy())
    check_contract(fetcher, q, got)  # the contract every fetcher keeps
    return got


def komis(crit: int):
    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(responses.GET, KOMIS_PAGE, body="<html>KOMIS</html>", content_type="text/html")
        rsps.add(
            responses.POST,
            KOMIS_CRITERIA,
            body=body(f"komis/{crit}_criteria.json"),
            content_type=JSON,
        )
        rsps.add(
            responses.POST, KOMIS_PRICES, body=body(f"komis/{crit}_prices.json"), content_type=JSON
        )

    return register


def same_as_bundled(
    store_path, df: pd.DataFrame, start: str = "2025-11-01", end: str = "2025-12-31"
) -> int:
    """Every fetched value equals the bundled one of its date; returns the overlap size."""
    inst = str(df["instrument"].iloc[0])
    with Store(store_path, read_only=True) as st:
        old = st.read([inst], fields=sorted(set(df["field"])), start=start, end=end)
    both = df.merge(old, on=["field", "date"], suffixes=("", "_bundled"))
    assert len(both) > 0
    pd.testing.assert_series_equal(
        both["value"], both["value_bundled"], check_names=False, rtol=1e-9
    )
    return len(both)


@pytest.mark.parametrize(
    ("instrument", "crit", "day", "value"),
    [  # hand-checked against ../shared/data/komis_minor_metals/SOURCE.md (2025-12-12 column)
        ("KOMIS.CO.LME_15M", 708, "2025-12-12", 54875.0),
        ("KOMIS.CO.LME_CASH", 709, "2025-12-12", 52370.0),
        ("KOMIS.CO.ROTTERDAM", 791, "2025-12-12", 52.9),
        ("KOMIS.LI.SPODUMENE", 771, "2025-12-12", 1124.91),
        ("KOMIS.LI.LIOH", 772, "2025-12-12", 10.75),
        ("KOMIS.SB.INGOT", 780, "2025-12-12", 34747.13),
        ("KOMIS.SB.TRIOXIDE", 781, "2025-12-12", 32147.35),
    ],
)
def test_komis_minor_metals(store_path, instrument: str, crit: int, day: str, value: float) -> None:
    df = fetch_route(instrument, komis(crit))
    close = df[df["field"] == "close"].set_index("date")["value"]
    assert close[pd.Timestamp(day)] == value
    assert same_as_bundled(store_path, df) >= 9


def test_gfex_lithium_carbonate_through_sina(store_path) -> None:
    raw = body("sina_kline/LC0.jsonp")
    df = fetch_route(
        "GFEX.LC",
        lambda r: r.add(responses.GET, SINA_DOMESTIC, body=raw, content_type="text/html"),
    )
    day = df[df["date"] == pd.Timestamp("2025-12-12")].set_index("field")["value"]
    # ../shared/data/gfex_lithium_carbonate_sina/SOURCE.md, 2025-12-12
    assert day["close"] == 97720 and day["settle"] == 99660 and day["open_interest"] == 636384
    assert same_as_bundled(store_path, df) >= 9


# -- FRED ------------------------------------------------------------------------------------------
FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"


def fred(raw: bytes):
    return lambda r: r.add(responses.GET, FRED_URL, body=raw, content_type="text/csv")


@pytest.mark.parametrize(
    ("instrument", "sid", "value"),
    [  # 2025-12-12, hand-checked against ../shared/data/fred_us_rates/SOURCE.md
        ("FRED.DGS10", "DGS10", 4.19),
        ("FRED.DFII10", "DFII10", 1.93),
        ("FRED.DGS2", "DGS2", 3.52),
        ("FRED.T10YIE", "T10YIE", 2.26),
        ("FRED.DFF", "DFF", 3.64),
    ],
)
def test_fred_series(store_path, instrument: str, sid: str, value: float) -> None:
    df = fetch_route(instrument, fred(body(f"fred/{sid}.csv")))
    assert df.set_index("date")["value"][pd.Timestamp("2025-12-12")] == value
    assert set(df["field"]) == {"close"}
    assert (df["date"].dt.day_of_week < 5).all()  # DFF's weekend rows are dropped
    assert same_as_bundled(store_path, df) == 10


def test_fred_asks_the_public_csv_without_a_key_and_counts_gaps() -> None:
    raw = body("fred/DGS10.csv").replace(b"2025-12-10,4.13", b"2025-12-10,.")
    fetcher = catalog.adapter_class("fred")()
    q = fetcher.build_query("FRED.DGS10", "DGS10", pd.Timestamp("2025-12-01"), NOW)
    with responses.RequestsMock() as rsps:
        fred(raw)(rsps)
        got = fetcher.fetch(q, fast_policy())
        [call] = rsps.calls
    assert call.request.url.startswith(FRED_URL + "?id=DGS10&cosd=2025-12-01&coed=2025-12-13")
    assert "api_key" not in call.request.url
    assert got.dropped["missing close values"] == 1
    dff = catalog.adapter_class("fred")()
    q = dff.build_query("FRED.DFF", "DFF", pd.Timestamp("2025-12-01"), NOW)
    with responses.RequestsMock() as rsps:
        fred(body("fred/DFF.csv"))(rsps)
        got = dff.fetch(q, fast_policy())
    assert got.dropped["weekend rows (Friday's rate carried forward)"] == 2


def test_fred_html_page_is_a_format_error() -> None:
    from metalwatch.errors import SourceFormatError

    fetcher = catalog.adapter_class("fred")()
    q = fetcher.build_query("FRED.DGS2", "DGS2", pd.Timestamp("2025-12-01"), NOW)
    with responses.RequestsMock() as rsps:
        fred(b"<!DOCTYPE html><html><body>blocked</body></html>")(rsps)
        with pytest.raises(SourceFormatError, match="HTML page"):
            fetcher.fetch(q, fast_policy())


# -- CFTC ------------------------------------------------------------------------------------------
def cftc(dataset: str, code: str):
    raw = body(f"cftc/{dataset}_{code}.json")
    pat = re.compile(rf"https://publicreporting\.cftc\.gov/resource/{dataset}\.json\?.*")
    return lambda r: r.add(responses.GET, pat, body=raw, content_type=JSON)


AFTER = pd.Timestamp("2026-01-10 12:00", tz="UTC")


@pytest.mark.parametrize(
    ("instrument", "dataset", "code", "want"),
    [  # as of Tuesday 2025-12-09: ../shared/data/cftc_cot_metals/SOURCE.md
        ("CFTC.GC.FUT", "72hh-3qpy", "088691", {"mm_long": 143383, "mm_short": 19835}),
        ("CFTC.SI.FUT", "72hh-3qpy", "084691", {"mm_long": 39798, "open_interest": 154762}),
        ("CFTC.HG.FUT", "72hh-3qpy", "085692", {"mm_net": 80015 - 9531}),
        ("CFTC.GC.COMBINED", "kh3c-gbw2", "088691", {"open_interest": 683904, "mm_long": 143756}),
        ("CFTC.SI.COMBINED", "kh3c-gbw2", "084691", {"mm_short": 11865}),
        ("CFTC.HG.COMBINED", "kh3c-gbw2", "085692", {"mm_net": 80419 - 9336}),
    ],
)
def test_cftc_positions(store_path, instrument, dataset, code, want) -> None:
    df = fetch_route(instrument, cftc(dataset, code), now=AFTER, start="2025-11-01")
    day = df[df["date"] == pd.Timestamp("2025-12-09")].set_index("field")["value"]
    for fld, value in want.items():
        assert day[fld] == value, fld
    with Store(store_path, read_only=True) as st:  # exactly the bundled fields
        bundled = set(st.read([instrument], start="2025-11-01", end="2025-12-31")["field"])
    assert set(df["field"]) == bundled
    assert same_as_bundled(store_path, df) == 9 * len(bundled)  # 9 Tuesdays, 2025-11-04..12-30


def test_cftc_report_dated_tuesday_is_public_from_friday() -> None:
    from metalwatch.sources.cftc import released

    assert released(pd.Timestamp("2025-12-09")) == pd.Timestamp("2025-12-12 20:30", tz="UTC")
    thursday = pd.Timestamp("2025-12-11 12:00", tz="UTC")
    got = fetched("CFTC.GC.FUT", cftc("72hh-3qpy", "088691"), now=thursday, start="2025-11-01")
    dates = set(got.frame["date"])
    assert pd.Timestamp("2025-12-02") in dates and pd.Timestamp("2025-12-09") not in dates
    assert got.dropped["reports not released yet (the CFTC publishes on Friday)"] == 4
    assert "latest report as of Tue 2025-12-02, released Fri 2025-12-05" in got.notes


def test_cftc_query_asks_one_market_from_the_window_start() -> None:
    fetcher = catalog.adapter_class("cftc")()
    q = fetcher.build_query(
        "CFTC.SI.COMBINED", "kh3c-gbw2:084691", pd.Timestamp("2025-11-01"), AFTER
    )
    with responses.RequestsMock() as rsps:
        cftc("kh3c-gbw2", "084691")(rsps)
        fetcher.fetch(q, fast_policy())
        [call] = rsps.calls
    params = call.request.params
    assert params["$where"] == (
        "cftc_contract_market_code='084691' AND report_date_as_yyyy_mm_dd >= '2025-11-01T00:00:00'"
    )
    assert params["$order"] == "report_date_as_yyyy_mm_dd"


# -- SHFE daily warehouse receipts ---------------------------------------------------------
SHFE_DAILY = re.compile(
    r"https://www\.shfe\.com\.cn/data/tradedata/future/stockdata/dailystock_(\d{8})/ZH/all\.html"
)


def shfe_daily(pages: dict[str, bytes]):
    def answer(request):
        day = SHFE_DAILY.match(request.url)[1]
        if day in pages:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[day]
        return 404, {}, b"<html>404</html>"

    return lambda r: r.add_callback(responses.GET, SHFE_DAILY, callback=answer)


def receipt_pages() -> dict[str, bytes]:
    days = ["20251204", "20251205", "20251208", "20251209", "20251210", "20251211", "20251212"]
    return {d: body(f"shfe_receipt/dailystock_{d}.html") for d in days}


def test_shfe_copper_warrants_daily(store_path) -> None:
    got = fetched("SHFE.CU.WARRANT", shfe_daily(receipt_pages()), start="2025-12-04")
    stock = got.frame.set_index("date")["value"]
    # ../shared/data/shfe_copper_stocks_loong/SOURCE.md: 12-08 29,956 ... 12-12 32,563 t
    assert stock[pd.Timestamp("2025-12-08")] == 29956
    assert stock[pd.Timestamp("2025-12-12")] == 32563
    assert same_as_bundled(store_path, got.frame) == 7


def test_shfe_daily_holiday_is_counted_and_bc_is_not_copper() -> None:
    pages = receipt_pages()
    del pages["20251210"]  # SHFE answers 404 for a day without a report
    got = fetched("SHFE.CU.WARRANT", shfe_daily(pages), start="2025-12-04")
    assert got.dropped["days with no report (holiday, or not published yet)"] == 1
    bc = {d: p.replace("铜</td>".encode(), "铜(BC)</td>".encode()) for d, p in pages.items()}
    from metalwatch.errors import SourceFormatError

    with pytest.raises(SourceFormatError, match=r"no product '铜' .*\(products: 铜\(BC\)\)"):
        fetched("SHFE.CU.WARRANT", shfe_daily(bc), start="2025-12-04")


# -- A-share fallback: Tencent -----------------------------------------------------------------
TX_KLINE = re.compile(r"https://proxy\.finance\.qq\.com/ifzqgtimg/appstock/app/newfqkline/get\?.*")
TX_TREND = re.compile(r"https://web\.ifzq\.gtimg\.cn/other/klineweb/klineWeb/weekTrends\?.*")


def tencent(sym: str):
    def kline(request):
        var = request.params["_var"].removeprefix("kline_day")
        adjust, year = ("qfq", var[3:]) if var.startswith("qfq") else ("raw", var)
        return 200, {}, body(f"tencent/{sym}_{adjust}_{year}.js")

    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(responses.GET, TX_TREND, body=body(f"tencent/{sym}_weektrends.js"))
        rsps.add_callback(responses.GET, TX_KLINE, callback=kline)

    return register


@pytest.mark.parametrize(
    ("instrument", "sym", "close"),
    [("SSE.600111", "sh600111", 23.21), ("SZSE.000960", "sz000960", None)],
)
def test_a_share_tencent_fallback(store_path, instrument: str, sym: str, close) -> None:
    routes = catalog.routes(instrument)
    assert [r.function for r in routes] == ["stock_zh_a_hist", "stock_zh_a_hist_tx"]
    fetcher = routes[1].fetcher()
    now = pd.Timestamp("2025-05-24 12:00", tz="UTC")
    q = fetcher.build_query(instrument, routes[1].symbol, pd.Timestamp("2025-05-16"), now)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        tencent(sym)(rsps)
        got = fetcher.fetch(q, fast_policy())
    df = check_contract(fetcher, q, got)
    assert set(df["field"]) == {"open", "high", "low", "close", "adj_close"}
    if close is not None:  # 2025-05-23, the Eastmoney fixture's unadjusted close
        assert df[(df["field"] == "close")].set_index("date")["value"].iloc[-1] == close
    assert same_as_bundled(store_path, df, "2025-05-16", "2025-05-23") == 5 * 6
