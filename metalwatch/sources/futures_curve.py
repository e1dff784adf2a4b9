"""Every listed contract's settlement, from the exchange, through akshare's ``get_futures_daily``.

One request per trading day and exchange, shared by every curve of that exchange within a run:

``SHFE``
    GET ``www.shfe.com.cn/data/tradedata/future/dailydata/kx{YYYYMMDD}.dat`` (JSON, key
    ``o_curinstrument``: one object per product and delivery month, plus 小计 rows); akshare
    keeps symbol (``CU2601``), date, open, high, low, close, volume, open_interest, turnover,
    settle, pre_settle and variety (``CU``).
``GFEX``
    POST ``www.gfex.com.cn/u/interfacesWebTiDayQuotes/loadList`` (JSON ``data``: one object per
    product and month, plus 小计/总计 rows), read into the same columns.

Stored per contract (id ``SHFE.CU.2601``, see :mod:`metalwatch.contracts`): ``settle``,
``volume`` and ``open_interest``, in the exchange's quote unit (CNY/t; gold CNY/g, silver
CNY/kg) and lots. A settlement of 0 or blank (a contract with no settlement) is counted, not
stored.

akshare asks only the days of its bundled trading calendar (``file_fold/calendar.json``, which
ends each December until akshare is upgraded): a weekday past its end is a format error
("upgrade akshare"), never "no new rows". Its SHFE reader wraps the request in
``requests_link``, which swallows every error and retries 20 times with 5 s sleeps; for the call
that one helper is replaced by a single request, so failures reach the run's policy (retries,
the host breaker) as for every other source. The rest is akshare's own code. A day SHFE answers
404 (not published) is counted.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
from collections.abc import Iterator
from typing import Any

import pandas as pd

from metalwatch import contracts
from metalwatch.sources.akshare_fetcher import AkshareFetcher, quiet_stdout
from metalwatch.sources.base import Fetched, Query, finish
from metalwatch.sources.failures import _HTTPStatus
from metalwatch.sources.futures_calendar import closed_days
from metalwatch.sources.request_guard import last_failure, last_status

#: Fields stored per contract: akshare column -> canonical field.
COLUMNS = {"settle": "settle", "volume": "volume", "open_interest": "open_interest"}
HOSTS = {"SHFE": "www.shfe.com.cn", "GFEX": "www.gfex.com.cn"}

#: One call at a time: ``_single_request`` swaps a function of akshare's module while it runs.
_ONE_AT_A_TIME = threading.Lock()


class FuturesCurveFetcher(AkshareFetcher):
    """Every contract of one curve (job id ``SHFE.CU.CURVE``, registry symbol ``CU``)."""

    function = "get_futures_daily"
    fields = tuple(COLUMNS.values())
    default_history_days = 10
    raise_status = False  # statuses are read per day below (a 404 is a day not published)

    def fetch_raw(self, query: Query) -> list[tuple[pd.Timestamp, pd.DataFrame | None]]:
        market = contracts.curve_of(query.instrument).market
        pages: list[tuple[pd.Timestamp, pd.DataFrame | None]] = []
        for day in closed_days(self, query):  # holidays and reports not out yet skipped
            ymd = f"{day:%Y%m%d}"
            ask = functools.partial(_ask, market, ymd)
            key = (self.function, market, ymd)
            pages.append((day, self.cache.get(key, ask, remember_errors=False)))
        return pages

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        curve = contracts.curve_of(query.instrument)
        parts = []
        for day, page in raw:
            if page is None or len(page) == 0:
                out.drop("days with no report (not published)", 1)
                continue
            df = pd.DataFrame(page)
            self.require(df, ["symbol", "variety", *COLUMNS], query)
            mine = df[df["variety"].astype(str).str.strip().str.upper() == curve.product]
            months = mine["symbol"].astype(str).str.strip().str.upper().str[len(curve.product) :]
            odd = ~months.str.fullmatch(r"\d{2}(0[1-9]|1[0-2])")
            out.drop("rows whose symbol names no delivery month", int(odd.sum()))
            mine, months = mine[~odd.to_numpy()], months[~odd.to_numpy()]
            part = mine[list(COLUMNS)].rename(columns=COLUMNS)
            part.insert(0, "contract", [contracts.contract_id(curve.root, m) for m in months])
            part.insert(0, "date", day)
            parts.append(part)
        if not raw:  # no trading day in the window
            return pd.DataFrame(columns=["date", "contract", *COLUMNS.values()])
        if not parts or all(p.empty for p in parts):
            raise self.empty_payload(query, f"no {curve.product} contract on any day of the window")
        wide = pd.concat(parts, ignore_index=True)
        settle = pd.to_numeric(wide["settle"], errors="coerce")
        unsettled = settle.isna() | (settle <= 0)
        out.drop("contract days with no settlement", int(unsettled.sum()))
        wide = wide[~unsettled.to_numpy()]
        if len(wide):
            newest = wide[wide["date"] == wide["date"].max()]["contract"]
            out.notes.append(
                f"{len(newest)} contracts on {wide['date'].max():%Y-%m-%d} "
                f"({newest.iloc[0].rsplit('.', 1)[1]}..{newest.iloc[-1].rsplit('.', 1)[1]})"
            )
        return wide

    def rows(self, query: Query, wide: pd.DataFrame, out: Fetched) -> pd.DataFrame:
        """One contract at a time through :func:`finish`, each under its own id."""
        frames = [
            finish(
                dataclasses.replace(query, instrument=str(cid)),
                part.drop(columns="contract"),
                out,
                self.label,
            )
            for cid, part in wide.groupby("contract", sort=True)
        ]
        return pd.concat(frames, ignore_index=True) if frames else super().rows(query, wide, out)


def _ask(market: str, ymd: str) -> pd.DataFrame | None:
    """One exchange's report of one day (None: not published), via akshare."""
    import akshare as ak

    with _ONE_AT_A_TIME, _single_request(), quiet_stdout(f"get_futures_daily {market} {ymd}"):
        page = ak.get_futures_daily(start_date=ymd, end_date=ymd, market=market)
    if page is None or len(page) == 0:
        failure = last_failure()
        if failure is not None:  # a connection error akshare swallowed (GFEX)
            raise failure
        status = last_status()
        if status is not None and status >= 400 and status != 404:  # GFEX's, swallowed
            raise _HTTPStatus(status, HOSTS[market], url=f"https://{HOSTS[market]}/")
        return None
    return pd.DataFrame(page)


@contextlib.contextmanager
def _single_request() -> Iterator[None]:
    """akshare's ``requests_link`` (20 blind retries, 5 s apart) as one request for the call."""
    from akshare.futures import futures_daily_bar

    original = futures_daily_bar.requests_link
    futures_daily_bar.requests_link = _request
    try:
        yield
    finally:
        futures_daily_bar.requests_link = original


def _request(
    url: str,
    encoding: str = "utf-8",
    method: str = "get",
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """``requests_link``'s signature, one request: a 404 is akshare's "no data that day"
    (``requests.HTTPError``); another 4xx/5xx is the policy's status error."""
    import requests

    call = requests.get if method == "get" else functools.partial(requests.post, data=data)
    r = call(url, timeout=20, headers=headers)
    r.encoding = encoding
    if r.status_code == 404:
        raise requests.HTTPError(f"404 for {url}", response=r)
    if r.status_code >= 400:
        host = HOSTS["SHFE"] if "shfe" in url else HOSTS["GFEX"]
        raise _HTTPStatus(r.status_code, host, url=url)
    return r
