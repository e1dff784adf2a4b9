"""USD/CNY and the dollar index from Eastmoney's kline API through akshare.

``forex_hist_em(symbol="USDCNYC")`` and ``index_global_hist_em(symbol="美元指数")`` call
``push2his.eastmoney.com/api/qt/stock/kline/get`` (secid 120.USDCNYC: the CFETS central
parity 中间价; 100.UDI: ICE dollar index) and return the full daily history as 日期, 代码,
名称, 今开, 最新价 (the close), 最高, 最低, 振幅. Both serve as fallbacks behind Yahoo
(``CNY=X``, ``DX-Y.NYB``): the central parity is a different quote from Yahoo's spot rate, so
a fallback only fills dates after the last stored row. Eastmoney bans busy clients.
"""

from __future__ import annotations

from metalwatch.sources.akshare_fetcher import AkshareFetcher


class _EastmoneyKline(AkshareFetcher):
    COLUMNS = {"日期": "date", "今开": "open", "最高": "high", "最低": "low", "最新价": "close"}


class ForexFetcher(_EastmoneyKline):
    """An Eastmoney FX series (registry symbol ``USDCNYC``)."""

    function = "forex_hist_em"


class GlobalIndexFetcher(_EastmoneyKline):
    """An Eastmoney global index (registry symbol ``美元指数``)."""

    function = "index_global_hist_em"
