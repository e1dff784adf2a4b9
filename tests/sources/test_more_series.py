"""Issue 10's further live series, each fetched through the real library code from a replayed,
constructed payload (see tests/fixtures/PROVENANCE.md): SHFE daily warrants of aluminium, tin,
zinc, nickel and lead.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch.sources import catalog
from tests.sources.replay import body
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
