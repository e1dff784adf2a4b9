"""Shanghai Gold Exchange spot (Au99.99 and others) through akshare's ``spot_hist_sge``.

One form POST to ``www.sge.com.cn/graph/Dailyhq`` (``instid=Au99.99``) returns the whole
daily history as ``{"time": [[date, open, close, low, high], ...]}``; akshare names the five
columns by position (date, open, close, low, high). Prices in CNY per gram.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query


class SgeSpotFetcher(Fetcher):
    """SGE daily bars of one contract (registry symbol ``Au99.99``)."""

    key = "akshare"
    function = "spot_hist_sge"
    fields = ("open", "high", "low", "close")

    def prepare(self) -> None:
        import akshare  # noqa: F401

    def fetch_raw(self, query: Query) -> pd.DataFrame:
        import akshare as ak

        return ak.spot_hist_sge(symbol=query.symbol)

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query)
        self.require(df, ["date", "open", "high", "low", "close"], query)
        return df[["date", *self.fields]]
