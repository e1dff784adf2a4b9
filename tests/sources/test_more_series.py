"""Issue 10's further live series, each fetched through the real library code from a replayed,
constructed payload (see tests/fixtures/PROVENANCE.md): SHFE daily warrants of aluminium, tin,
zinc, nickel and lead; the SGE gold and silver benchmarks; 100ppi spot prices and basis.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import responses

from metalwatch.errors import SourceFormatError
from metalwatch.sources import catalog
from tests.sources.replay import JSON, body, fast_policy
from tests.sources.test_new_series import NOW, fetched, shfe_daily


# -- SHFE daily warehouse receipts: the other base metals ------------------------------------
@pytest.mark.parametrize(
    ("instrument", "product", "stock"),
    [  # the 总计 row of each product's table in the constructed page (placeholder values)
        ("SHFE.AL.WARRANT", "铝", 73345),
        ("SHFE.SN.WARRANT", "锡", 9456),
        ("SHFE.ZN.WARRANT", "锌", 42210),
        ("SHFE.NI.WARRANT", "镍", 40450),
        ("SHFE.PB.WARRANT", "铅", 39321),
    ],
)
def test_shfe_warrants_of_each_metal(instrument: str, product: str, stock: int) -> None:
    [route] = catalog.routes(instrument)
    assert (route.function, route.symbol) == ("futures_shfe_warehouse_receipt", product)
    page = {"20251212": body("shfe_receipt/all_products_20251212.html")}
    got = fetched(instrument, shfe_daily(page), start="2025-12-12")
    df = got.frame
    assert list(df["date"]) == [pd.Timestamp("2025-12-12")]
    assert set(df["field"]) == {"stock"}
    assert df["value"].iloc[0] == stock  # the total, not a warehouse or a region's 合计


def test_shfe_warrants_one_page_serves_every_metal() -> None:
    """Copper (its real 2025-12-12 total) read from the same multi-product page."""
    page = {"20251212": body("shfe_receipt/all_products_20251212.html")}
    got = fetched("SHFE.CU.WARRANT", shfe_daily(page), start="2025-12-12")
    # ../shared/data/shfe_copper_stocks_loong/SOURCE.md: 2025-12-12 32,563 t (铜(BC) is apart)
    assert got.frame["value"].tolist() == [32563]


# -- SGE benchmarks ----------------------------------------------------------------------------
SGE_GOLD = "https://www.sge.com.cn/graph/DayilyJzj"
SGE_SILVER = "https://www.sge.com.cn/graph/DayilyShsilverJzj"


def sge(url: str, raw: bytes):
    return lambda r: r.add(responses.POST, url, body=raw, content_type=JSON)


@pytest.mark.parametrize(
    ("instrument", "url", "name", "am", "pm"),
    [  # 2025-12-12: the stand-in values (SHFE AU0/AG0 open and close, shfe_main_continuous_sina)
        ("SGE.AU.BENCHMARK", SGE_GOLD, "gold", 958.9, 970.66),
        ("SGE.AG.BENCHMARK", SGE_SILVER, "silver", 14525, 14892),
    ],
)
def test_sge_benchmarks(instrument: str, url: str, name: str, am: float, pm: float) -> None:
    got = fetched(instrument, sge(url, body(f"sge/benchmark_{name}.json")))
    df = got.frame
    assert set(df["field"]) == {"fix_am", "fix_pm"}
    assert catalog.routes(instrument)[0].fetcher().fields == ("fix_am", "fix_pm")
    day = df[df["date"] == pd.Timestamp("2025-12-12")].set_index("field")["value"]
    assert (day["fix_am"], day["fix_pm"]) == (am, pm)
    assert sorted(set(df["date"].dt.day_of_week)) == [0, 1, 2, 3, 4]
    assert len(df) == 2 * 10  # 2025-12-01..12, ten trading days


def test_sge_benchmark_short_am_list_is_counted_and_weekend_dates_refused() -> None:
    raw = json.loads(body("sge/benchmark_gold.json"))
    raw["zp"] = raw["zp"][:-1]  # the day's AM benchmark not there (yet)
    got = fetched("SGE.AU.BENCHMARK", sge(SGE_GOLD, json.dumps(raw).encode()))
    assert got.dropped["missing fix_am values"] == 1
    assert len(got.frame[got.frame["field"] == "fix_pm"]) == 10
    shifted = json.loads(body("sge/benchmark_gold.json"))
    for side in ("wp", "zp"):  # Beijing midnights: 16:00 UTC the day before
        shifted[side] = [[t - 8 * 3_600_000, v] for t, v in shifted[side]]
    with pytest.raises(SourceFormatError, match=r"dated on a weekend, e\.g\. Sun 2025-12-07"):
        fetched("SGE.AU.BENCHMARK", sge(SGE_GOLD, json.dumps(shifted).encode()))


def test_sge_benchmark_empty_answer_is_a_format_error() -> None:
    # akshare fails renaming the columns of an empty list: the cause is kept
    with pytest.raises(SourceFormatError, match="cannot read the payload: ValueError: Length"):
        fetched("SGE.AG.BENCHMARK", sge(SGE_SILVER, b'{"wp": [], "zp": []}'))


# -- 100ppi spot and basis ---------------------------------------------------------------------
PPI_DAY = re.compile(r"https://www\.100ppi\.com/sf/day-(\d{4}-\d{2}-\d{2})\.html")
PPI_LATEST = "https://www.100ppi.com/sf/"


def ppi(pages: dict[str, bytes], status: int = 200):
    def answer(request):
        day = PPI_DAY.match(request.url)[1]
        if status != 200:
            return status, {}, b"<html>busy</html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, pages[day]

    def register(rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, PPI_DAY, callback=answer)
        rsps.add(responses.GET, PPI_LATEST, status=status, body=b"<html>busy</html>")

    return register


def ppi_pages() -> dict[str, bytes]:
    return {d: body(f"ppi_spot/day-{d}.html") for d in ("2025-12-11", "2025-12-12")}


@pytest.mark.parametrize(
    ("instrument", "settle", "spot"),
    [  # 2025-12-12: settle = the Sina main-continuous settlement (real); spot a placeholder
        ("CN.SPOT.CU", 93640, 93827),
        ("CN.SPOT.AL", 22160, 22204),
        ("CN.SPOT.ZN", 23515, 23562),
        ("CN.SPOT.PB", 17125, 17159),
        ("CN.SPOT.NI", 115710, 115941),
        ("CN.SPOT.SN", 330380, 331041),
        ("CN.SPOT.AU", 964.62, 966.55),
        ("CN.SPOT.AG", 14774, 14804),
        ("CN.SPOT.AO", 2463, 2468),
        ("CN.SPOT.LC", 99660, 99859),
    ],
)
def test_ppi_spot_and_basis(instrument: str, settle: float, spot: float) -> None:
    got = fetched(instrument, ppi(ppi_pages()), start="2025-12-11")
    df = got.frame
    assert set(df["field"]) == {"close", "basis"}
    assert sorted(set(df["date"])) == [pd.Timestamp("2025-12-11"), pd.Timestamp("2025-12-12")]
    day = df[df["date"] == pd.Timestamp("2025-12-12")].set_index("field")["value"]
    assert day["close"] == spot
    assert day["basis"] == pytest.approx(spot - settle, abs=1e-9)  # spot over the dominant
    assert any(n.startswith("dominant contract ") for n in got.notes)


def test_ppi_one_request_per_day_serves_every_metal() -> None:
    from metalwatch.sources.cache import PayloadCache

    cache = PayloadCache()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        ppi(ppi_pages())(rsps)
        for inst in ("CN.SPOT.CU", "CN.SPOT.AU", "CN.SPOT.LC"):
            [route] = catalog.routes(inst)
            fetcher = route.fetcher(cache)
            q = fetcher.build_query(inst, route.symbol, pd.Timestamp("2025-12-11"), NOW)
            assert len(fetcher.fetch(q, fast_policy()).frame) == 4
        assert len(rsps.calls) == 2  # 12-11 and 12-12, the weekend not asked


def test_ppi_empty_answer_is_a_failure_naming_the_days() -> None:
    """A page without our table: akshare answers an empty frame, never 'no new rows'."""
    blank = {
        d: p.split(b"<table>\n", 1)[0] + b"<table><tr><td>\xe6\x9a\x82\xe6\x97\xa0\xe6\x95\xb0\xe6"
        b"\x8d\xae</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>"
        b"</table></body></html>"
        for d, p in ppi_pages().items()
    }
    with pytest.raises(
        SourceFormatError,
        match=r"empty frame for 2025-12-11\.\.2025-12-12 \(2 of 2 trading days\)",
    ):
        fetched("CN.SPOT.CU", ppi(blank), start="2025-12-11")


def test_ppi_server_error_keeps_its_cause() -> None:
    """akshare swallows the 503 into an empty frame: the request's own error is raised."""
    from metalwatch.errors import SourceError

    with pytest.raises(SourceError) as err:
        fetched("CN.SPOT.AL", ppi(ppi_pages(), status=503), start="2025-12-12")
    assert err.value.status == 503
    assert "100ppi.com" in str(err.value)


def test_ppi_past_akshare_calendar_is_a_format_error() -> None:
    after = pd.Timestamp("2027-01-05 12:00", tz="UTC")
    with pytest.raises(SourceFormatError, match=r"calendar ends 2026-12-31.*upgrade akshare"):
        fetched("CN.SPOT.CU", ppi({}), now=after, start="2027-01-04")


def test_ppi_negative_basis_is_kept() -> None:
    """Spot under the dominant contract (contango): a negative basis is a value, not an error."""
    pages = ppi_pages()
    pages["2025-12-12"] = pages["2025-12-12"].replace(b"<td>93827.00</td>", b"<td>93500.00</td>")
    df = fetched("CN.SPOT.CU", ppi(pages), start="2025-12-11").frame
    day = df[df["date"] == pd.Timestamp("2025-12-12")].set_index("field")["value"]
    assert (day["close"], day["basis"]) == (93500, 93500 - 93640)
