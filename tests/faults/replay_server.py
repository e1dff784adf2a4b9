"""A replay server on 127.0.0.1 for whole ``metalwatch update`` runs in other processes.

:class:`ReplayServer` answers the endpoints of every instrument in
:data:`tests.sources.replay.E2E_INSTRUMENTS` (and the news feed) from tests/fixtures, the way
:func:`tests.sources.replay.register_everything` does with ``responses``, optionally after a
fixed delay per request, and logs each request it answers.

:func:`redirect` points a process's ``requests`` traffic at it: each outgoing
``https://host/path?query`` is sent as ``http://127.0.0.1:PORT/host/path?query`` at the
transport adapter, below metalwatch's network policy, so timeouts, retries and per-host rate
limits still see the real hosts. It also blocks every socket to a non-loopback address.
:data:`BOOTSTRAP` does both (and quiets yfinance) at the start of a child process.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIX = Path(__file__).resolve().parents[1] / "fixtures"
JSON = "application/json; charset=utf-8"
A_SHARES = {"601899", "600362", "603993", "600111", "601600", "000960", "600547"}
YAHOO = {"GC=F", "SI=F", "HG=F", "DX-Y.NYB", "CNY=X", "MP"}


def _body(rel: str) -> bytes:
    return (FIX / rel).read_bytes()


def route(method: str, host: str, path: str, query: dict, form: dict) -> tuple[int, str, bytes]:
    """(status, content type, body) for one request, as the fixtures answer it."""
    q = {k: v[-1] for k, v in query.items()}
    f = {k: v[-1] for k, v in form.items()}
    if host == "stock2.finance.sina.com.cn":
        sym = q.get("symbol", "")
        if path.endswith("InnerFuturesNewService.getDailyKLine") and sym.endswith("0"):
            return _file(f"sina_kline/{sym}.jsonp", "text/html")
        if path.endswith("GlobalFuturesService.getGlobalFuturesDailyKLine"):
            return _file(f"sina_kline/{sym}.jsonp", "text/html")
    if host == "fc.yahoo.com":
        return 404, "text/html", b"<html>not found</html>"
    if re.fullmatch(r"query\d\.finance\.yahoo\.com", host):
        if path.startswith("/v1/test/getcrumb"):
            return 200, "text/plain", b"fixture-crumb"
        m = re.fullmatch(r"/v8/finance/chart/(.+)", path)
        if m and m[1] in YAHOO:
            return _file(f"yahoo_chart/constructed/{m[1]}.body.json")
    if host == "cdn.jin10.com" and path == "/data_center/reports/lme_stock.json":
        return _file("jin10_lme_stock/lme_stock.excerpt_2026-03-02_to_2026-07-17.json")
    if host == "datacenter-api.jin10.com" and path == "/reports/list":
        day = q.get("date", "")
        return _file(f"jin10_shfe_weekly/{'2019-06-28' if day == '2019-06-28' else 'empty'}.json")
    if host == "datacenter-web.eastmoney.com":
        flt = q.get("filter", "")
        for ind, metal in (("EMI00069026", "gold"), ("EMI00069027", "silver")):
            if ind in flt:
                return _file(f"eastmoney/comex_{metal}.json")
    if host == "push2his.eastmoney.com":
        secid = q.get("secid", "")
        code = secid.partition(".")[2]
        if code in A_SHARES:
            return _file(f"eastmoney/a_share_{code}_{'raw' if q.get('fqt') == '0' else 'qfq'}.json")
        if code in ("USDCNYC", "UDI"):
            return _file(f"eastmoney/kline_{code}.json")
    if host == "np-weblist.eastmoney.com":
        return _file("eastmoney/news_7x24.json")
    if host == "www.sge.com.cn":
        return _file("sge/Au99.99_2007-03-14.json")
    if host == "www.swsresearch.com":
        return _file("shenwan/801050_2025-12-12.json")
    if host == "www.komis.or.kr":
        el = {"MNRL1001": "Nd", "MNRL1002": "Ce"}
        if path.endswith("MinorMetals"):
            return 200, "text/html", b"<html>KOMIS</html>"
        if path.endswith("getMnrlPriceCrtr") and f.get("mnrkndUnqCd") in el:
            return _file(f"komis/{el[f['mnrkndUnqCd']]}_criteria.json")
        if path.endswith("getMnrlPrcByMnrkndUnqCd") and f.get("srchMnrkndUnqCd") in el:
            return _file(f"komis/{el[f['srchMnrkndUnqCd']]}_prices.json")
    return 404, "text/plain", f"no replay for {method} {host}{path}".encode()


def _file(rel: str, content_type: str = JSON) -> tuple[int, str, bytes]:
    return 200, content_type, _body(rel)


@dataclass(frozen=True)
class Logged:
    """One request the server answered (times from ``time.monotonic``)."""

    started: float
    ended: float
    method: str
    host: str
    target: str
    body: bytes
    status: int


class ReplayServer:
    """A threaded HTTP server on 127.0.0.1 (a free port) answering with :func:`route`.

    ``delay`` seconds are added to every answer. Use as a context manager.
    """

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _answer(self) -> None:
                t0 = time.monotonic()
                n = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(n) if n else b""
                _, host, rest = self.path.split("/", 2)
                parts = urlsplit("/" + rest)
                form = parse_qs(payload.decode("utf-8", "replace"))
                status, ctype, body = route(
                    self.command, host, parts.path, parse_qs(parts.query), form
                )
                if server.delay:
                    time.sleep(server.delay)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with server._lock:
                    server.log.append(
                        Logged(
                            t0, time.monotonic(), self.command, host, "/" + rest, payload, status
                        )
                    )

            do_GET = do_POST = _answer  # noqa: N815

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client killed mid-request (the crash test does that on purpose)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def requests_by_host(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.log:
            out[r.host] = out.get(r.host, 0) + 1
        return out


def redirect(port: int) -> None:
    """Send this process's ``requests`` traffic to the replay server on ``port``; block the rest."""
    import requests.adapters

    from tests import offline

    offline._block()
    real_send = requests.adapters.HTTPAdapter.send
    if getattr(real_send, "_replay", False):
        return

    def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        parts = urlsplit(request.url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            request.url = f"http://127.0.0.1:{port}/{parts.hostname}{target}"
            request.headers.pop("Host", None)
        return real_send(self, request, *args, **kwargs)

    send._replay = True  # type: ignore[attr-defined]
    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]


#: Run first in a child process (``python -c BOOTSTRAP + rest``): offline but for the replay
#: server at ``$METALWATCH_REPLAY_PORT``; yfinance on ``requests`` with its caches in
#: ``$METALWATCH_REPLAY_CACHE``.
BOOTSTRAP = f"""
import os, sys, warnings
os.environ["YF_DISABLE_CURL_CFFI"] = "1"
os.environ["TQDM_DISABLE"] = "1"
sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
warnings.simplefilter("ignore")
import yfinance
yfinance.set_tz_cache_location(os.environ["METALWATCH_REPLAY_CACHE"])
from tests.faults.replay_server import redirect
redirect(int(os.environ["METALWATCH_REPLAY_PORT"]))
"""


def child_env(port: int, cache: os.PathLike[str] | str) -> dict[str, str]:
    """The environment for a child process bootstrapped with :data:`BOOTSTRAP`."""
    env = dict(os.environ)
    env.update(
        METALWATCH_REPLAY_PORT=str(port),
        METALWATCH_REPLAY_CACHE=str(cache),
        YF_DISABLE_CURL_CFFI="1",
        TQDM_DISABLE="1",
    )
    return env


def dump(log: list[Logged]) -> str:
    """The log as JSON lines (for debugging a run)."""
    return "\n".join(
        json.dumps({"method": r.method, "host": r.host, "target": r.target, "status": r.status})
        for r in log
    )
