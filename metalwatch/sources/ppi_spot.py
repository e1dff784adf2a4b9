"""China spot prices and their basis from 100ppi (生意社 现期表) through akshare's
``futures_spot_price``.

One HTML page per trading day (``www.100ppi.com/sf/day-YYYY-MM-DD.html``) lists each
commodity's spot price with its nearest and dominant futures contracts and their settlement
prices; one request per day serves every metal of a run. Units as the page gives them: CNY/t,
gold CNY/g, silver CNY/kg. Stored: ``close`` = the spot price, ``basis`` = spot minus the
dominant contract's settlement (基差 as a Chinese desk quotes it, the page's 现期差; akshare's
own ``dom_basis`` has the opposite sign). The dominant contract of the latest day is noted.

akshare never raises here: a failed page (an HTTP error, a block, a parse error) is printed,
retried five times and answered with an **empty frame**, and so is a date outside its bundled
trading calendar (``futures/calendar.json``, which ends each December until akshare is
upgraded). So: only the calendar's trading days are asked; a weekday past the calendar's end
is a format error ("upgrade akshare"), never "no new rows"; an empty answer is a failure with
its cause, the request's own error when the guard saw one (so a 5xx is retried like any other),
else a :class:`~metalwatch.errors.SourceFormatError` naming the days that came back empty.

Registry symbol: akshare's code of the commodity (``CU``, ``AL``, ``ZN``, ``PB``, ``NI``, ``SN``,
``AU``, ``AG``, ``AO`` alumina, ``LC`` lithium carbonate).
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd

from metalwatch.sources.akshare_fetcher import AkshareFetcher, quiet_stdout
from metalwatch.sources.base import Fetched, Query
from metalwatch.sources.failures import _HTTPStatus
from metalwatch.sources.futures_calendar import closed_days
from metalwatch.sources.request_guard import last_failure, last_status

HOST = "www.100ppi.com"
#: Every commodity the registry reads from the page: one cached request per day serves all.
SYMBOLS = ("CU", "AL", "ZN", "PB", "NI", "SN", "AU", "AG", "AO", "LC")


class PpiSpotFetcher(AkshareFetcher):
    """Spot price and dominant-contract basis of one commodity (registry symbol ``CU`` …)."""

    function = "futures_spot_price"
    fields = ("close", "basis")
    default_history_days = 30

    def fetch_raw(self, query: Query) -> list[tuple[pd.Timestamp, pd.DataFrame]]:
        import akshare as ak

        pages: list[tuple[pd.Timestamp, pd.DataFrame]] = []
        for day in closed_days(self, query):
            ymd = f"{day:%Y%m%d}"
            ask = functools.partial(_ask, ak.futures_spot_price, ymd)
            pages.append((day, self.cache.get((self.function, ymd), ask, remember_errors=False)))
        return pages

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        empty = [day for day, page in raw if page is None or len(page) == 0]
        if empty:
            days = f"{empty[0]:%Y-%m-%d}" + (f"..{empty[-1]:%Y-%m-%d}" if len(empty) > 1 else "")
            raise self.format_error(
                query,
                f"akshare answered an empty frame for {days} ({len(empty)} of {len(raw)} "
                "trading days): 100ppi failed or had no table, not 'no new rows'",
            )
        rows, dominant = [], ""
        for day, page in raw:
            df = pd.DataFrame(page)
            self.require(df, ["symbol", "spot_price", "dominant_contract_price"], query)
            mine = df[df["symbol"].astype(str) == query.symbol]
            if mine.empty:
                out.drop(f"days whose 100ppi table has no {query.symbol} row", 1)
                continue
            row = mine.iloc[-1]
            spot = pd.to_numeric(row["spot_price"], errors="coerce")
            settle = pd.to_numeric(row["dominant_contract_price"], errors="coerce")
            rows.append({"date": day, "close": spot, "basis": round(spot - settle, 6)})
            dominant = str(row.get("dominant_contract", ""))
        if not rows:
            raise self.empty_payload(query, f"no {query.symbol} row on any day of the window")
        if dominant:
            out.notes.append(f"dominant contract {dominant} on {rows[-1]['date']:%Y-%m-%d}")
        return pd.DataFrame(rows)


def _ask(function: Any, ymd: str) -> pd.DataFrame:
    """One day's table; the request's own error when akshare swallowed it into an empty frame."""
    with quiet_stdout(f"{function.__name__} {ymd}"):
        page = function(date=ymd, vars_list=list(SYMBOLS))
    if page is None or len(page) == 0:
        failure, status = last_failure(), last_status()
        if failure is not None:  # a connection error
            raise failure
        if status is not None and status >= 400:  # the guard's status error, swallowed
            url = f"https://{HOST}/sf/day-{ymd[:4]}-{ymd[4:6]}-{ymd[6:]}.html"
            raise _HTTPStatus(status, HOST, url=url)
        return pd.DataFrame()
    return pd.DataFrame(page)
