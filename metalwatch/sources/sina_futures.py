"""Sina futures daily klines through akshare: SHFE main-continuous and foreign futures.

``futures_zh_daily_sina(symbol="CU0")``
    SHFE main-continuous ("XX0", spliced at rolls, not back-adjusted). One JSONP request to
    ``stock2.finance.sina.com.cn/futures/api/jsonp.php/.../InnerFuturesNewService.getDailyKLine``
    returns the whole history; akshare names the eight columns **by position** (date, open,
    high, low, close, volume, hold, settle), so a reordered payload would be mislabelled:
    the adapter checks low <= open, close <= high on the rows it keeps. Units: CNY/t, Au
    CNY/g, Ag CNY/kg; volume and open interest in lots; settle 0 means "not provided".
``futures_foreign_hist(symbol="CAD")``
    LME 3-month (CAD, AHD, SND) and COMEX (GC, SI, HG) from
    ``.../GlobalFuturesService.getGlobalFuturesDailyKLine``; columns are whatever keys Sina
    sends (date, open, high, low, close, volume). The URL embeds today's date.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metalwatch.errors import SourceFormatError
from metalwatch.sources.base import Fetched, Fetcher, Query

#: Share of kept rows allowed to break low <= open, close <= high before we call the
#: columns mislabelled (Sina's early history has a few bad bars).
MAX_INCONSISTENT = 0.05


class _SinaKline(Fetcher):
    key = "akshare"

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> pd.DataFrame:
        import akshare as ak

        return getattr(ak, self.function)(symbol=query.symbol)

    def check_ohlc(self, df: pd.DataFrame, query: Query) -> None:
        """Reject a payload whose positional columns look out of order."""
        cols = [c for c in ("open", "high", "low", "close") if c in df.columns]
        if len(cols) < 4 or df.empty:
            return
        px = df[cols].apply(pd.to_numeric, errors="coerce").dropna()
        px = px[(px > 0).all(axis=1) & np.isfinite(px).all(axis=1)]  # others are counted
        if px.empty:
            return
        bad = (px["low"] > px[["open", "close"]].min(axis=1) + 1e-9) | (
            px["high"] < px[["open", "close"]].max(axis=1) - 1e-9
        )
        if bad.mean() > MAX_INCONSISTENT:
            raise SourceFormatError(
                f"{self.label} {query.instrument}: {bad.mean():.0%} of bars break "
                "low <= open, close <= high: the payload's columns look out of order",
                source=self.label,
            )


class ShfeMainFetcher(_SinaKline):
    """SHFE main-continuous daily bars (``futures_zh_daily_sina``)."""

    function = "futures_zh_daily_sina"
    fields = ("open", "high", "low", "close", "volume", "open_interest", "settle")

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        cols = ["date", "open", "high", "low", "close", "volume", "hold", "settle"]
        self.require(df, cols, query)
        df = df.rename(columns={"hold": "open_interest"})
        settle = pd.to_numeric(df["settle"], errors="coerce")
        df["settle"] = settle.mask(settle == 0)  # 0 = not provided; counted as missing
        recent = pd.to_datetime(df["date"], errors="coerce") >= query.start
        self.check_ohlc(df[recent.to_numpy()], query)
        return df[["date", *self.fields]]


class ForeignFuturesFetcher(_SinaKline):
    """LME 3-month and COMEX daily bars from Sina (``futures_foreign_hist``)."""

    function = "futures_foreign_hist"
    fields = ("open", "high", "low", "close", "volume")

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        self.require(df, ["date", "open", "high", "low", "close"], query)
        if "volume" not in df.columns:
            out.notes.append("payload has no volume column")
        recent = pd.to_datetime(df["date"], errors="coerce") >= query.start
        self.check_ohlc(df[recent.to_numpy()], query)
        return df[["date", *(f for f in self.fields if f in df.columns)]]
