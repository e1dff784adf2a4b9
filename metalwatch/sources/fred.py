"""US rates from FRED's public CSV download (no API key).

One GET per series: ``https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10&cosd=YYYY-MM-DD
&coed=YYYY-MM-DD`` answers ``observation_date,DGS10`` then one ``date,value`` line per day
(older downloads name the first column ``DATE``). A day without a value is ``.`` or empty
(Treasury-market holidays): counted as a missing value, not stored. Units: percent.

Series (registry ``sources = { fred = "<id>" }``): DGS10 (10-year Treasury), DFII10 (10-year
TIPS real yield), DGS2 (2-year), T10YIE (10-year breakeven), DFF (effective fed funds). DFF is
published for every calendar day, weekends carrying Friday's rate forward: the weekend rows
are dropped (counted), as in the bundled history. An HTML page (a block, a moved endpoint) or
a header naming another series is a :class:`~metalwatch.errors.SourceFormatError`.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
#: Series published for every calendar day (weekend rows repeat Friday's value).
EVERY_DAY = frozenset({"DFF"})
DATE_COLUMNS = ("observation_date", "DATE")


class FredFetcher(Fetcher):
    """One FRED daily series as ``close`` (registry symbol: the FRED id, e.g. ``DGS10``)."""

    key = "fred"
    fields = ("close",)
    default_history_days = 730

    def fetch_raw(self, query: Query) -> str:
        import requests

        params = {
            "id": query.symbol,
            "cosd": f"{query.start:%Y-%m-%d}",
            "coed": f"{query.end:%Y-%m-%d}",
        }
        resp = requests.get(URL, params=params)
        return str(resp.text)

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        text = str(raw)
        head = text.lstrip()[:200].lower()
        if head.startswith("<") or "<html" in head:
            raise self.format_error(query, "FRED answered an HTML page, not the CSV download")
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        date_col = next((c for c in DATE_COLUMNS if c in df.columns), None)
        if date_col is None:
            raise self.format_error(
                query, f"no date column in the CSV (columns: {', '.join(map(str, df.columns))})"
            )
        self.require(df, [query.symbol], query)
        if df.empty:
            raise self.empty_payload(query, "no rows in FRED's CSV")
        wide = pd.DataFrame({"date": df[date_col], "close": df[query.symbol].str.strip()})
        wide["close"] = wide["close"].where(wide["close"] != ".", "")  # FRED's "no value"
        if query.symbol in EVERY_DAY:
            dates = pd.to_datetime(wide["date"], errors="coerce")
            weekend = (dates.dt.day_of_week >= 5).to_numpy()
            out.drop("weekend rows (Friday's rate carried forward)", int(weekend.sum()))
            wide = wide[~weekend]
        return wide
