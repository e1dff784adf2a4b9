"""Shenwan (SW 2021) industry indices through akshare's ``index_hist_sw``.

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
"""

from __future__ import annotations

import warnings
from typing import Any

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Query

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


def quiet_unverified() -> None:
    """Ignore urllib3's InsecureRequestWarning for Shenwan's host (idempotent)."""
    from urllib3.exceptions import InsecureRequestWarning

    warnings.filterwarnings("ignore", message=UNVERIFIED, category=InsecureRequestWarning)
