"""Live checks against the real upstreams (skipped unless METALWATCH_LIVE=1).

They answer the questions a replay cannot: is the endpoint still there, is the payload still
in the shape the adapter reads, are the units still the registered ones.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch.sources import catalog
from metalwatch.sources.policy import Policy
from tests.sources.contract import check_contract

pytestmark = pytest.mark.live
SERIES = [
    "SHFE.CU",
    "LME.CA.3M",
    "LME.CA.STOCK",
    "COMEX.GC",
    "KOMIS.ND",
    "SSE.600111",
    "SW.801050",
    "SGE.AU9999",
    "COMEX.GC.STOCK",
    "FRED.DGS10",
    "FRED.DFF",
    "CFTC.GC.FUT",
    "CFTC.GC.COMBINED",
    "KOMIS.CO.LME_CASH",
    "KOMIS.LI.SPODUMENE",
    "GFEX.LC",
    "SHFE.CU.WARRANT",
]


@pytest.mark.parametrize("instrument", SERIES)
def test_primary_source_keeps_its_contract(instrument: str) -> None:
    route = catalog.routes(instrument)[0]
    fetcher = route.fetcher()
    now = pd.Timestamp.now(tz="UTC")
    start = now.tz_localize(None) - pd.Timedelta(days=30)
    query = fetcher.build_query(instrument, route.symbol, start, now)
    got = fetcher.fetch(query, Policy())
    check_contract(fetcher, query, got)
