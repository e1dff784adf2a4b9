"""Shenwan (SW 2021) industry indices through akshare's ``index_hist_sw``.

One GET to ``www.swsresearch.com/institute-sw/api/index_publish/trend/`` (``swindexcode``,
``period=DAY``; akshare sends it with ``verify=False``) returns the daily history; akshare
renames the JSON keys (closeindex -> 收盘, ...) and keeps 代码, 日期, 收盘, 开盘, 最高, 最低,
成交量, 成交额. Index points. Volume and value are left out: their units (apparently 亿股 /
亿元) are not documented. Shenwan bans busy clients for hours (akshare #4901), so its host is
rate-limited hard.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query


class ShenwanIndexFetcher(Fetcher):
    """A Shenwan index (registry symbol ``801050`` = 有色金属)."""

    key = "akshare"
    function = "index_hist_sw"
    fields = ("open", "high", "low", "close")

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> pd.DataFrame:
        import akshare as ak

        return ak.index_hist_sw(symbol=query.symbol, period="day")

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        self.require(df, ["日期", "收盘", "开盘", "最高", "最低"], query)
        return pd.DataFrame(
            {"date": df["日期"], "open": df["开盘"], "high": df["最高"], "low": df["最低"],
             "close": df["收盘"]}
        )  # fmt: skip
