"""Replay helpers: payload files, endpoint patterns, a no-sleep policy and per-adapter cases.

Every case replays a payload through the real akshare / yfinance code: ``responses`` answers
at the HTTP adapter of ``requests`` (yfinance falls back to ``requests`` because the test
session sets ``YF_DISABLE_CURL_CFFI=1`` before importing it, here).

yfinance is imported at collection time on purpose: on import it puts a "default" filter for
its own DeprecationWarnings at the front of the warning filters; imported inside a test, that
filter would outrank pytest's and show pandas 3's ``inplace`` noise from yfinance.
"""

from __future__ import annotations

import os

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import json  # noqa: E402
import re  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import responses  # noqa: E402
import yfinance  # noqa: E402, F401
from responses import matchers  # noqa: E402

from metalwatch.sources.policy import Policy
from metalwatch.sources.rate_limit import RateLimiter  # noqa: E402

FIX = Path(__file__).resolve().parents[1] / "fixtures"
JSON = "application/json; charset=utf-8"
NOW = pd.Timestamp("2026-11-25 12:00", tz="UTC")

SINA_DOMESTIC = re.compile(
    r"https://stock2\.finance\.sina\.com\.cn/futures/api/jsonp\.php/.*"
    r"InnerFuturesNewService\.getDailyKLine\?.*"
)
SINA_FOREIGN = re.compile(
    r"https://stock2\.finance\.sina\.com\.cn/futures/api/jsonp\.php/.*"
    r"GlobalFuturesService\.getGlobalFuturesDailyKLine\?.*"
)
EM_KLINE = re.compile(r"https://push2his\.eastmoney\.com/api/qt/stock/kline/get\?.*")
EM_DATACENTER = re.compile(r"https://datacenter-web\.eastmoney\.com/api/data/v1/get\?.*")
EM_NEWS = re.compile(r"https://np-weblist\.eastmoney\.com/comm/web/getFastNewsList\?.*")
JIN10_LME = re.compile(r"https://cdn\.jin10\.com/data_center/reports/lme_stock\.json\?_=\d+")
JIN10_SHFE = re.compile(r"https://datacenter-api\.jin10\.com/reports/list\?.*")
SGE = "https://www.sge.com.cn/graph/Dailyhq"
SHENWAN = re.compile(r"https://www\.swsresearch\.com/institute-sw/api/index_publish/trend/\?.*")
KOMIS_PAGE = "https://www.komis.or.kr/Komis/RsrcPrice/MinorMetals"
KOMIS_CRITERIA = "https://www.komis.or.kr/Komis/RsrcPrice/ajax/getMnrlPriceCrtr"
KOMIS_PRICES = "https://www.komis.or.kr/Komis/RsrcPrice/ajax/getMnrlPrcByMnrkndUnqCd"


def body(rel: str) -> bytes:
    """A fixture file's bytes."""
    return (FIX / rel).read_bytes()


class FakeClock:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []
        self.backoffs: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def backoff(self, seconds: float) -> None:
        self.backoffs.append(seconds)
        self.t += seconds


def fast_policy(**kwargs: object) -> Policy:
    """A Policy whose backoff and rate-limit waits advance a fake clock (``.clock``)."""
    clock = FakeClock()
    pol = Policy(limiter=RateLimiter(clock=clock, sleep=clock.sleep), sleep=clock.backoff, **kwargs)
    pol.clock = clock  # type: ignore[attr-defined]
    return pol


# -- yahoo ------------------------------------------------------------------------------------
def yahoo_chart(
    rsps: responses.RequestsMock,
    ticker: str,
    *bodies: bytes | Exception,
    status: int = 200,
    gzip: bool = False,
) -> None:
    """Register Yahoo's cookie, crumb and chart endpoints for ``ticker``.

    Each of ``bodies`` answers one chart call in turn (the last one repeats).
    """
    rsps.add(responses.GET, "https://fc.yahoo.com", status=404)
    rsps.add(
        responses.GET,
        re.compile(r"https://query\d\.finance\.yahoo\.com/v1/test/getcrumb.*"),
        body="fixture-crumb",
    )
    pat = re.compile(
        r"https://query\d\.finance\.yahoo\.com/v8/finance/chart/" + re.escape(ticker) + r"\?.*"
    )
    for b in bodies:
        if isinstance(b, Exception):
            rsps.add(responses.GET, pat, body=b)
        elif isinstance(b, tuple):
            rsps.add(responses.GET, pat, status=b[0], body=b[1], content_type=JSON)
        else:
            headers = {"Content-Encoding": "gzip"} if gzip else {}
            rsps.add(responses.GET, pat, body=b, status=status, content_type=JSON, headers=headers)


def scale_json_numbers(raw: bytes, keys: set[str], factor: float) -> bytes:
    """Multiply the values of ``keys`` anywhere in a JSON body."""

    def walk(o: object) -> object:
        if isinstance(o, dict):
            return {k: (_times(v, factor) if k in keys else walk(v)) for k, v in o.items()}
        if isinstance(o, list):
            return [walk(v) for v in o]
        return o

    return json.dumps(walk(json.loads(raw)), ensure_ascii=False).encode()


def _times(v: object, factor: float) -> object:
    if isinstance(v, list):
        return [_times(x, factor) for x in v]
    if isinstance(v, str):
        try:
            return f"{float(v.replace(',', '')) * factor:.2f}"
        except ValueError:
            return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v * factor
    return v


def scale_sina(raw: bytes, keys: tuple[str, ...], factor: float) -> bytes:
    """Multiply fields of a Sina JSONP body."""
    text = raw.decode()
    head, rest = text.split("=(", 1)
    rows = json.loads(rest.rsplit(");", 1)[0])
    for row in rows:
        for k in keys:
            row[k] = str(float(row[k]) * factor)
    return f"{head}=({json.dumps(rows, separators=(',', ':'))});".encode()


def scale_em_klines(raw: bytes, positions: tuple[int, ...], factor: float) -> bytes:
    """Multiply comma-separated kline fields of an Eastmoney body."""
    data = json.loads(raw)
    out = []
    for line in data["data"]["klines"]:
        parts = line.split(",")
        for p in positions:
            parts[p] = f"{float(parts[p]) * factor:.4f}"
        out.append(",".join(parts))
    data["data"]["klines"] = out
    return json.dumps(data, ensure_ascii=False).encode()


# -- the per-adapter cases -------------------------------------------------------------------
@dataclass
class Case:
    """One adapter's replay scenario.

    ``register(rsps, main)`` registers every endpoint the adapter calls; ``main`` is a list of
    answers (bytes, an exception, or ``(status, bytes)``) for the endpoint the failure cases
    target, served in order.
    """

    name: str
    instrument: str
    symbol: str
    key: str
    function: str
    register: Callable[[responses.RequestsMock, list], None]
    normal: bytes
    empty: bytes
    malformed: bytes
    renamed: bytes | None
    renamed_col: str
    scaled: bytes
    expect: dict[tuple[str, str], float]
    start: str
    now: pd.Timestamp = NOW
    #: For the runner-level scale test: drop stored rows after this date first (a fallback
    #: source only extends a series, so its rows must be new to be checked).
    cutoff: str | None = None
    empty_is_error: bool = True
    calls_per_attempt: int = 1
    extra: dict = field(default_factory=dict)


def _add(
    rsps: responses.RequestsMock,
    method: str,
    url: object,
    answers: list,
    content_type: str = JSON,
    match: list | None = None,
) -> None:
    for a in answers:
        kw = {"match": match} if match else {}
        if isinstance(a, Exception):
            rsps.add(method, url, body=a, **kw)
        elif isinstance(a, tuple):
            rsps.add(method, url, status=a[0], body=a[1], content_type=content_type, **kw)
        else:
            rsps.add(method, url, body=a, content_type=content_type, **kw)


def _simple(method: str, url: object, content_type: str = JSON) -> Callable:
    return lambda rsps, main: _add(rsps, method, url, main, content_type)


def _komis(el: str) -> Callable:
    def register(rsps: responses.RequestsMock, main: list) -> None:
        rsps.add(responses.GET, KOMIS_PAGE, body="<html>KOMIS</html>", content_type="text/html")
        rsps.add(
            responses.POST,
            KOMIS_CRITERIA,
            body=body(f"komis/{el}_criteria.json"),
            content_type=JSON,
        )
        _add(rsps, responses.POST, KOMIS_PRICES, main)

    return register


def _a_share(code: str) -> Callable:
    def register(rsps: responses.RequestsMock, main: list) -> None:
        _add(
            rsps,
            responses.GET,
            EM_KLINE,
            main,
            match=[matchers.query_param_matcher({"fqt": "1"}, strict_match=False)],
        )
        raw = [body(f"eastmoney/a_share_{code}_raw.json")]
        _add(
            rsps,
            responses.GET,
            EM_KLINE,
            raw,
            match=[matchers.query_param_matcher({"fqt": "0"}, strict_match=False)],
        )

    return register


def _date_is(day: str, want: bool = True) -> Callable:
    """A ``responses`` matcher on the ``date`` query parameter (or on its absence)."""

    def match(request: object) -> tuple[bool, str]:
        got = dict(getattr(request, "params", {}) or {}).get("date")
        ok = (got == day) == want
        return ok, "" if ok else f"date {got} {'!=' if want else '=='} {day}"

    return match


def _shfe_weekly(rsps: responses.RequestsMock, main: list) -> None:
    """The 2019-06-28 report answers ``main``; every other date has no report."""
    _add(rsps, responses.GET, JIN10_SHFE, main, match=[_date_is("2019-06-28")])
    rsps.add(
        responses.GET,
        JIN10_SHFE,
        body=body("jin10_shfe_weekly/empty.json"),
        content_type=JSON,
        match=[_date_is("2019-06-28", want=False)],
    )


def _behind_failing_yahoo(ticker: str, register: Callable) -> Callable:
    """Register ``register``'s endpoints behind a Yahoo that answers 500 (the primary)."""

    def both(rsps: responses.RequestsMock, main: list) -> None:
        yahoo_chart(rsps, ticker, (500, b"<html>down</html>"))
        register(rsps, main)

    return both


def _sina_rename(raw: bytes, old: str, new: str) -> bytes:
    return raw.replace(f'"{old}":'.encode(), f'"{new}":'.encode())


def _json_rename(raw: bytes, old: str, new: str) -> bytes:
    return raw.replace(f'"{old}"'.encode(), f'"{new}"'.encode())


def cases() -> list[Case]:
    """Every adapter's case (built fresh: bodies are bytes read from tests/fixtures)."""
    cu = body("sina_kline/CU0.jsonp")
    cad = body("sina_kline/CAD.jsonp")
    lme = body("jin10_lme_stock/lme_stock.excerpt_2026-03-02_to_2026-07-17.json")
    gold = body("eastmoney/comex_gold.json")
    sge = body("sge/Au99.99_2007-03-14.json")
    sw = body("shenwan/801050_2025-12-12.json")
    fx = body("eastmoney/kline_USDCNYC.json")
    dxy = body("eastmoney/kline_UDI.json")
    ash = body("eastmoney/a_share_600111_qfq.json")
    shfe = body("jin10_shfe_weekly/2019-06-28.json")
    nd = body("komis/Nd_prices.json")
    hg = body("yahoo_chart/constructed/HG=F.body.json")
    em_empty = b'{"rc":0,"data":{"code":"X","market":1,"name":"X","klines":[]}}'
    return [
        Case(
            "sina_shfe",
            "SHFE.CU",
            "CU0",
            "akshare",
            "futures_zh_daily_sina",
            _simple(responses.GET, SINA_DOMESTIC, "text/html"),
            cu,
            b"/*<script>*/\nvar _CU02021_4_12=([]);",
            b"var _CU0=(<html>blocked</html>);",
            None,
            "hold",
            scale_sina(cu, ("o", "h", "l", "c", "s"), 100),
            {
                ("close", "2025-12-12"): 94170,
                ("settle", "2025-12-12"): 93640,
                ("open_interest", "2025-12-01"): 232702,
            },
            "2025-12-01",
        ),
        Case(
            "sina_lme",
            "LME.CA.3M",
            "CAD",
            "akshare",
            "futures_foreign_hist",
            _simple(responses.GET, SINA_FOREIGN, "text/html"),
            cad,
            b"/*<script>*/\nvar _S2026_11_25=([]);",
            b"var _S=(<html>blocked</html>);",
            _sina_rename(cad, "close", "c"),
            "close",
            scale_sina(cad, ("open", "high", "low", "close"), 100),
            {("close", "2025-12-12"): 11800, ("close", "2025-12-08"): 11678},
            "2025-12-01",
        ),
        Case(
            "jin10_lme_stock",
            "LME.CA.STOCK",
            "铜",
            "akshare",
            "macro_euro_lme_stock",
            _simple(responses.GET, JIN10_LME),
            lme,
            b'{"products":[],"keys":[{"name":"\\u5e93\\u5b58"}],"values":{}}',
            lme[:4000],
            _json_rename(lme, "库存", "总库存"),
            "铜-库存",
            scale_json_numbers(lme, {"铜"}, 100),
            {("stock", "2026-07-17"): 296625, ("registered", "2026-07-17"): 130775},
            "2026-03-02",
        ),
        Case(
            "comex_inventory",
            "COMEX.GC.STOCK",
            "黄金",
            "akshare",
            "futures_comex_inventory",
            _simple(responses.GET, EM_DATACENTER),
            gold,
            b'{"result":{"pages":1,"count":0,"data":[]},"success":true,"code":0}',
            b'{"result": {"pages": 1, "data": [',
            _json_rename(gold, "STORAGE_OUNCE", "OUNCES"),
            "COMEX黄金库存量-盎司",
            scale_json_numbers(gold, {"STORAGE_OUNCE", "STORAGE_TON"}, 100),
            {("stock", "2026-04-27"): 29187645.904, ("stock", "2026-01-05"): 36403451.805},
            "2026-01-01",
            calls_per_attempt=2,
        ),
        Case(
            "sge",
            "SGE.AU9999",
            "Au99.99",
            "akshare",
            "spot_hist_sge",
            _simple(responses.POST, SGE),
            sge,
            b'{"time":[]}',
            b"<html>busy</html>",
            None,
            "close",
            scale_json_numbers(sge, {"time"}, 100),
            {("close", "2007-03-14"): 160.28, ("open", "2007-03-14"): 162.10},
            "2007-03-01",
        ),
        Case(
            "shenwan",
            "SW.801050",
            "801050",
            "akshare",
            "index_hist_sw",
            _simple(responses.GET, SHENWAN),
            sw,
            b'{"code":200,"data":[]}',
            b"{oops",
            _json_rename(sw, "closeindex", "close_index"),
            "收盘",
            scale_json_numbers(sw, {"closeindex"}, 100),
            {("close", "2025-12-12"): 8593.4},
            "2025-12-01",
        ),
        Case(
            "eastmoney_fx",
            "FX.USDCNY",
            "USDCNYC",
            "akshare",
            "forex_hist_em",
            _behind_failing_yahoo("CNY=X", _simple(responses.GET, EM_KLINE)),
            fx,
            em_empty,
            b"{not json",
            None,
            "最新价",
            scale_em_klines(fx, (1, 2, 3, 4), 100),
            {("close", "2025-12-12"): 7.0579, ("close", "2025-12-08"): 7.0696},
            "2025-12-01",
            cutoff="2025-12-05",
        ),
        Case(
            "eastmoney_dxy",
            "ICE.DXY",
            "美元指数",
            "akshare",
            "index_global_hist_em",
            _behind_failing_yahoo("DX-Y.NYB", _simple(responses.GET, EM_KLINE)),
            dxy,
            em_empty,
            b"{not json",
            None,
            "最新价",
            scale_em_klines(dxy, (1, 2, 3, 4), 100),
            {("close", "2025-12-12"): 98.40, ("close", "2025-12-09"): 99.22},
            "2025-12-01",
            cutoff="2025-12-05",
        ),
        Case(
            "a_shares",
            "SSE.600111",
            "600111",
            "akshare",
            "stock_zh_a_hist",
            _a_share("600111"),
            ash,
            em_empty,
            b"{not json",
            None,
            "收盘",
            scale_em_klines(ash, (1, 2, 3, 4), 100),
            {
                ("adj_close", "2025-12-12"): 46.59,
                ("adj_close", "2025-12-05"): 47.33,
                ("close", "2025-05-23"): 23.21,
            },
            "2025-05-16",
            empty_is_error=False,
            calls_per_attempt=2,
        ),
        Case(
            "shfe_weekly",
            "SHFE.SN.STOCK",
            "锡",
            "akshare",
            "futures_stock_shfe_js",
            _shfe_weekly,
            shfe,
            body("jin10_shfe_weekly/empty.json"),
            b"{oops",
            _json_rename(shfe, "商品", "品种"),
            "商品",
            shfe.replace(b'"\xe9\x94\xa1",7800', b'"\xe9\x94\xa1",780000'),
            {("stock", "2019-06-28"): 7800},
            "2019-06-24",
            now=pd.Timestamp("2019-06-29 12:00", tz="UTC"),
        ),
        Case(
            "komis",
            "KOMIS.ND",
            "MNRL1001:757",
            "komis",
            "",
            _komis("Nd"),
            nd,
            b'{"dataAvg":{"INFO":{"weigUnitCd":"kg","prcUnitCdNm":"USD"}},'
            b'"data":{"defaultMnrl":[]}}',
            b"<html>maintenance</html>",
            _json_rename(nd, "cmercPrc", "price"),
            "cmercPrc",
            scale_json_numbers(nd, {"cmercPrc"}, 100),
            {("close", "2025-12-12"): 96.74, ("close", "2025-12-08"): 96.70},
            "2025-12-01",
        ),
        Case(
            "yahoo",
            "COMEX.HG",
            "HG=F",
            "yfinance",
            "",
            lambda rsps, main: yahoo_chart(rsps, "HG=F", *main),
            hg,
            b'{"chart":{"result":null,"error":{"code":"Not Found",'
            b'"description":"No data found, symbol may be delisted"}}}',
            b"<html>Will be right back</html>",
            _json_rename(hg, "close", "closing"),
            "close",
            scale_json_numbers(hg, {"open", "high", "low", "close", "adjclose"}, 100),
            {
                ("close", "2025-12-12"): 5.2835001945495605,
                ("close", "2025-12-08"): 5.364500045776367,
            },
            "2025-12-01",
        ),
    ]


# -- every source at once (end-to-end) -------------------------------------------------------
#: Instruments with a replay payload for the week of 2025-12-12 (Shenwan: its one real datum,
#: that Friday's close). Left out: the SHFE weekly stocks (the one real report is from 2019),
#: SGE (2007) and MP (2020): their only real data are years old, and the weekly's 52-week
#: high/low cannot take a series whose last row is over a year before the week (reported);
#: each has its own replay and runner tests.
E2E_INSTRUMENTS = [
    "COMEX.GC",
    "COMEX.SI",
    "COMEX.HG",
    "SHFE.CU",
    "SHFE.AL",
    "SHFE.SN",
    "SHFE.AU",
    "SHFE.AG",
    "LME.CA.3M",
    "LME.AH.3M",
    "LME.SN.3M",
    "LME.CA.STOCK",
    "LME.AH.STOCK",
    "LME.SN.STOCK",
    "COMEX.GC.STOCK",
    "COMEX.SI.STOCK",
    "KOMIS.ND",
    "KOMIS.CE",
    "FX.USDCNY",
    "ICE.DXY",
    "SW.801050",
    "SSE.601899",
    "SSE.600362",
    "SSE.603993",
    "SSE.600111",
    "SSE.601600",
    "SZSE.000960",
    "SSE.600547",
]


def _param(name: str, value: str) -> list:
    return [matchers.query_param_matcher({name: value}, strict_match=False)]


def register_everything(rsps: responses.RequestsMock) -> None:
    """Answer every endpoint the E2E instruments (and the news feed) call."""
    for sym in ("CU0", "AL0", "SN0", "AU0", "AG0"):
        rsps.add(
            responses.GET,
            SINA_DOMESTIC,
            body=body(f"sina_kline/{sym}.jsonp"),
            content_type="text/html",
            match=_param("symbol", sym),
        )
    for sym in ("CAD", "AHD", "SND", "GC", "SI", "HG"):
        rsps.add(
            responses.GET,
            SINA_FOREIGN,
            body=body(f"sina_kline/{sym}.jsonp"),
            content_type="text/html",
            match=_param("symbol", sym),
        )
    for t in ("GC=F", "SI=F", "HG=F", "DX-Y.NYB", "CNY=X", "MP"):
        yahoo_chart(rsps, t, body(f"yahoo_chart/constructed/{t}.body.json"))
    rsps.add(
        responses.GET,
        JIN10_LME,
        body=body("jin10_lme_stock/lme_stock.excerpt_2026-03-02_to_2026-07-17.json"),
        content_type=JSON,
    )
    for ind, metal in (("EMI00069026", "gold"), ("EMI00069027", "silver")):
        flt = f'(INDICATOR_ID1="{ind}")(@STORAGE_TON<>"NULL")'
        rsps.add(
            responses.GET,
            EM_DATACENTER,
            body=body(f"eastmoney/comex_{metal}.json"),
            content_type=JSON,
            match=_param("filter", flt),
        )
    for code in ("601899", "600362", "603993", "600111", "601600", "000960", "600547"):
        secid = f"{1 if code.startswith('6') else 0}.{code}"
        for fqt, kind in (("0", "raw"), ("1", "qfq")):
            rsps.add(
                responses.GET,
                EM_KLINE,
                body=body(f"eastmoney/a_share_{code}_{kind}.json"),
                content_type=JSON,
                match=[
                    matchers.query_param_matcher({"secid": secid, "fqt": fqt}, strict_match=False)
                ],
            )
    rsps.add(responses.POST, SGE, body=body("sge/Au99.99_2007-03-14.json"), content_type=JSON)
    rsps.add(responses.GET, SHENWAN, body=body("shenwan/801050_2025-12-12.json"), content_type=JSON)
    rsps.add(responses.GET, KOMIS_PAGE, body="<html>KOMIS</html>", content_type="text/html")
    for el, code in (("Nd", "MNRL1001"), ("Ce", "MNRL1002")):
        rsps.add(
            responses.POST,
            KOMIS_CRITERIA,
            body=body(f"komis/{el}_criteria.json"),
            content_type=JSON,
            match=[matchers.urlencoded_params_matcher({"mnrkndUnqCd": code}, strict_match=False)],
        )
        rsps.add(
            responses.POST,
            KOMIS_PRICES,
            body=body(f"komis/{el}_prices.json"),
            content_type=JSON,
            match=[
                matchers.urlencoded_params_matcher({"srchMnrkndUnqCd": code}, strict_match=False)
            ],
        )
    rsps.add(responses.GET, EM_NEWS, body=body("eastmoney/news_7x24.json"), content_type=JSON)
