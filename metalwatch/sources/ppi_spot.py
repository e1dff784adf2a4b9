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

import contextlib
import functools
import io
import logging
import threading
from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query
from metalwatch.sources.policy import _HTTPStatus, last_failure, last_status
from metalwatch.sources.session import session_closed

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
        from akshare.futures import cons

        calendar = set(cons.get_calendar())
        last = max(calendar)
        cal = registry.get(query.instrument).calendar
        pages: list[tuple[pd.Timestamp, pd.DataFrame]] = []
        for day in pd.bdate_range(query.start, query.end):
            ymd = f"{day:%Y%m%d}"
            if ymd > last:
                raise self.format_error(
                    query,
                    f"akshare's trading calendar ends {last}, so its {self.function} answers "
                    f"nothing for {day:%Y-%m-%d}: upgrade akshare",
                )
            if ymd not in calendar or not session_closed(cal, day, query.now):
                continue  # a holiday, or today's page not out yet
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


_QUIET = threading.Lock()
log = logging.getLogger(__name__)


def _ask(function: Any, ymd: str) -> pd.DataFrame:
    """One day's table; the request's own error when akshare swallowed it into an empty frame."""
    # akshare prints its retry messages to stdout: keep them out of the user's terminal (the
    # failure itself comes back through the guard below). One call at a time, so the swap of
    # sys.stdout is never interleaved between threads.
    with _QUIET, contextlib.redirect_stdout(io.StringIO()) as said:
        page = function(date=ymd, vars_list=list(SYMBOLS))
    if said.getvalue():
        log.debug("akshare %s %s printed: %s", function.__name__, ymd, said.getvalue().strip())
    if page is None or len(page) == 0:
        failure, status = last_failure(), last_status()
        if failure is not None:  # a connection error
            raise failure
        if status is not None and status >= 400:  # the guard's status error, swallowed
            url = f"https://{HOST}/sf/day-{ymd[:4]}-{ymd[4:6]}-{ymd[6:]}.html"
            raise _HTTPStatus(status, HOST, url=url)
        return pd.DataFrame()
    return pd.DataFrame(page)
