"""USD/CNY and the dollar index from Eastmoney's kline API through akshare.

``forex_hist_em(symbol="USDCNYC")`` and ``index_global_hist_em(symbol="美元指数")`` call
``push2his.eastmoney.com/api/qt/stock/kline/get`` (secid 120.USDCNYC: the CFETS central
parity 中间价; 100.UDI: ICE dollar index) and return the full daily history as 日期, 代码,
名称, 今开, 最新价 (the close), 最高, 最低, 振幅. Both serve as fallbacks behind Yahoo
(``CNY=X``, ``DX-Y.NYB``): the central parity is a different quote from Yahoo's spot rate, so
a fallback only fills dates after the last stored row. Eastmoney bans busy clients.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query


class _EastmoneyKline(Fetcher):
    key = "akshare"
    fields = ("open", "high", "low", "close")

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> pd.DataFrame:
        import akshare as ak

        return getattr(ak, self.function)(symbol=query.symbol)

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        self.require(df, ["日期", "今开", "最新价", "最高", "最低"], query)
        return pd.DataFrame(
            {"date": df["日期"], "open": df["今开"], "high": df["最高"], "low": df["最低"],
             "close": df["最新价"]}
        )  # fmt: skip


class ForexFetcher(_EastmoneyKline):
    """An Eastmoney FX series (registry symbol ``USDCNYC``)."""

    function = "forex_hist_em"


class GlobalIndexFetcher(_EastmoneyKline):
    """An Eastmoney global index (registry symbol ``美元指数``)."""

    function = "index_global_hist_em"
