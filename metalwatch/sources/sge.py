"""Shanghai Gold Exchange spot (Au99.99 and others) through akshare's ``spot_hist_sge``.

One form POST to ``www.sge.com.cn/graph/Dailyhq`` (``instid=Au99.99``) returns the whole
daily history as ``{"time": [[date, open, close, low, high], ...]}``; akshare names the five
columns by position (date, open, close, low, high). Prices in CNY per gram.
"""

from __future__ import annotations

from metalwatch.sources.akshare_fetcher import AkshareFetcher


class SgeSpotFetcher(AkshareFetcher):
    """SGE daily bars of one contract (registry symbol ``Au99.99``)."""

    function = "spot_hist_sge"
    COLUMNS = {"date": "date", "open": "open", "high": "high", "low": "low", "close": "close"}
