"""Issue 10's further live series, each fetched through the real library code from a replayed,
constructed payload (see tests/fixtures/PROVENANCE.md): SHFE daily warrants of aluminium, tin,
zinc, nickel and lead; the SGE gold and silver benchmarks.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import responses

from metalwatch.errors import SourceFormatError
from metalwatch.sources import catalog
from tests.sources.replay import JSON, body
from tests.sources.test_new_series import fetched, shfe_daily


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
