"""A-share daily bars from Eastmoney through akshare's ``stock_zh_a_hist``.

The watch list is every registered equity whose source is ``stock_zh_a_hist:<code>``; add a
stock by appending an instrument to ``instruments.toml``. Each series makes two requests to
``push2his.eastmoney.com/api/qt/stock/kline/get`` (secid ``1.<code>`` for Shanghai,
``0.<code>`` otherwise):

- unadjusted (``fqt=0``) for the window: open, high, low, close in CNY per share;
- forward-adjusted (前复权, ``fqt=1``) over the whole history, stored as ``adj_close``. Every
  ex-dividend date rewrites the whole forward-adjusted history, so it is refetched whole each
  run; changed values are kept as revisions by the store.

The two are kept apart as different fields. Volume (in lots of 100 shares) is not stored. An
empty kline list (a suspended stock, or an unknown code) is reported as "no rows", not an
error, because Eastmoney answers a suspension that way.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query

COLUMNS = ["日期", "开盘", "收盘", "最高", "最低"]


class AShareFetcher(Fetcher):
    """One A-share (registry symbol: the 6-digit code)."""

    key = "akshare"
    function = "stock_zh_a_hist"
    fields = ("open", "high", "low", "close", "adj_close")
    rebase_fields = ("adj_close",)

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> dict[str, pd.DataFrame]:
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
        return {"raw": raw, "qfq": adjusted}  # fmt: skip

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        parts = []
        plain, adjusted = pd.DataFrame(raw["raw"]), pd.DataFrame(raw["qfq"])
        if plain.empty:
            out.notes.append("no unadjusted klines in the window (suspended?)")
        else:
            self.require(plain, COLUMNS, query)
            parts.append(pd.DataFrame({
                "date": pd.to_datetime(plain["日期"]), "open": plain["开盘"],
                "high": plain["最高"], "low": plain["最低"], "close": plain["收盘"],
            }))  # fmt: skip
        if adjusted.empty:
            out.notes.append("no forward-adjusted klines")
        else:
            self.require(adjusted, COLUMNS, query)
            parts.append(
                pd.DataFrame(
                    {"date": pd.to_datetime(adjusted["日期"]), "adj_close": adjusted["收盘"]}
                )
            )
        if not parts:
            return pd.DataFrame(columns=["date", *self.fields])
        wide = parts[0]
        for part in parts[1:]:
            wide = wide.merge(part, on="date", how="outer")
        return wide.sort_values("date", ignore_index=True)
