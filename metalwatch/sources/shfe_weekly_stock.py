"""SHFE weekly warehouse stocks (期货库存周报) from Jin10 through akshare.

``futures_stock_shfe_js(date="YYYYMMDD")`` asks ``datacenter-api.jin10.com/reports/list``
(``category=stock``, header ``x-app-id``) for the report of one date: SHFE publishes it on the
last trading day of each week. akshare returns 商品, then two columns whose *names contain
dates* (this week's and last week's on-warrant stock, 期货总量), 增减 and 增减幅度 (%); the
adapter reads them by position and takes the report date from the column name when it holds
one. Units: tonnes, but 黄金 in kg and the row ``白银(千克)`` in kg; a row of ours labelled in
kilograms is rejected as a unit change. Rows are matched on the exact product name once a
bracketed *unit* is removed: ``铜(BC)`` (international copper) is another product.

One request per week: Friday first, then (for weeks already over) Thursday down to Monday for
holiday weeks. Weeks whose report is not out yet (or never came) are counted, not silently
skipped. Bodies are
shared by the three metals within a run.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pandas as pd

from metalwatch.errors import UnitScaleError
from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query

_DATE_IN_NAME = re.compile(r"(\d{4})[-/年]?(\d{2})[-/月]?(\d{2})")
#: A bracketed unit after a product name (``白银(千克)``): only units are stripped before
#: matching, so ``铜(BC)`` (international copper, another contract) never reads as ``铜``.
UNIT_SUFFIX = r"\s*[(（]\s*(?:吨|千克|公斤|kg|t)\s*[)）]\s*$"


class ShfeWeeklyStockFetcher(AkshareFetcher):
    """SHFE weekly on-warrant stock of one metal (registry symbol 铜, 铝 or 锡), tonnes.

    The columns are read by position (their names hold dates), so no column map is declared.
    """

    function = "futures_stock_shfe_js"
    fields = ("stock",)
    default_history_days = 182

    def fetch_raw(self, query: Query) -> list[tuple[pd.Timestamp, pd.DataFrame]]:
        import akshare as ak

        reports = []
        friday = query.end - pd.Timedelta(days=(query.end.day_of_week - 4) % 7)
        while friday >= query.start:
            # Friday, then Thursday ... Monday; not for this week's Friday (may come later today)
            for back in range(5 if friday < query.end else 1):
                day = friday - pd.Timedelta(days=back)
                if day > query.end or day < query.start:
                    continue
                key = (self.function, f"{day:%Y%m%d}")
                ask = functools.partial(ak.futures_stock_shfe_js, date=f"{day:%Y%m%d}")
                df = self.cache.get(key, ask, remember_errors=False)
                if not df.empty:
                    reports.append((day, df))
                    break
            else:
                reports.append((friday, pd.DataFrame()))
            friday -= pd.Timedelta(days=7)
        return reports

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        rows = []
        for day, df in raw:
            if df.empty:
                out.drop("weeks with no report (holiday, or not published yet)", 1)
                continue
            self.require(df, ["商品"], query)
            if df.shape[1] < 3 or not str(df.columns[1]).startswith("期货"):
                raise self.empty_payload(
                    query, f"unexpected columns {list(map(str, df.columns))} on {day:%Y-%m-%d}"
                )
            names = df["商品"].astype(str).str.strip().fillna("")  # pandas 3 keeps NaN
            base = names.str.replace(UNIT_SUFFIX, "", regex=True).str.strip()
            hit = df[base == query.symbol]
            if hit.empty:
                raise self.format_error(
                    query,
                    f"no row {query.symbol!r} in the report of {day:%Y-%m-%d} "
                    f"(rows: {', '.join(names)})",
                )
            label = names[base == query.symbol].iloc[0]
            if "千克" in label or "kg" in label.lower():
                raise UnitScaleError(
                    f"row {label!r} is in kilograms, registered unit is tonnes",
                    series=query.instrument,
                    source=self.label,
                    field="stock",
                )
            m = _DATE_IN_NAME.search(str(df.columns[1]))
            date = pd.Timestamp(f"{m[1]}-{m[2]}-{m[3]}") if m else day
            rows.append({"date": date, "stock": hit.iloc[0, 1]})
        if not rows:
            raise self.empty_payload(query, "no weekly report in the window")
        return pd.DataFrame(rows)
