"""The eight live-source bugs of issue 10, each with the test that failed before its fix.

1. a JSON ``null`` for a whole metal's cell broke all three LME stock series;
2. Yahoo's all-null (holiday) bars vanished uncounted;
3. KOMIS: only the criterion key and unit were checked, not product, purity and basis;
4. Shenwan's ``verify=False`` warning failed the fetch under an ``error`` warning filter;
5. FX bars are London days, but the FX session closed at New York 17:00;
6. the currency Yahoo states was ignored;
7. ``铜(BC)`` could be read as ``铜`` in the SHFE weekly report;
8. Sina LME bars had open = high = low = close, so the column-order guard never ran.
"""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
import responses
import urllib3

from metalwatch.errors import SourceFormatError, UnitScaleError
from metalwatch.sources import catalog
from metalwatch.sources.session import session_closed
from tests.sources.replay import (
    JIN10_LME,
    JIN10_SHFE,
    JSON,
    SHENWAN,
    SINA_FOREIGN,
    _date_is,
    _komis,
    body,
    fast_policy,
    yahoo_chart,
)

LME = "jin10_lme_stock/lme_stock.excerpt_2026-03-02_to_2026-07-17.json"


def fetch(key: str, function: str, instrument: str, symbol: str, start: str, now: str, register):
    fetcher = catalog.adapter_class(key, function)()
    q = fetcher.build_query(instrument, symbol, pd.Timestamp(start), pd.Timestamp(now, tz="UTC"))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps)
        return fetcher.fetch(q, fast_policy())


# 1 -------------------------------------------------------------------------------------------
def test_lme_stock_null_cell_for_a_whole_metal_breaks_no_series() -> None:
    data = json.loads(body(LME))
    day = sorted(data["values"])[-5]
    data["values"][day]["铜"] = None  # constructed: the real recordings carry [stock, null, null]
    raw = json.dumps(data, ensure_ascii=False).encode()
    got = {}
    for inst, metal in (("LME.CA.STOCK", "铜"), ("LME.AH.STOCK", "铝"), ("LME.SN.STOCK", "锡")):
        got[inst] = fetch(
            "akshare",
            "macro_euro_lme_stock",
            inst,
            metal,
            "2026-07-01",
            "2026-07-20 12:00",
            lambda r: r.add(responses.GET, JIN10_LME, body=raw, content_type=JSON),
        )
    cu = got["LME.CA.STOCK"]
    assert cu.dropped.get("missing stock values") == 1
    assert pd.Timestamp(day) not in set(cu.frame.loc[cu.frame["field"] == "stock", "date"])
    assert not got["LME.AH.STOCK"].frame.empty and not got["LME.SN.STOCK"].frame.empty


# 2 -------------------------------------------------------------------------------------------
ES = "yahoo_chart/ES=F_2022-10-10_2023-01-19_rec2023-01-19.body.json"


def test_yahoo_all_null_bars_are_counted() -> None:
    raw = body(ES)
    quote = json.loads(raw)["chart"]["result"][0]["indicators"]["quote"][0]
    nulls = sum(c is None for c in quote["close"])
    assert nulls == 2  # the real recording has two holiday bars with every value null
    got = fetch(
        "yfinance",
        "",
        "COMEX.GC",  # any registered USD future: the adapter is what is tested
        "ES=F",
        "2022-10-01",
        "2023-01-20 12:00",
        lambda r: yahoo_chart(r, "ES=F", raw),
    )
    assert got.dropped.get("missing close values") == nulls


# 3 -------------------------------------------------------------------------------------------
def _komis_with(criteria: dict, info: dict | None = None):
    prices = json.loads(body("komis/Nd_prices.json"))
    if info:
        prices["dataAvg"]["INFO"].update(info)

    def register(rsps: responses.RequestsMock) -> None:
        _komis("Nd")(rsps, [json.dumps(prices, ensure_ascii=False).encode()])
        rsps.replace(
            responses.POST,
            "https://www.komis.or.kr/Komis/RsrcPrice/ajax/getMnrlPriceCrtr",
            body=json.dumps({"data": [criteria]}, ensure_ascii=False),
            content_type=JSON,
        )

    return register


@pytest.mark.parametrize(
    ("criteria", "info", "said"),
    [
        ({"cdKey": 757, "cdVal": "Praseodymium Oxide", "spcfct": "99.5"}, None, "product"),
        ({"cdKey": 757, "cdVal": "Neodymium Oxide", "spcfct": "99"}, None, "purity"),
        (
            {"cdKey": 757, "cdVal": "Neodymium Oxide", "spcfct": "99.5"},
            {"prcCrtr": "99.5%min CIF Rotterdam"},
            "basis",
        ),
    ],
)
def test_komis_reissued_criterion_is_refused(criteria: dict, info: dict | None, said: str) -> None:
    with pytest.raises(SourceFormatError, match=f"price criterion 757 is now {said}"):
        fetch(
            "komis",
            "",
            "KOMIS.ND",
            "MNRL1001:757",
            "2025-12-01",
            "2026-11-25 12:00",
            _komis_with(criteria, info),
        )


# 4 -------------------------------------------------------------------------------------------
def test_shenwan_unverified_warning_does_not_fail_the_fetch() -> None:
    sw = body("shenwan/801050_2025-12-12.json")

    def answer(request):  # what urllib3 does for akshare's verify=False request
        assert request.req_kwargs.get("verify") is False
        warnings.warn(
            "Unverified HTTPS request is being made to host 'www.swsresearch.com'. ",
            urllib3.exceptions.InsecureRequestWarning,
            stacklevel=2,
        )
        return 200, {}, sw

    with warnings.catch_warnings():
        # the project's "error" filter, as pytest sets it for each test (dropping any filter
        # an earlier test or akshare's import left)
        warnings.filterwarnings("error", category=urllib3.exceptions.InsecureRequestWarning)
        got = fetch(
            "akshare",
            "index_hist_sw",
            "SW.801050",
            "801050",
            "2025-12-01",
            "2025-12-13 12:00",
            lambda r: r.add_callback(responses.GET, SHENWAN, callback=answer, content_type=JSON),
        )
    assert not got.frame.empty


# 5 -------------------------------------------------------------------------------------------
def test_fx_bar_is_final_only_after_the_london_day() -> None:
    day = pd.Timestamp("2026-11-24")
    # 17:30 in New York = 22:30 in London: Yahoo's FX bar of the 24th is still moving
    assert not session_closed("FX", day, pd.Timestamp("2026-11-24 22:30", tz="UTC"))
    assert session_closed("FX", day, pd.Timestamp("2026-11-25 00:00", tz="UTC"))


# 6 -------------------------------------------------------------------------------------------
def test_yahoo_currency_other_than_registered_is_a_unit_error() -> None:
    raw = body("yahoo_chart/GC=F_2020-01-02_rec2024-09-16.body.json")
    cents = raw.replace(b'"currency":"USD"', b'"currency":"USX"')
    assert cents != raw
    with pytest.raises(
        UnitScaleError, match="Yahoo quotes GC=F in USX, registered currency is USD"
    ):
        fetch(
            "yfinance",
            "",
            "COMEX.GC",
            "GC=F",
            "2020-01-01",
            "2024-09-16 12:14",
            lambda r: yahoo_chart(r, "GC=F", cents),
        )


# 7 -------------------------------------------------------------------------------------------
def _weekly(rows: list[list]) -> bytes:
    keys = ["商品", "期货总量2019-06-28", "期货总量2019-06-21", "增减", "增减幅度"]
    data = {"keys": [{"name": k} for k in keys], "values": rows}
    return json.dumps({"status": 200, "message": "", "data": data}, ensure_ascii=False).encode()


def _shfe(raw: bytes):
    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(
            responses.GET, JIN10_SHFE, body=raw, content_type=JSON, match=[_date_is("2019-06-28")]
        )
        rsps.add(
            responses.GET, JIN10_SHFE, body=body("jin10_shfe_weekly/empty.json"), content_type=JSON
        )

    return register


def test_shfe_weekly_international_copper_is_not_copper() -> None:
    only_bc = _weekly([["铜(BC)", 5000, 4800, 200, 4.17], ["锡", 7800, 7582, 218, 2.88]])
    with pytest.raises(SourceFormatError, match=r"no row '铜'"):
        fetch(
            "akshare",
            "futures_stock_shfe_js",
            "SHFE.CU.STOCK",
            "铜",
            "2019-06-24",
            "2019-06-29 12:00",
            _shfe(only_bc),
        )
    both = _weekly([["铜(BC)", 5000, 4800, 200, 4.17], ["铜", 125000, 120000, 5000, 4.17]])
    got = fetch(
        "akshare",
        "futures_stock_shfe_js",
        "SHFE.CU.STOCK",
        "铜",
        "2019-06-24",
        "2019-06-29 12:00",
        _shfe(both),
    )
    assert got.frame["value"].tolist() == [125000]


# 8 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sym", ["CAD", "AHD", "SND"])
def test_lme_fixtures_have_real_bar_shapes_and_the_guard_sees_a_swap(sym: str) -> None:
    raw = body(f"sina_kline/{sym}.jsonp")
    rows = json.loads(raw.decode().split("=(", 1)[1].rsplit(");", 1)[0])
    assert all(float(r["low"]) <= min(float(r["open"]), float(r["close"])) for r in rows)
    assert sum(r["open"] != r["close"] for r in rows) >= len(rows) - 1
    assert sum(r["high"] != r["low"] for r in rows) == len(rows)
    swapped = (
        raw.replace(b'"high"', b'"tmp"').replace(b'"low"', b'"high"').replace(b'"tmp"', b'"low"')
    )
    inst = {"CAD": "LME.CA.3M", "AHD": "LME.AH.3M", "SND": "LME.SN.3M"}[sym]
    with pytest.raises(SourceFormatError, match="columns look swapped"):
        fetch(
            "akshare",
            "futures_foreign_hist",
            inst,
            sym,
            "2025-12-01",
            "2026-11-25 12:00",
            lambda r: r.add(responses.GET, SINA_FOREIGN, body=swapped, content_type="text/html"),
        )
