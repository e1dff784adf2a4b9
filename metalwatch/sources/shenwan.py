"""Shenwan (SW 2021) industry indices through akshare's ``index_hist_sw``, and their
valuation through ``index_analysis_daily_sw``.

One GET to ``www.swsresearch.com/institute-sw/api/index_publish/trend/`` (``swindexcode``,
``period=DAY``; akshare sends it with ``verify=False``) returns the daily history; akshare
renames the JSON keys (closeindex -> 收盘, ...) and keeps 代码, 日期, 收盘, 开盘, 最高, 最低,
成交量, 成交额. Index points. Volume and value are left out: their units (apparently 亿股 /
亿元) are not documented. Shenwan bans busy clients for hours (akshare #4901), so its host is
rate-limited hard.

akshare asks with ``verify=False``, so urllib3 warns ``InsecureRequestWarning`` on every call.
A filter that ignores it for this host alone is (re)installed before each call: a filter set
once (at import) is gone after anything resets the warning filters (pytest does, per test),
and under an ``error`` filter the warning would fail the fetch.

Valuation: ``index_analysis_daily_sw(symbol=<一级行业|二级行业>, start_date, end_date)`` GETs
``www.swsresearch.com/institute-sw/api/index_analysis/index_analysis_report/`` (50 rows a page,
every index of the level for every day of the window; one set of pages serves every index of a
level within a run) and keeps 指数代码, 发布日期, 市盈率 (PE), 市净率 (PB), among others. Stored
under the index's own ``SW.<code>.VALUATION`` id as fields ``pe`` and ``pb`` (times): PE is
negative when the constituents lose money. Registry symbol ``一级行业/801050``.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query

#: urllib3's warning for akshare's ``verify=False`` request to Shenwan (and only Shenwan).
UNVERIFIED = r"Unverified HTTPS request is being made to host 'www\.swsresearch\.com'"


class ShenwanIndexFetcher(AkshareFetcher):
    """A Shenwan index (registry symbol ``801050`` = 有色金属)."""

    function = "index_hist_sw"
    ARGS = {"period": "day"}
    COLUMNS = {"日期": "date", "开盘": "open", "最高": "high", "最低": "low", "收盘": "close"}

    def fetch_raw(self, query: Query) -> Any:
        quiet_unverified()
        return super().fetch_raw(query)


class ShenwanValuationFetcher(AkshareFetcher):
    """PE and PB of a Shenwan index (registry symbol ``一级行业/801050``, ``二级行业/801055``)."""

    function = "index_analysis_daily_sw"
    fields = ("pe", "pb")
    default_history_days = 10
    COLUMNS = {"发布日期": "date", "市盈率": "pe", "市净率": "pb"}

    def fetch_raw(self, query: Query) -> Any:
        import akshare as ak

        quiet_unverified()
        level = query.symbol.partition("/")[0]
        start, end = f"{query.start:%Y%m%d}", f"{query.end:%Y%m%d}"
        ask = functools.partial(
            ak.index_analysis_daily_sw, symbol=level, start_date=start, end_date=end
        )
        return self.cache.get((self.function, level, start, end), ask)

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        level, _, code = query.symbol.partition("/")
        df = self.payload(query, raw)
        self.require(df, ["指数代码"], query)
        mine = df[df["指数代码"].astype(str).str.strip() == code]
        if mine.empty:
            raise self.empty_payload(query, f"no index {code} in Shenwan's {level} analysis")
        return self.select(mine, query, out)


def quiet_unverified() -> None:
    """Ignore urllib3's InsecureRequestWarning for Shenwan's host (idempotent)."""
    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", message=UNVERIFIED, category=InsecureRequestWarning)
