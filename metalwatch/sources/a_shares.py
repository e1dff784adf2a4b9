"""A-share daily bars from Eastmoney through akshare's ``stock_zh_a_hist``.

The watch list is every registered equity whose source is ``stock_zh_a_hist:<code>``; add a
stock by appending an instrument to ``instruments.toml``. Each series makes two requests to
``push2his.eastmoney.com/api/qt/stock/kline/get`` (secid ``1.<code>`` for Shanghai,
``0.<code>`` otherwise):

- unadjusted (``fqt=0``) for the window: open, high, low, close in CNY per share;
- forward-adjusted (前复权, ``fqt=1``) over the whole history, stored as ``adj_close``. Every
  ex-dividend date rewrites the whole forward-adjusted history, so it is refetched whole each
  run; changed values are kept as revisions by the store.

The two are kept apart as different fields. Tencent (:class:`TencentAShareFetcher`) is the
fallback for the unadjusted bars. Volume (in lots of 100 shares) is not stored. An
empty kline list (a suspended stock, or an unknown code) is reported as "no rows", not an
error, because Eastmoney answers a suspension that way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query


class AShareFetcher(AkshareFetcher):
    """One A-share (registry symbol: the 6-digit code)."""

    function = "stock_zh_a_hist"
    COLUMNS = {"日期": "date", "开盘": "open", "最高": "high", "最低": "low", "收盘": "close"}
    #: What the forward-adjusted history keeps (its payload must hold every column above).
    ADJUSTED = {"日期": "date", "收盘": "adj_close"}
    fields = ("open", "high", "low", "close", "adj_close")

    def fetch_raw(self, query: Query) -> dict[str, Any]:
        import akshare as ak

        end = f"{query.end:%Y%m%d}"
        raw = ak.stock_zh_a_hist(
            symbol=query.symbol,
            period="daily",
            start_date=f"{query.start:%Y%m%d}",
            end_date=end,
            adjust="",
        )
        adjusted = ak.stock_zh_a_hist(
            symbol=query.symbol, period="daily", start_date="19900101", end_date=end, adjust="qfq"
        )
        return {"raw": raw, "qfq": adjusted}

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        parts = []
        plain, adjusted = pd.DataFrame(raw["raw"]), pd.DataFrame(raw["qfq"])
        if plain.empty:
            out.notes.append("no unadjusted klines in the window (suspended?)")
        else:
            parts.append(self.select(plain, query))
        if adjusted.empty:
            out.notes.append("no forward-adjusted klines")
        else:
            self.require(adjusted, self.COLUMNS, query)
            parts.append(self.select(adjusted, query, columns=self.ADJUSTED))
        if not parts:
            return pd.DataFrame(columns=["date", *self.fields])
        for part in parts:
            part["date"] = pd.to_datetime(part["date"])
        wide = parts[0]
        for part in parts[1:]:
            wide = wide.merge(part, on="date", how="outer")
        return wide.sort_values("date", ignore_index=True)


class TencentAShareFetcher(AkshareFetcher):
    """The A-share fallback: Tencent's daily bars (``stock_zh_a_hist_tx``, symbol ``sh600111``).

    Eastmoney's push2his is blocked for many users through 2025-26 (akshare #7402), so each
    stock lists Tencent second (registry key ``akshare-tx``). akshare asks
    ``web.ifzq.gtimg.cn/other/klineweb/klineWeb/weekTrends`` once for the first trading day,
    then ``proxy.finance.qq.com/ifzqgtimg/appstock/app/newfqkline/get`` once per calendar year
    of the window, unadjusted (``adjust=""``: open, high, low, close in CNY per share) and
    forward-adjusted (``adjust="qfq"``: ``adj_close``). The forward-adjusted rows cover the
    window only (the whole history would be one request per year since listing): as a
    fallback they only extend the series, and Eastmoney rewrites the whole adjusted history
    when it answers again. Volume is not stored (akshare rescales it by a code-prefix guess).
    """

    function = "stock_zh_a_hist_tx"
    COLUMNS = {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close"}
    ADJUSTED = {"date": "date", "close": "adj_close"}
    fields = ("open", "high", "low", "close", "adj_close")

    def fetch_raw(self, query: Query) -> dict[str, Any]:
        import akshare as ak

        span = {"start_date": f"{query.start:%Y%m%d}", "end_date": f"{query.end:%Y%m%d}"}
        return {
            "raw": ak.stock_zh_a_hist_tx(symbol=query.symbol, adjust="", **span),
            "qfq": ak.stock_zh_a_hist_tx(symbol=query.symbol, adjust="qfq", **span),
        }

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        plain = self.select(self.payload(query, raw["raw"]), query)
        adjusted = self.select(self.payload(query, raw["qfq"]), query, columns=self.ADJUSTED)
        for part in (plain, adjusted):
            part["date"] = pd.to_datetime(part["date"])
        wide = plain.merge(adjusted, on="date", how="outer")
        return wide.sort_values("date", ignore_index=True)
