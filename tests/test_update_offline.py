"""Offline updates fail fast (issue 12, item 8): a circuit breaker per host per run.

A host whose name does not resolve, or that refuses the connection, is known after the first
attempt: the call is not retried, and every later series of that host fails at once with the
same cause. "no network" is said once when nothing resolves; the summary keeps one line per
series at 80 columns. Also: signed series skip the scale check; a read-only store fails
before anything is fetched.
"""

from __future__ import annotations

import contextlib
import socket

import pandas as pd
import pytest
import requests
import responses
import urllib3
from rich.console import Console

from metalwatch.errors import StoreError, UnitScaleError
from metalwatch.ingest import runner, summary, update
from metalwatch.ingest.checks import check_scale
from metalwatch.sources.failures import unreachable
from metalwatch.sources.host_breaker import HostBreaker, HostUnreachableError
from metalwatch.sources.policy import Policy
from metalwatch.store import Store
from tests.sources.replay import NOW, fast_policy


def no_dns(host: str) -> requests.exceptions.ConnectionError:
    """What requests raises when ``host`` does not resolve (urllib3 2's NameResolutionError)."""
    gai = socket.gaierror(-3, "Temporary failure in name resolution")
    inner = urllib3.exceptions.NameResolutionError(host, None, gai)  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, "/x", inner)  # type: ignore[arg-type]
    )


def refused() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))


def test_unreachable_reads_the_chain() -> None:
    down = unreachable(no_dns("stock2.finance.sina.com.cn"))
    assert down is not None and down.resolve and down.host == "stock2.finance.sina.com.cn"
    conn = unreachable(refused())
    assert conn is not None and not conn.resolve and conn.why == "connection refused"
    assert unreachable(requests.exceptions.ReadTimeout("read timed out")) is None
    curl = type("DNSError", (ConnectionError,), {})("Could not resolve host: fc.yahoo.com")
    got = unreachable(curl)
    assert got is not None and got.host == "fc.yahoo.com"


def test_a_host_that_does_not_resolve_is_asked_once_and_not_retried() -> None:
    pol = fast_policy()
    calls = []

    def fetch() -> None:
        calls.append(1)
        requests.get("https://stock2.finance.sina.com.cn/futures/api/x")

    with responses.RequestsMock() as rsps:
        rsps.add(
            responses.GET,
            "https://stock2.finance.sina.com.cn/futures/api/x",
            body=no_dns("stock2.finance.sina.com.cn"),
        )
        with pytest.raises(HostUnreachableError) as first:
            pol.call(fetch, source="akshare:f", series="SHFE.CU")
        with pytest.raises(HostUnreachableError) as second:
            pol.call(fetch, source="akshare:f", series="SHFE.AL")
        assert len(rsps.calls) == 1  # the second series never reached the network
    assert len(calls) == 2 and pol.clock.backoffs == []  # type: ignore[attr-defined]
    assert first.value.first and first.value.resolve
    assert first.value.reason == "cannot resolve stock2.finance.sina.com.cn"
    assert not second.value.first and second.value.series == "SHFE.AL"
    assert second.value.host == "stock2.finance.sina.com.cn"
    assert pol.hosts.no_network()


def test_a_refused_host_opens_the_breaker_but_is_not_no_network() -> None:
    br = HostBreaker()
    br.trip("a.example.com", "cannot reach a.example.com (connection refused)", resolve=False)
    assert not br.no_network()
    br2 = HostBreaker()
    br2.trip("a.example.com", "cannot resolve a.example.com", resolve=True)
    br2.answered("b.example.com")
    assert not br2.no_network()  # another host answered: the network is up


def test_a_swallowed_failure_does_not_open_the_breaker() -> None:
    """yfinance tolerates an unreachable fc.yahoo.com: only a failed call trips the host."""
    pol = Policy()

    def tolerant() -> str:
        with contextlib.suppress(requests.exceptions.ConnectionError):
            requests.get("https://fc.yahoo.com")
        return "ok"

    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "https://fc.yahoo.com", body=no_dns("fc.yahoo.com"))
        assert pol.call(tolerant, source="yfinance", series="COMEX.GC") == "ok"
    assert pol.hosts.down == {}


def offline(rsps: responses.RequestsMock) -> None:
    import re

    rsps.add(responses.GET, re.compile(r"https://.*"), body=no_dns("anything.example"))
    rsps.add(responses.POST, re.compile(r"https://.*"), body=no_dns("anything.example"))


def test_offline_update_fails_every_series_after_one_attempt_per_host(store_path) -> None:
    ids = ["SHFE.CU", "SHFE.AL", "SHFE.SN", "SHFE.AU", "LME.CA.3M", "LME.AH.3M"]
    pol = fast_policy()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        offline(rsps)
        report = update(ids, store=store_path, policy=pol, now=NOW, news=False, workers=1)
        asked = len(rsps.calls)
    assert [o.status for o in report.outcomes] == ["failed"] * len(ids)
    assert asked == 1  # one host (Sina) for all six series: asked once
    assert pol.clock.backoffs == []  # type: ignore[attr-defined]
    assert report.no_network and list(report.unreachable) == ["stock2.finance.sina.com.cn"]
    for o in report.outcomes:
        assert isinstance(o.error, HostUnreachableError)
    console = Console(width=80, record=True)
    summary.print_summary(report, console)
    text = console.export_text()
    assert text.count("no network") == 1 + len(ids)  # the banner, then each series' status
    assert text.splitlines()[0].startswith("no network: 1 hosts did not resolve, none answered")
    table = [ln for ln in text.splitlines() if ln.split() and ln.split()[0] in ids]
    assert len(table) == len(ids)  # one line per series
    assert max(len(ln) for ln in text.splitlines()) <= 80


def test_summary_keeps_one_line_per_series_at_80_columns_with_long_causes() -> None:
    from metalwatch.errors import SourceFormatError

    long = SourceFormatError("x" * 300, series="YANGSHAN.CU.WARRANT.PYRO", source="akshare:f" * 5)
    out = runner.SeriesOutcome(
        "YANGSHAN.CU.WARRANT.PYRO",
        "failed",
        source="akshare:f" * 5,
        error=long,
        attempts=[runner.Attempt("akshare:f", long)],
    )
    report = runner.UpdateReport([out], 1.0, {}, {})
    console = Console(width=80, record=True)
    summary.print_summary(report, console)
    lines = console.export_text().splitlines()
    assert sum("YANGSHAN.CU.WARRANT.PYRO" in ln for ln in lines) == 1
    assert all(len(ln) <= 80 for ln in lines)
    assert summary.short_status(out).endswith("…") and len(summary.short_status(out)) == 60


# -- scale check: signed series ---------------------------------------------------------------
def _frame(inst: str, fld: str, values: list[float], start: str = "2026-01-06") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(values), freq="7D")
    return pd.DataFrame(
        {
            "instrument": inst,
            "field": fld,
            "date": dates,
            "value": values,
            "source": "test",
        }
    )


def test_scale_check_exempts_net_positions_and_rates(store) -> None:
    # a managed-money net going from -1,200 to +30,000 crosses zero: no unit change
    check_scale(store, _frame("CFTC.GC.FUT", "mm_net", [-1200.0, 30000.0, 150.0]))
    # a real yield from 0.05 to 1.9 (38x) is a rate moving through zero
    check_scale(store, _frame("FRED.DFII10", "close", [0.05, 1.9, -0.3]))
    # quantities of the same report are still checked
    with pytest.raises(UnitScaleError):
        check_scale(store, _frame("CFTC.GC.FUT", "mm_long", [150000.0, 150.0]))


# -- read-only store ---------------------------------------------------------------------------
def test_update_on_a_read_only_store_fails_before_fetching(store_path) -> None:
    with responses.RequestsMock() as rsps:  # any request would fail the mock: none is made
        with Store(store_path, read_only=True) as st, pytest.raises(StoreError):
            update(["SHFE.CU"], store=st, policy=fast_policy(), now=NOW)
        assert len(rsps.calls) == 0


def test_three_hosts_that_do_not_resolve_mean_no_network_for_the_rest() -> None:
    pol = fast_policy()
    hosts = ["a.example.com", "b.example.org", "c.example.net", "d.example.io"]

    def ask(host: str) -> None:
        requests.get(f"https://{host}/x")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for h in hosts:
            rsps.add(responses.GET, f"https://{h}/x", body=no_dns(h))
        for h in hosts:
            with pytest.raises(HostUnreachableError) as err:
                pol.call(lambda h=h: ask(h), source="s", series=h)
        assert [c.request.url for c in rsps.calls] == [f"https://{h}/x" for h in hosts[:3]]
    assert err.value.reason == "not asked: no network (3 hosts did not resolve)"
    assert pol.hosts.offline() and pol.hosts.no_network()


def test_cli_update_with_the_network_cut_ends_in_seconds(store_path) -> None:
    """Issue 12, item 8: ``unshare -n metalwatch update`` (every live series) under 10 s."""
    import os
    import shutil
    import subprocess
    import sys
    import time

    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"]).returncode != 0:
        pytest.skip("unshare -n is not available here")
    code = "import sys; from metalwatch.cli import main; sys.exit(main(sys.argv[1:]))"
    cmd = [unshare, "-n", sys.executable, "-c", code, "--store", str(store_path), "update"]
    t0 = time.monotonic()
    env = {**os.environ, "COLUMNS": "80"}
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    seconds = time.monotonic() - t0
    assert res.returncode == 1, res.stderr[-2000:]
    assert seconds < 10, seconds
    lines = res.stdout.splitlines()
    assert lines[0].startswith("no network: ") and res.stdout.count("no network: ") == 1
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
