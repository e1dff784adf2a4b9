"""Yahoo Finance daily bars through yfinance.

``yf.Ticker(symbol).history(start, end, interval="1d", auto_adjust=False)`` calls
``query2.finance.yahoo.com/v8/finance/chart/{symbol}`` (after a cookie and crumb from
``fc.yahoo.com`` and ``query1…/v1/test/getcrumb``, and a one-day probe of the ticker's time
zone). Tickers used: ``GC=F``, ``SI=F`` (USD/troy oz), ``HG=F`` (USD/lb), ``DX-Y.NYB`` (index),
``CNY=X`` (CNY per USD), and equity proxies ``MP``, ``REMX`` (USD/share), ``LYC.AX`` (AUD/share).

yfinance keeps process-wide state (one session, cookie and crumb; module-level caches), so
calls are serialised by a lock, and its ``hide_exceptions`` switch is turned off for the
duration of a call so a timeout or a dropped connection surfaces as itself instead of a
logged "possibly delisted". Its in-process response cache is cleared before each attempt so a
cached error page is never replayed. Yahoo answers an outage with an HTML page, which parses
as a JSON error: with the ``requests`` backend the status is known and a 5xx is retried; with
``curl_cffi`` (no status visible) a non-JSON body is treated as transient.

Bars Yahoo sends with every value null (holidays) are kept (``keepna=True``) and counted as
missing values instead of vanishing uncounted. The currency Yahoo states for the ticker
(``meta.currency``; some contracts quote in US cents, ``USX``) must be the registered one,
else :class:`~metalwatch.errors.UnitScaleError`.

Equities: ``close`` is the unadjusted close and ``adj_close`` Yahoo's dividend-adjusted close,
kept apart; the adjusted history is requested whole each run because every dividend rewrites
it. Futures and FX: open, high, low, close and volume for the window only.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.errors import UnitScaleError
from metalwatch.sources.base import Fetched, Fetcher, Query
from metalwatch.sources.failures import (  # _HTTPStatus: the policy's internal status signal
    TransientError,
    _HTTPStatus,
)
from metalwatch.sources.request_guard import current_policy, last_status

_LOCK = threading.Lock()
COLUMNS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Volume": "volume"}


class YahooFetcher(Fetcher):
    """Daily bars of one Yahoo ticker (registry ``yfinance = "GC=F"``)."""

    key = "yfinance"
    fields = ("open", "high", "low", "close", "volume", "adj_close")
    raise_status = False  # yfinance reads statuses itself (fc.yahoo.com answers 404)
    host = "query2.finance.yahoo.com"
    timeout: float = 30.0

    def prepare(self) -> None:
        import yfinance  # noqa: F401

        # yfinance's import shows DeprecationWarnings raised from its own modules; pandas 3
        # raises one per call for yfinance's ``inplace=True``: harmless, and not ours to fix.
        warnings.filterwarnings(
            "ignore", message="The inplace keyword", category=DeprecationWarning, module="yfinance"
        )

    def fetch_raw(self, query: Query) -> Any:
        import yfinance as yf

        _name_dns_error(yf)
        equity = registry.get(query.instrument).kind == "equity"
        start = None if equity else f"{query.start:%Y-%m-%d}"
        end = f"{query.end + pd.Timedelta(days=1):%Y-%m-%d}"  # Yahoo's end is exclusive
        policy = current_policy()
        if policy is not None:  # the curl_cffi backend bypasses the requests guard
            policy.enter(self.host)
        with _LOCK:
            hide = yf.config.debug.hide_exceptions
            yf.config.debug.hide_exceptions = False
            _clear_response_cache(yf)
            try:
                tkr = yf.Ticker(query.symbol)
                kwargs: dict[str, Any] = {
                    "interval": "1d",
                    "auto_adjust": False,
                    "actions": False,
                    "keepna": True,  # all-null bars are counted, not dropped unseen
                    "timeout": self.timeout,
                }
                if start is None:
                    df = tkr.history(period="max", **kwargs)
                else:
                    df = tkr.history(start=start, end=end, **kwargs)
                meta = getattr(tkr, "history_metadata", None) or {}
                df.attrs["currency"] = str(meta.get("currency") or "")
                return df
            except ValueError as exc:  # JSONDecodeError: an outage page, or a broken body
                if "JSON" not in type(exc).__name__ and "Expecting value" not in str(exc):
                    raise
                status = last_status()
                if status is not None and status >= 400:
                    raise _HTTPStatus(status, "query2.finance.yahoo.com") from exc
                if status is None:
                    raise TransientError(f"Yahoo answered a non-JSON body ({exc})") from exc
                raise
            finally:
                yf.config.debug.hide_exceptions = hide

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query, "no price rows from Yahoo")
        self._check_currency(query, str(getattr(raw, "attrs", {}).get("currency") or ""))
        self.require(df, ["Open", "High", "Low", "Close"], query)
        idx = pd.DatetimeIndex(df.index)
        dates = idx.tz_localize(None) if idx.tz is not None else idx
        wide = pd.DataFrame({"date": dates.normalize()})
        for src, dst in COLUMNS.items():
            if src in df.columns:
                wide[dst] = df[src].to_numpy()
        equity = registry.get(query.instrument).kind == "equity"
        if equity:
            self.require(df, ["Adj Close"], query)
            wide["adj_close"] = df["Adj Close"].to_numpy()
        return wide

    def _check_currency(self, query: Query, quoted: str) -> None:
        """Refuse prices in another currency than registered (``USX``: US cents, ``GBp``)."""
        want = registry.get(query.instrument).currency
        if quoted and want and quoted != want:
            raise UnitScaleError(
                f"Yahoo quotes {query.symbol} in {quoted}, registered currency is {want}",
                series=query.instrument,
                source=self.label,
                field="close",
            )


def _name_dns_error(yf: Any) -> None:
    """Let yfinance's ``except requests.exceptions.DNSError`` work on plain ``requests``.

    yfinance names curl_cffi's ``DNSError`` when fetching its cookie from ``fc.yahoo.com``; on
    its ``requests`` fallback (no curl_cffi, or ``YF_DISABLE_CURL_CFFI``) the name is missing,
    so any failure there (a timeout, a blocked host) became an ``AttributeError`` instead of
    the "continue without the cookie" yfinance intends. A subclass nobody raises restores it.
    """
    backend = getattr(getattr(yf, "_http", None), "requests", None)
    exceptions = getattr(backend, "exceptions", None)
    if exceptions is not None and not hasattr(exceptions, "DNSError"):
        exceptions.DNSError = type("DNSError", (exceptions.ConnectionError,), {})


def _clear_response_cache(yf: Any) -> None:
    cached = getattr(getattr(yf, "data", None), "YfData", None)
    cache_get = getattr(cached, "cache_get", None)
    if cache_get is not None and hasattr(cache_get, "cache_clear"):
        cache_get.cache_clear()
