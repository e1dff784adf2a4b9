"""Shenwan (SW 2021) industry indices through akshare's ``index_hist_sw``.

One GET to ``www.swsresearch.com/institute-sw/api/index_publish/trend/`` (``swindexcode``,
``period=DAY``; akshare sends it with ``verify=False``) returns the daily history; akshare
renames the JSON keys (closeindex -> 收盘, ...) and keeps 代码, 日期, 收盘, 开盘, 最高, 最低,
成交量, 成交额. Index points. Volume and value are left out: their units (apparently 亿股 /
亿元) are not documented. Shenwan bans busy clients for hours (akshare #4901), so its host is
rate-limited hard.
"""

from __future__ import annotations

from metalwatch.sources.akshare_fetcher import AkshareFetcher


class ShenwanIndexFetcher(AkshareFetcher):
    """A Shenwan index (registry symbol ``801050`` = 有色金属)."""

    function = "index_hist_sw"
    ARGS = {"period": "day"}
    COLUMNS = {"日期": "date", "开盘": "open", "最高": "high", "最低": "low", "收盘": "close"}
