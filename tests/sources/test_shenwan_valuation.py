"""Shenwan nonferrous sub-indices (index_hist_sw) and index valuation (index_analysis_daily_sw)
through the real akshare code, replayed from constructed bodies
(tests/fixtures/shenwan_sub/PROVENANCE.md)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import responses

from metalwatch import registry
from metalwatch.errors import SourceFormatError
from metalwatch.sources import catalog
from metalwatch.sources.cache import PayloadCache
from tests.sources.contract import check_contract
from tests.sources.replay import FIX, JSON, SHENWAN, fast_policy
from tests.sources.test_new_series import NOW, fetched

ANALYSIS = re.compile(
    r"https://www\.swsresearch\.com/institute-sw/api/index_analysis/index_analysis_report/\?.*"
)
SUBS = {"SW.801051": 4098.2, "SW.801053": 10012.6, "SW.801054": 6802.7, "SW.801055": 4388.9,
        "SW.801056": 10111.8}  # fmt: skip


def sw_body(name: str) -> bytes:
    return (FIX / "shenwan_sub" / name).read_bytes()


def trend(code: str):
    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(responses.GET, SHENWAN, body=sw_body(f"trend_{code}.json"), content_type=JSON)

    return register


def analysis(level: str):
    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(responses.GET, ANALYSIS, body=sw_body(f"analysis_{level}.json"), content_type=JSON)

    return register


@pytest.mark.parametrize(("instrument", "close"), SUBS.items())
def test_each_nonferrous_sub_index(instrument: str, close: float) -> None:
    got = fetched(instrument, trend(instrument.removeprefix("SW.")), start="2025-12-11")
    closes = got.frame[got.frame["field"] == "close"].set_index("date")["value"]
    assert closes[pd.Timestamp("2025-12-12")] == close
    assert registry.get(instrument).group == registry.get("SW.801050").group == "context"


@pytest.mark.parametrize(
    ("instrument", "level", "pe", "pb"),
    [
        ("SW.801050.VALUATION", "一级行业", 24.07, 2.7),
        ("SW.801055.VALUATION", "二级行业", 17.22, 2.35),
        ("SW.801054.VALUATION", "二级行业", -45.02, 2.71),  # loss-making: a negative PE is kept
    ],
)
def test_valuation_pe_and_pb(instrument: str, level: str, pe: float, pb: float) -> None:
    got = fetched(instrument, analysis(level), start="2025-12-11")
    on = got.frame[got.frame["date"] == pd.Timestamp("2025-12-12")].set_index("field")["value"]
    assert (on["pe"], on["pb"]) == (pe, pb)
    assert set(got.frame["unit"]) == {"x"} and len(got.frame) == 4  # 2 days x pe, pb


def test_one_set_of_pages_serves_every_index_of_a_level() -> None:
    cache = PayloadCache()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        analysis("二级行业")(rsps)
        for code in ("801051", "801053", "801054", "801055", "801056"):
            iid = f"SW.{code}.VALUATION"
            [route] = catalog.routes(iid)
            f = route.fetcher(cache)
            q = f.build_query(iid, route.symbol, pd.Timestamp("2025-12-11"), NOW)
            check_contract(f, q, f.fetch(q, fast_policy()))
        assert len(rsps.calls) == 2  # the count, then page 1 of 1


def test_an_index_missing_from_the_analysis_is_a_format_error() -> None:
    [route] = catalog.routes("SW.801056.VALUATION")
    f = route.fetcher()
    q = f.build_query("SW.801056.VALUATION", "一级行业/801056", pd.Timestamp("2025-12-11"), NOW)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        analysis("一级行业")(rsps)
        with pytest.raises(
            SourceFormatError, match="no index 801056 in Shenwan's 一级行业 analysis"
        ):
            f.fetch(q, fast_policy())
