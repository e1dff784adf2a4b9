"""Sina futures daily klines through akshare: SHFE main-continuous and foreign futures.

``futures_zh_daily_sina(symbol="CU0")``
    SHFE main-continuous ("XX0", spliced at rolls, not back-adjusted). One JSONP request to
    ``stock2.finance.sina.com.cn/futures/api/jsonp.php/.../InnerFuturesNewService.getDailyKLine``
    returns the whole history; akshare names the eight columns **by position** (date, open,
    high, low, close, volume, hold, settle), so a reordered payload would be mislabelled:
    the adapter holds the window's bars to low <= open, close <= high (:mod:`.bars`).
    Units: CNY/t, Au CNY/g, Ag CNY/kg; volume and open interest in lots; settle 0 means
    "not provided".
``futures_foreign_hist(symbol="CAD")``
    LME 3-month (CAD, AHD, SND) and COMEX (GC, SI, HG) from
    ``.../GlobalFuturesService.getGlobalFuturesDailyKLine``; columns are whatever keys Sina
    sends (date, open, high, low, close, volume), held to the same bar rule. The URL embeds
    today's date.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.bars import check_ohlc
from metalwatch.sources.base import Fetched, Query


class _SinaKline(AkshareFetcher):
    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        wide = super().normalize(query, raw, out)
        dates = pd.to_datetime(wide["date"], errors="coerce")
        recent = (dates >= query.start).to_numpy()
        bars = wide[recent].set_index(dates[recent])
        check_ohlc(bars, series=query.instrument, source=self.label)
        return wide


class ShfeMainFetcher(_SinaKline):
    """SHFE main-continuous daily bars (``futures_zh_daily_sina``)."""

    function = "futures_zh_daily_sina"
    COLUMNS = {
        "date": "date",
        "open": "open",
        "high": "high",
        "low": "low",
        "close": "close",
        "volume": "volume",
        "hold": "open_interest",
        "settle": "settle",
    }

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        wide = super().normalize(query, raw, out)
        settle = pd.to_numeric(wide["settle"], errors="coerce")
        wide["settle"] = settle.mask(settle == 0)  # 0 = not provided; counted as missing
        return wide


class ForeignFuturesFetcher(_SinaKline):
    """LME 3-month and COMEX daily bars from Sina (``futures_foreign_hist``)."""

    function = "futures_foreign_hist"
    COLUMNS = {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close"}
    OPTIONAL = {"volume": "volume"}
