"""SHFE daily warehouse receipts (仓单日报) through akshare's ``futures_shfe_warehouse_receipt``.

One request per trading day, shared by every metal within a run: from 2025-11-18 SHFE
publishes the report as HTML only (``www.shfe.com.cn/data/tradedata/future/stockdata/
dailystock_YYYYMMDD/ZH/all.html``; before, ``{date}dailystock.dat`` JSON, which akshare also
reads). akshare returns a dict of product (``铜``, ``铜(BC)``, ``铝``, ``锡``, ``锌``, ``镍``,
``铅`` …) -> a frame of VARNAME, REGNAME, WHABBRNAME, WRTWGHTS (on-warrant tonnes), WRTCHANGE
and ROWSTATUS (0 warehouse, 1 subtotal, 2 total). The adapter takes the product's total row
(ROWSTATUS 2), in tonnes; the product must be named exactly (``铜(BC)``, international
copper, is another product). A day with no report (a holiday: SHFE answers 404) is counted,
not an error; every day of the window without a report is a format change.

Registry symbol: the product as SHFE names it, e.g. ``futures_shfe_warehouse_receipt:铜``.
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query
from metalwatch.sources.failures import _HTTPStatus  # the policy's status signal


class ShfeWarehouseReceiptFetcher(AkshareFetcher):
    """Daily on-warrant stock of one SHFE product (registry symbol ``铜``, ``铝``, ``锡`` …)."""

    function = "futures_shfe_warehouse_receipt"
    fields = ("stock",)
    default_history_days = 60
    raise_status = False  # a holiday is a 404: read per day below

    def fetch_raw(self, query: Query) -> list[tuple[pd.Timestamp, Any]]:
        import akshare as ak
        import requests

        days = pd.bdate_range(query.start, query.end)
        reports: list[tuple[pd.Timestamp, Any]] = []
        for day in days:
            key = (self.function, f"{day:%Y%m%d}")
            ask = functools.partial(ak.futures_shfe_warehouse_receipt, date=f"{day:%Y%m%d}")
            try:
                reports.append((day, self.cache.get(key, ask, remember_errors=False)))
            except requests.HTTPError as exc:
                status = getattr(exc.response, "status_code", None)
                if status != 404:  # a 5xx is retried, another 4xx fails: the policy decides
                    url = str(getattr(exc.response, "url", "") or "")
                    raise _HTTPStatus(int(status or 0), "www.shfe.com.cn", url=url) from exc
                reports.append((day, None))
        return reports

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        rows = []
        for day, report in raw:
            if not report:
                out.drop("days with no report (holiday, or not published yet)", 1)
                continue
            table = report.get(query.symbol)
            if table is None:
                raise self.format_error(
                    query,
                    f"no product {query.symbol!r} in the report of {day:%Y-%m-%d} "
                    f"(products: {', '.join(map(str, report))})",
                )
            df = pd.DataFrame(table)
            self.require(df, ["WRTWGHTS", "ROWSTATUS"], query)
            total = df[df["ROWSTATUS"].astype(str).str.strip() == "2"]
            if total.empty:
                raise self.format_error(
                    query, f"no total row for {query.symbol!r} on {day:%Y-%m-%d}"
                )
            rows.append({"date": day, "stock": total["WRTWGHTS"].iloc[-1]})
        if not rows:
            raise self.empty_payload(query, "no daily warehouse report in the window")
        return pd.DataFrame(rows)
