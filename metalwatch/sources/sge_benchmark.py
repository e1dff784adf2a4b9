"""SGE benchmark prices, 上海金 and 上海银, through akshare's ``spot_golden_benchmark_sge`` and
``spot_silver_benchmark_sge``.

One form POST (``www.sge.com.cn/graph/DayilyJzj``; silver ``DayilyShsilverJzj``) returns the
whole history as ``{"wp": [[epoch ms, price]], "zp": [[epoch ms, price]]}``: ``zp`` the AM
benchmark (早盘价), ``wp`` the PM one (晚盘价). akshare dates the rows by ``wp`` and puts
``zp``'s prices beside them **by position**, so a day with only one of the two would shift
the AM column; a missing AM price is counted. The registered field is the PM benchmark
(``fix_pm``), the one to set against the LBMA PM fix. Gold in CNY per gram, silver in CNY per
kilogram.

akshare reads the epoch milliseconds as UTC. SGE trades on weekdays only, so a row dated on
a weekend means the timestamps were Beijing midnights read a day early: a format error, never
a silent one-day shift.

Registry symbol: SGE's contract name (``SHAU``, ``SHAG``), for the record only; the functions
take no argument.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query


class _SgeBenchmarkFetcher(AkshareFetcher):
    """The AM and PM benchmark of one SGE metal (see the module docstring)."""

    COLUMNS = {"交易时间": "date", "早盘价": "fix_am", "晚盘价": "fix_pm"}
    default_history_days = 60

    def fetch_raw(self, query: Query) -> Any:
        import akshare as ak

        return getattr(ak, self.function)()

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = self.select(self.payload(query, raw), query, out)
        dates = pd.to_datetime(df["date"], errors="coerce")
        weekend = df[(dates.dt.day_of_week >= 5).to_numpy()]
        if len(weekend):
            raise self.format_error(
                query,
                f"{len(weekend)} benchmark(s) dated on a weekend, e.g. "
                f"{pd.Timestamp(weekend['date'].iloc[-1]):%a %Y-%m-%d}: the timestamps are "
                "no longer UTC midnights (dates shifted a day?)",
            )
        return df


class SgeGoldBenchmarkFetcher(_SgeBenchmarkFetcher):
    """上海金 benchmark, CNY/g (registry symbol ``SHAU``)."""

    function = "spot_golden_benchmark_sge"


class SgeSilverBenchmarkFetcher(_SgeBenchmarkFetcher):
    """上海银 benchmark, CNY/kg (registry symbol ``SHAG``)."""

    function = "spot_silver_benchmark_sge"
