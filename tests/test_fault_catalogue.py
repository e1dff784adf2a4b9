"""The fault catalogue: named upstream failures, each driven through ``metalwatch update``.

Every scenario replays a damaged answer (derived from the real or constructed payloads in
tests/fixtures) through the real akshare / yfinance code, runs the real CLI
(``metalwatch --store S update IDS``) on a copy of the seeded store cut after Friday
2025-12-05, and checks three things:

1. the outcome: a typed error from :mod:`metalwatch.errors` (exit 1), or the series updated
   with the damaged value left out and counted in the summary (a flagged value, exit 0);
2. the store: for an error, every row of the series is as before (and no revision); for a
   flag, what landed passes the canonical validation and the damaged value is not there;
3. the report model of the week ending 2025-12-12 (``build_weekly``): a failed series is
   listed as stale with ``update failed: <the fetch_log message>``, a flagged one is not.

Charts are left out of the per-scenario report models (a model takes ~2 s without them); one
PDF, built after a run where several sources fail at once, checks the rendered marks.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from metalwatch import frame, registry
from metalwatch.cli import main
from metalwatch.errors import (
    RateLimitedError,
    SchemaError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
    UnitScaleError,
)
from metalwatch.reporting import WeeklyReport, build_weekly
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.sources.host_breaker import HostUnreachableError
from metalwatch.store import Store
from metalwatch.store.week import read_week
from tests.faults import payloads as P
from tests.faults.harness import (
    CUT,
    NOW,
    WEEK,
    Run,
    cli_update,
    cut_store,
    last_fetch,
    revisions,
    rows,
)
from tests.sources import replay as R

LME_NOW = pd.Timestamp("2026-07-18 12:00", tz="UTC")  # the Jin10 excerpt ends 2026-07-17
CU, AL, SN, AG, AU = (R.body(f"sina_kline/{s}0.jsonp") for s in ("CU", "AL", "SN", "AG", "AU"))
CAD, AHD, SND = (R.body(f"sina_kline/{s}.jsonp") for s in ("CAD", "AHD", "SND"))
GC, SI, HG = (R.body(f"yahoo_chart/constructed/{t}=F.body.json") for t in ("GC", "SI", "HG"))
LME = R.body("jin10_lme_stock/lme_stock.excerpt_2026-03-02_to_2026-07-17.json")
ND, CE = R.body("komis/Nd_prices.json"), R.body("komis/Ce_prices.json")
HTML = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


# -- answers -----------------------------------------------------------------------------------
def sina(raw: bytes | Exception | tuple, foreign: bool = False) -> Callable:
    url = R.SINA_FOREIGN if foreign else R.SINA_DOMESTIC
    return lambda rsps: R._add(rsps, responses.GET, url, [raw], "text/html")


def yahoo(ticker: str, *answers: bytes | tuple) -> Callable:
    return lambda rsps: R.yahoo_chart(rsps, ticker, *answers)


def jin10(raw: bytes) -> Callable:
    return lambda rsps: rsps.add(responses.GET, R.JIN10_LME, body=raw, content_type=R.JSON)


def komis(el: str, prices: bytes | tuple, criteria: bytes | None = None) -> Callable:
    code = {"Nd": "MNRL1001", "Ce": "MNRL1002"}[el]

    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(responses.GET, R.KOMIS_PAGE, body="<html>KOMIS</html>", content_type="text/html")
        only = [matchers.urlencoded_params_matcher({"mnrkndUnqCd": code}, strict_match=False)]
        rsps.add(
            responses.POST,
            R.KOMIS_CRITERIA,
            match=only,
            content_type=R.JSON,
            body=criteria or R.body(f"komis/{el}_criteria.json"),
        )
        R._add(rsps, responses.POST, R.KOMIS_PRICES, [prices])

    return register


def eastmoney(answer: bytes | tuple, headers: dict | None = None) -> Callable:
    def register(rsps: responses.RequestsMock) -> None:
        if isinstance(answer, tuple):
            rsps.add(
                responses.GET, R.EM_KLINE, status=answer[0], body=answer[1], headers=headers or {}
            )
        else:
            rsps.add(responses.GET, R.EM_KLINE, body=answer, content_type=R.JSON)

    return register


def tencent_limited(headers: dict) -> Callable:
    """The Tencent fallback of the A-shares rate-limits too (429 with ``headers``)."""

    def register(rsps: responses.RequestsMock) -> None:
        for host in ("web.ifzq.gtimg.cn", "proxy.finance.qq.com"):
            rsps.add(
                responses.GET,
                re.compile(rf"https://{re.escape(host)}/.*"),
                status=429,
                body=b"Too Many Requests",
                headers=headers,
            )

    return register


def a_share(code: str, qfq: bytes, raw: bytes | None = None) -> Callable:
    def register(rsps: responses.RequestsMock) -> None:
        for fqt, answer in (("1", qfq), ("0", raw or R.body(f"eastmoney/a_share_{code}_raw.json"))):
            rsps.add(
                responses.GET,
                R.EM_KLINE,
                body=answer,
                content_type=R.JSON,
                match=[matchers.query_param_matcher({"fqt": fqt}, strict_match=False)],
            )

    return register


def yahoo_without_cookie(ticker: str, raw: bytes) -> Callable:
    """fc.yahoo.com unreachable (blocked, say); the crumb and chart endpoints answer."""

    def register(rsps: responses.RequestsMock) -> None:
        rsps.add(
            responses.GET,
            "https://fc.yahoo.com",
            body=requests.exceptions.ConnectionError("fc.yahoo.com unreachable"),
        )
        R.yahoo_chart(rsps, ticker, raw)  # its fc.yahoo.com answer comes second: never used

    return register


def both(*registers: Callable) -> Callable:
    def register(rsps: responses.RequestsMock) -> None:
        for reg in registers:
            reg(rsps)

    return register


# -- payload damage ----------------------------------------------------------------------------
def drop_after(raw: bytes, day: str) -> bytes:
    return P.sina_edit(raw, lambda rs: [r for r in rs if r.get("d", r.get("date")) <= day])


def shift_sina(raw: bytes, days: int) -> bytes:
    def edit(rs: list[dict]) -> None:
        for r in rs:
            r["d"] = f"{pd.Timestamp(r['d']) + pd.Timedelta(days=days):%Y-%m-%d}"

    return P.sina_edit(raw, edit)


def repeat_bar(raw: bytes, day: str, **changes: str) -> bytes:
    def edit(rs: list[dict]) -> list[dict]:
        i = next(n for n, r in enumerate(rs) if r["d"] == day)
        return [*rs[: i + 1], {**rs[i], **changes}, *rs[i + 1 :]]

    return P.sina_edit(raw, edit)


def every_close(raw: bytes, fmt: Callable[[str], str]) -> bytes:
    return P.sina_edit(raw, lambda rs: [{**r, "close": fmt(r["close"])} for r in rs])


def without_key(raw: bytes, key: str) -> bytes:
    return P.sina_edit(raw, lambda rs: [{k: v for k, v in r.items() if k != key} for r in rs])


def jin10_cell(day: str, metal: str, value: object) -> bytes:
    def edit(doc: dict) -> None:
        if value is None:
            del doc["values"][day][metal]
        else:
            doc["values"][day][metal] = value

    return P.jin10_lme_edit(LME, edit)


def jin10_null(day: str, metal: str) -> bytes:
    """The body with a JSON ``null`` for a whole metal's cell on ``day``."""

    def edit(doc: dict) -> None:
        doc["values"][day][metal] = None

    return P.jin10_lme_edit(LME, edit)


def no_dns(host: str) -> requests.exceptions.ConnectionError:
    """What requests raises when ``host`` does not resolve (urllib3 2: NameResolutionError)."""
    import socket

    import urllib3

    gai = socket.gaierror(-3, "Temporary failure in name resolution")
    inner = urllib3.exceptions.NameResolutionError(host, None, gai)  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", inner))  # type: ignore[arg-type]


def refused() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))


def komis_page(answer: Exception) -> Callable:
    return lambda rsps: rsps.add(responses.GET, R.KOMIS_PAGE, body=answer)


def komis_reissued(el: str, product: str) -> bytes:
    doc = json.loads(R.body(f"komis/{el}_criteria.json"))
    doc["data"][0]["cdVal"] = product
    return json.dumps(doc, ensure_ascii=False).encode()


def yahoo_currency(raw: bytes, currency: str) -> bytes:
    return raw.replace(b'"currency":"USD"', f'"currency":"{currency}"'.encode(), 1)


def komis_unit(raw: bytes, unit: str) -> bytes:
    return P.komis_edit(raw, lambda d: d["dataAvg"]["INFO"].update(weigUnitCd=unit))


def komis_criteria_without(el: str, key: str) -> bytes:
    doc = json.loads(R.body(f"komis/{el}_criteria.json"))
    doc["data"] = [o for o in doc["data"] if str(o.get("cdKey")) != key]
    return json.dumps(doc, ensure_ascii=False).encode()


def kline_close(raw: bytes, day: str, value: str) -> bytes:
    def edit(lines: list[list[str]]) -> None:
        next(p for p in lines if p[0] == day)[2] = value

    return P.em_klines_edit(raw, edit)


EM_EMPTY = b'{"rc":0,"data":{"code":"000960","market":0,"name":"X","klines":[]}}'
MARKER = Path("/tmp/metalwatch-fault-catalogue-payload-ran")
EVIL = f"__import__('pathlib').Path({str(MARKER)!r}).touch() or [1, 2, 3]"


# -- checks on what a flagged scenario stored ----------------------------------------------------
def value(df: pd.DataFrame, field: str, day: str) -> float | None:
    hit = df[(df["field"] == field) & (df["date"] == pd.Timestamp(day))]
    return None if hit.empty else float(hit["value"].iloc[0])


@dataclass
class Seen:
    """What a scenario left behind, for its own checks."""

    run: Run
    store: Path
    before: pd.DataFrame
    after: pd.DataFrame
    model: object


def lacks(field: str, day: str, *, has: tuple[str, ...] = ()) -> Callable[[Seen], None]:
    """The damaged value of ``field`` on ``day`` is not stored; ``has`` fields of it are."""

    def check(s: Seen) -> None:
        assert value(s.after, field, day) is None
        for other in has:
            assert value(s.after, other, day) is not None, other
        assert value(s.after, field, "2025-12-12") is not None

    return check


def stored_through(day: str, field: str = "close") -> Callable[[Seen], None]:
    def check(s: Seen) -> None:
        assert s.after.loc[s.after["field"] == field, "date"].max() == pd.Timestamp(day)

    return check


def duplicate_kept(field: str, day: str, want: float) -> Callable[[Seen], None]:
    def check(s: Seen) -> None:
        hit = s.after[(s.after["field"] == field) & (s.after["date"] == pd.Timestamp(day))]
        assert len(hit) == 1 and hit["value"].iloc[0] == want

    return check


def fell_back(s: Seen) -> None:
    new = s.after[s.after["date"] > pd.Timestamp(CUT)]
    assert set(new["source"]) == {"akshare:forex_hist_em"}
    old = s.before.set_index(["field", "date"])["value"]
    pd.testing.assert_series_equal(
        s.after.set_index(["field", "date"])["value"].loc[old.index], old
    )


def from_yahoo(s: Seen) -> None:
    assert set(s.after.loc[s.after["date"] > pd.Timestamp(CUT), "source"]) == {"yfinance"}


def nothing_new(s: Seen) -> None:
    pd.testing.assert_frame_equal(s.before, s.after)


def marked_stale_by_age(s: Seen) -> None:
    [item] = [m for m in s.model.status.stale if m.instrument == "LME.SN.3M"]
    assert item.as_of == CUT
    assert item.reason == "last observation 7 days before the week's end"


def policy_waited(backoffs: list[float]) -> Callable[[Seen], None]:
    def check(s: Seen) -> None:
        assert s.run.policy.clock.backoffs == backoffs

    return check


def retry_after(seconds: float, requests_made: int) -> Callable[[Seen], None]:
    def check(s: Seen) -> None:
        [out] = s.run.report.outcomes
        assert out.error.retry_after == seconds
        assert len([c for c in s.run.calls if "eastmoney" in c.request.url]) == requests_made

    return check


def fetched_once(s: Seen) -> None:
    assert len([c for c in s.run.calls if "jin10" in c.request.url]) == 1
    shared = [o.message for o in s.run.report.outcomes if "(payload shared)" in o.message]
    assert len(shared) == 2


def payload_not_run(s: Seen) -> None:
    assert not MARKER.exists(), "a string in the payload ran as code"


def listed_missing(s: Seen) -> None:
    assert "COMEX.GC.STOCK" in {m.instrument for m in s.model.status.missing}


def asked_once(host: str, *, offline: bool) -> Callable[[Seen], None]:
    """One request to ``host`` for every series of it, no backoff; "no network" said once."""

    def check(s: Seen) -> None:
        assert [c.request.url.split("/")[2] for c in s.run.calls] == [host]
        assert s.run.policy.clock.backoffs == []
        assert s.run.report.no_network is offline
        assert s.run.out.startswith("no network: ") is offline
        for line in s.run.out.splitlines():
            assert len(line) <= 80, line

    return check


def copper_gap(s: Seen) -> None:
    assert value(s.after, "stock", "2026-07-16") is None
    assert value(s.after, "stock", "2026-07-17") is not None


def aluminium_gap(s: Seen) -> None:
    assert value(s.after, "stock", "2026-07-17") is None
    assert value(s.after, "stock", "2026-07-16") == 281600


# -- the catalogue -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    """One scenario: what is replayed, and what must come of it.

    ``error`` is the typed error every series in ``ids`` must fail with (None: the series
    updates, and ``says`` is the note flagging what was left out). ``check`` adds checks on
    what was stored or reported.
    """

    name: str
    ids: tuple[str, ...]
    register: Callable
    error: type[Exception] | None
    says: str
    check: Callable[[Seen], None] | None = None
    now: pd.Timestamp = NOW
    #: A flagged series is current for the report week afterwards (the report does not mark it).
    current: bool = True


FAULTS = [
    # -- the network ------------------------------------------------------------------------
    Fault(
        "timeout",
        ("SHFE.CU",),
        sina(requests.exceptions.ReadTimeout("read timed out (replayed)")),
        SourceUnavailableError,
        "timed out (read timed out (replayed)) after 3 attempts",
        policy_waited([2.0, 4.0]),
    ),
    Fault(
        "connection_reset",
        ("LME.CA.3M",),
        sina(
            requests.exceptions.ConnectionError(
                ConnectionResetError(104, "Connection reset by peer")
            ),
            foreign=True,
        ),
        SourceUnavailableError,
        "connection failed ([Errno 104] Connection reset by peer) after 3 attempts",
    ),
    Fault(
        "rate_limited_429_retry_after",
        ("SSE.600111",),
        both(
            eastmoney((429, b"Too Many Requests"), {"Retry-After": "20"}),
            tencent_limited({"Retry-After": "20"}),
        ),
        RateLimitedError,
        "HTTP 429 from push2his.eastmoney.com after 3 attempts",
        retry_after(20.0, 3),
    ),
    Fault(
        "rate_limited_429_long_ban",
        ("SSE.601899",),
        both(
            eastmoney((429, b"Too Many Requests"), {"Retry-After": "3600"}),
            tencent_limited({"Retry-After": "3600"}),
        ),
        RateLimitedError,
        "akshare:stock_zh_a_hist SSE.601899: HTTP 429 from push2his.eastmoney.com",
        retry_after(3600.0, 1),
    ),
    Fault(
        "server_error_5xx",
        ("KOMIS.ND",),
        komis("Nd", (503, b"Service Unavailable")),
        SourceUnavailableError,
        "HTTP 503 from www.komis.or.kr after 3 attempts",
    ),
    Fault(
        "host_not_resolved",
        ("SHFE.CU", "SHFE.AL", "SHFE.SN"),
        sina(no_dns("stock2.finance.sina.com.cn")),
        HostUnreachableError,
        "cannot resolve stock2.finance.sina.com.cn",
        asked_once("stock2.finance.sina.com.cn", offline=True),
    ),
    Fault(
        "host_refuses_connection",
        ("KOMIS.ND", "KOMIS.CE"),
        komis_page(refused()),
        HostUnreachableError,
        "cannot reach www.komis.or.kr (connection refused)",
        asked_once("www.komis.or.kr", offline=False),
    ),
    # -- bodies that are not the payload ---------------------------------------------------------
    Fault(
        "empty_body",
        ("KOMIS.CE",),
        komis("Ce", b""),
        SourceUnavailableError,
        "KOMIS answered an empty body",
    ),
    Fault(
        "empty_body_json_api",
        ("LME.AH.STOCK",),
        jin10(b""),
        SourceFormatError,
        "body is not valid JSON",
        now=LME_NOW,
    ),
    Fault(
        "html_error_page",
        ("ICE.DXY",),
        both(yahoo("DX-Y.NYB", HTML), eastmoney(HTML)),
        SourceFormatError,
        "akshare:index_global_hist_em ICE.DXY: body is not valid JSON",
    ),
    Fault(
        "truncated_json",
        ("LME.CA.STOCK",),
        jin10(LME[:5000]),
        SourceFormatError,
        "body is not valid JSON (Expecting ',' delimiter",
        now=LME_NOW,
    ),
    Fault(
        "sina_blocked_page",
        ("SHFE.SN",),
        sina(b"var _SN0=(<html>blocked</html>);"),
        SourceFormatError,
        "akshare:futures_zh_daily_sina SHFE.SN: body is not valid JSON",
    ),
    Fault(
        "shared_payload_failure",
        ("LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"),
        jin10(HTML),
        SourceFormatError,
        "body is not valid JSON",
        fetched_once,
        now=LME_NOW,
    ),
    Fault(
        "yahoo_cookie_host_unreachable",
        ("COMEX.HG",),
        yahoo_without_cookie("HG=F", HG),
        None,
        "",
        from_yahoo,
    ),
    Fault(
        "primary_5xx_fallback_serves",
        ("FX.USDCNY",),
        both(yahoo("CNY=X", (503, HTML)), eastmoney(R.body("eastmoney/kline_USDCNYC.json"))),
        None,
        "fallback after: yfinance FX.USDCNY: HTTP 503",
        fell_back,
    ),
    # -- the schema ------------------------------------------------------------------------------
    Fault(
        "renamed_column",
        ("KOMIS.ND",),
        komis("Nd", R._json_rename(ND, "cmercPrc", "price")),
        SourceFormatError,
        "column 'cmercPrc' missing from the payload",
    ),
    Fault(
        "missing_column",
        ("LME.SN.3M",),
        sina(without_key(SND, "low"), foreign=True),
        SourceFormatError,
        "column 'low' missing from the payload",
    ),
    Fault(
        "wrong_dtype",
        ("LME.AH.3M",),
        sina(every_close(AHD, lambda c: f"{float(c):,.1f}"), foreign=True),
        SourceFormatError,
        "no close value in the window is a number (10 unreadable, e.g. '2,884.0')",
    ),
    Fault(
        "unreadable_value",
        ("LME.CA.3M",),
        sina(P.sina_set(CAD, "2025-12-10", close="11,630"), foreign=True),
        None,
        "1 unreadable close values",
        lacks("close", "2025-12-10", has=("open", "high")),
    ),
    Fault(
        "komis_criterion_withdrawn",
        ("KOMIS.CE",),
        komis("Ce", CE, komis_criteria_without("Ce", "802")),
        SourceFormatError,
        "price criterion 802 is no longer offered",
    ),
    Fault(
        "jin10_metal_absent_on_a_date",
        ("LME.AH.STOCK",),
        jin10(jin10_cell("2026-07-17", "铝", None)),
        None,
        "1 missing stock values; 1 missing registered values",
        aluminium_gap,
        now=LME_NOW,
        current=False,
    ),
    Fault(
        "jin10_metal_null",
        ("LME.CA.STOCK",),
        jin10(jin10_null("2026-07-16", "铜")),
        None,
        "1 missing stock values; 1 missing registered values",
        copper_gap,
        now=LME_NOW,
        current=False,
    ),
    Fault(
        "komis_criterion_reissued",
        ("KOMIS.ND",),
        komis("Nd", ND, komis_reissued("Nd", "Praseodymium Oxide")),
        SourceFormatError,
        "price criterion 757 is now product 'Praseodymium Oxide' (registered 'Neodymium Oxide')",
    ),
    Fault(
        "yahoo_quotes_in_cents",
        ("NYSE.MP",),
        yahoo("MP", yahoo_currency(R.body("yahoo_chart/constructed/MP.body.json"), "USX")),
        UnitScaleError,
        "Yahoo quotes MP in USX, registered currency is USD",
    ),
    Fault(
        "code_in_payload",
        ("LME.CA.STOCK",),
        jin10(jin10_cell("2026-07-16", "铝", EVIL)),
        SourceFormatError,
        "cannot read the payload: ValueError: malformed node",
        payload_not_run,
        now=LME_NOW,
    ),
    # -- the values ------------------------------------------------------------------------------
    Fault(
        "duplicated_dates",
        ("SHFE.AL",),
        sina(repeat_bar(AL, "2025-12-10")),
        None,
        "1 duplicate dates (last kept)",
        duplicate_kept("close", "2025-12-10", 21990),
    ),
    Fault(
        "duplicated_dates_revised",
        ("SHFE.AU",),
        sina(repeat_bar(AU, "2025-12-10", c="957.0")),
        None,
        "1 duplicate dates (last kept)",
        duplicate_kept("close", "2025-12-10", 957.0),
    ),
    Fault(
        "future_dates",
        ("SHFE.SN",),
        sina(repeat_bar(SN, "2025-12-12", d="2025-12-19")),
        None,
        "1 rows dated after the venue's today",
        stored_through("2025-12-12"),
    ),
    Fault(
        "nan_value",
        ("COMEX.GC",),
        yahoo("GC=F", P.yahoo_null(GC, "close", 7)),
        None,
        "1 missing close values",
        lacks("close", "2025-12-10", has=("open", "high", "low")),
    ),
    Fault(
        "zero_price",
        ("SHFE.AG",),
        sina(P.sina_set(AG, "2025-12-10", c="0")),
        SchemaError,
        "SHFE.AG close: non-positive value 0 on 2025-12-10",
    ),
    Fault(
        "negative_price",
        ("SSE.600362",),
        a_share(
            "600362",
            kline_close(R.body("eastmoney/a_share_600362_qfq.json"), "2025-12-10", "-11.95"),
        ),
        SchemaError,
        "SSE.600362 adj_close: non-positive value -11.95 on 2025-12-10",
    ),
    Fault(
        "unit_jump_100x",
        ("COMEX.HG",),
        yahoo("HG=F", P.yahoo_scale(HG, 100)),
        UnitScaleError,
        "is 100x the stored",
    ),
    Fault(
        "komis_unit_change",
        ("KOMIS.ND",),
        komis("Nd", komis_unit(ND, "t")),
        UnitScaleError,
        "KOMIS quotes USD/t, registered unit is USD/kg",
    ),
    Fault(
        "comex_stock_units_moved",
        ("COMEX.GC.STOCK",),
        lambda rsps: rsps.add(
            responses.GET,
            R.EM_DATACENTER,
            content_type=R.JSON,
            body=R.scale_json_numbers(R.body("eastmoney/comex_gold.json"), {"STORAGE_OUNCE"}, 1000),
        ),
        UnitScaleError,
        "ounce column / tonne column = 32,150,",
        listed_missing,
        now=LME_NOW,
    ),
    Fault(
        "stale_feed",
        ("LME.SN.3M",),
        sina(drop_after(SND, CUT), foreign=True),
        None,
        "the source's newest row is 2025-12-05 (8 days old)",
        marked_stale_by_age,
        current=False,
    ),
    Fault(
        "suspended_stock",
        ("SZSE.000960",),
        a_share("000960", EM_EMPTY, EM_EMPTY),
        None,
        "no unadjusted klines in the window (suspended?); no forward-adjusted klines",
        nothing_new,
    ),
    # -- dates and identity ----------------------------------------------------------------------
    Fault(
        "shifted_timestamps",
        ("COMEX.GC",),
        yahoo("GC=F", P.yahoo_shift(GC, -5 * 3600)),
        SourceFormatError,
        "dates look one day early",
    ),
    Fault(
        "dates_one_day_late",
        ("SHFE.CU",),
        sina(shift_sina(CU, 1)),
        SourceFormatError,
        "dates look one day late: 25 of 25 values match the stored ones of the day before",
    ),
    Fault(
        "swapped_high_low",
        ("COMEX.SI",),
        yahoo("SI=F", P.yahoo_swap(SI, "high", "low")),
        SourceFormatError,
        "10 of 10 bars break low <= high",
    ),
    Fault(
        "wrong_symbol",
        ("SHFE.CU",),
        sina(AL),
        SourceFormatError,
        "25 of 25 values on dates already stored differ from them by more than 5% (e.g. "
        "close 2025-12-01: 21,865, stored 89,280): a payload for another symbol?",
    ),
]


# -- the test ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cut_path(seeded_path, tmp_path_factory) -> Path:
    """The seeded store as of Friday 2025-12-05 (built once; each scenario copies it)."""
    return cut_store(seeded_path, tmp_path_factory.mktemp("faults") / "cut.sqlite")


@pytest.fixture(autouse=True)
def _yfinance_cache(tmp_path_factory) -> None:
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.getbasetemp() / "yf-faults"))


#: Cached ``_context`` results by (week, rows fingerprint): see :func:`report_model`.
_CONTEXTS: dict[tuple[pd.Timestamp, int], tuple[list[dict], dict[str, str]]] = {}


def report_model(store: Path, monkeypatch: pytest.MonkeyPatch) -> WeeklyReport:
    """The week's report model, as ``metalwatch report`` builds it, with two shortcuts for speed.

    Charts are not drawn (the PDF test draws them). The statistical context, a pure function
    of the week's rows, is computed once per distinct set of rows: a scenario that stores
    nothing shares it with every other such scenario.
    """
    import metalwatch.reporting.model as model

    real = getattr(model, "_context", None)

    def context(rows: pd.DataFrame, week: pd.Timestamp, skipped: dict[str, str]) -> list[dict]:
        assert real is not None
        cols = ["instrument", "field", "date", "value"]
        key = (week, int(pd.util.hash_pandas_object(rows[cols], index=False).sum()))
        if key not in _CONTEXTS:
            noted: dict[str, str] = {}
            _CONTEXTS[key] = (real(rows, week, noted), noted)
        facts, noted = _CONTEXTS[key]
        skipped.update(noted)
        return copy.deepcopy(facts)

    # the model's helpers move as the weekly grows: patch the ones this version has
    for name in ("_chart", "section_chart"):
        if hasattr(model, name):
            monkeypatch.setattr(model, name, lambda *a, **k: [])
    if real is not None:
        monkeypatch.setattr(model, "_context", context)
    with Store(store) as st:
        data = read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)
    return build_weekly(data, lang="en")


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault(fault: Fault, cut_path, tmp_path, monkeypatch, capsys) -> None:
    store = tmp_path / "store.sqlite"
    store.write_bytes(cut_path.read_bytes())
    MARKER.unlink(missing_ok=True)
    before = rows(store, fault.ids)
    run = cli_update(monkeypatch, capsys, store, fault.ids, fault.register, now=fault.now)
    after = rows(store, fault.ids)
    model = report_model(store, monkeypatch)
    stale = {m.instrument: m for m in model.status.stale}
    for iid in fault.ids:
        out, log = run.outcome(iid), last_fetch(store, iid)
        assert "\n" not in out.message and "Traceback" not in run.out + run.err
        if fault.error is not None:
            assert out.status == "failed" and type(out.error) is fault.error, out.message
            assert fault.says in out.message
            if isinstance(out.error, SourceError):  # every failed fetch names its series
                assert out.error.series == iid and out.error.source == out.source
            assert log["status"] == "failed" and log["message"] in out.message
            mine = before[before["instrument"] == iid]
            pd.testing.assert_frame_equal(mine, after[after["instrument"] == iid])
            assert revisions(store, iid).empty
            last = mine.loc[mine["field"] == registry.get(iid).field, "date"].max()
            if pd.notna(last):  # the report marks it, as of its last good row
                assert stale[iid].reason == f"update failed: {log['message']}"
                assert stale[iid].as_of == f"{last:%Y-%m-%d}"
        else:
            assert out.status == "ok" and out.error is None, out.message
            assert fault.says in out.message and log["status"] == "ok"
            frame.validate(after, today=fault.now.tz_localize(None))  # nothing bad landed
            if fault.current:
                assert iid not in stale, stale.get(iid)
    assert run.code == (1 if fault.error is not None else 0), run.out
    if fault.error is not None:
        assert run.err.strip().endswith("the store keeps their last good rows")
    if fault.check:
        fault.check(Seen(run, store, before, after, model))


def test_catalogue_size_and_names() -> None:
    names = [f.name for f in FAULTS]
    assert len(names) == len(set(names)) >= 20


def test_report_pdf_marks_failed_series(cut_path, tmp_path, monkeypatch, capsys) -> None:
    """Several sources fail in one run, one succeeds; the weekly PDF lists each failure."""
    from pypdf import PdfReader

    store = tmp_path / "store.sqlite"
    store.write_bytes(cut_path.read_bytes())
    faults = {f.name: f for f in FAULTS}
    picked = [
        faults[n]
        for n in ("unit_jump_100x", "swapped_high_low", "komis_unit_change", "html_error_page")
    ]

    def symbol(sym: str) -> list:
        return [matchers.query_param_matcher({"symbol": sym}, strict_match=False)]

    def register(rsps: responses.RequestsMock) -> None:
        for f in picked:
            f.register(rsps)
        rsps.add(
            responses.GET,
            R.SINA_DOMESTIC,
            match=symbol("CU0"),
            body=requests.exceptions.ReadTimeout("read timed out (replayed)"),
        )
        rsps.add(
            responses.GET, R.SINA_DOMESTIC, match=symbol("AL0"), body=AL, content_type="text/html"
        )
        rsps.add(
            responses.GET, R.SINA_FOREIGN, match=symbol("CAD"), body=AHD, content_type="text/html"
        )

    failing = ["SHFE.CU", "LME.CA.3M", *(i for f in picked for i in f.ids)]
    run = cli_update(monkeypatch, capsys, store, [*failing, "SHFE.AL"], register)
    assert run.code == 1 and {o.instrument for o in run.report.failed} == set(failing)
    pdf = tmp_path / "weekly.pdf"
    assert (
        main(["--store", str(store), "report", "--week", f"{WEEK:%Y-%m-%d}", "-o", str(pdf)]) == 0
    )
    text = " ".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for iid in failing:
        cause = " ".join(last_fetch(store, iid)["message"].split())[:50]
        assert f"({iid}): as of" in text and cause in text, (iid, cause)


# -- the checks behind some rows, on their edges -----------------------------------------------
def _batch(instrument: str, field: str, values: dict[str, float]) -> pd.DataFrame:
    inst = registry.get(instrument)
    return frame.coerce(
        pd.DataFrame(
            {
                "instrument": instrument,
                "field": field,
                "date": list(values),
                "value": list(values.values()),
                "unit": inst.unit,
                "currency": inst.currency,
                "source": "t",
            }
        )
    )


def test_overlap_check_lets_revisions_and_flat_series_through(cut_path) -> None:
    from metalwatch.ingest.checks import check_overlap

    with Store(cut_path) as st:
        old = st.read(["SHFE.CU"], fields=["close"], start="2025-12-01")
        closes = dict(zip(old["date"].dt.strftime("%Y-%m-%d"), old["value"], strict=True))
        revised = {**closes, "2025-12-03": closes["2025-12-03"] * 1.2}  # one big revision
        check_overlap(st, _batch("SHFE.CU", "close", revised))
        check_overlap(st, _batch("SHFE.CU", "close", {"2025-12-08": 1.0}))  # no overlap
        st.upsert(
            _batch(
                "KOMIS.ND",
                "close",
                dict.fromkeys(["2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04"], 96.7),
            )
        )
        flat = dict.fromkeys(["2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"], 96.7)
        check_overlap(st, _batch("KOMIS.ND", "close", flat))  # a flat quote is not "shifted"
        with pytest.raises(SourceFormatError, match="another symbol"):
            check_overlap(st, _batch("SHFE.CU", "close", {d: v / 4 for d, v in closes.items()}))


def test_bar_check_tolerates_a_few_bad_bars_in_a_long_history() -> None:
    from metalwatch.ingest.checks import check_bars

    days = pd.bdate_range("2024-01-01", periods=100).strftime("%Y-%m-%d")
    high = _batch("SHFE.CU", "high", dict.fromkeys(days, 10.0))
    low = _batch("SHFE.CU", "low", {d: (11.0 if n < 3 else 9.0) for n, d in enumerate(days)})
    check_bars(pd.concat([high, low], ignore_index=True))  # 3 % of bars: upstream noise
    with pytest.raises(SourceFormatError, match="SHFE.CU: 1 of 1 bars break low <= high"):
        check_bars(pd.concat([high.iloc[:1], low.iloc[:1]], ignore_index=True))
