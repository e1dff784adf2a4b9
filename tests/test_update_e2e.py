"""End to end: ``metalwatch update`` then ``metalwatch report`` against replayed sources.

The store is a copy of the seeded one with every row after 2025-12-05 removed, as if it had
last been updated that Friday; the replayed payloads carry the week of 2025-12-12.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
import responses

from metalwatch.cli import main
from metalwatch.ingest import runner
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.sources.replay import E2E_INSTRUMENTS, fast_policy, register_everything

CUT = "2025-12-05"


@pytest.fixture
def stale_store(store_path, tmp_path_factory):
    """The seeded store as of Friday 2025-12-05, with yfinance caches kept in a temp folder."""
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yf-e2e")))
    data = yf.data.YfData()
    data._crumb, data._cookie, data._cookie_strategy = None, None, "basic"
    with Store(store_path) as st:
        st._con.execute("DELETE FROM observations WHERE day > ?", (day_number(CUT),))
    return store_path


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch):
    """The CLI's policy, with backoff and rate-limit waits on a fake clock."""
    made = []

    def factory() -> object:
        made.append(fast_policy())
        return made[-1]

    monkeypatch.setattr(runner, "Policy", factory)
    return made


def closes(path, instrument: str, field: str = "close") -> pd.Series:
    with Store(path) as st:
        df = st.read([instrument], fields=[field], start="2025-12-08", end="2025-12-12")
    return df.set_index("date")["value"]


def test_update_then_report(stale_store, no_sleep, tmp_path, capsys) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register_everything(rsps)
        code = main(["--store", str(stale_store), "update", *E2E_INSTRUMENTS, "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "metalwatch update" in out and "0 failed" in out
    assert closes(stale_store, "SHFE.CU").loc["2025-12-12"] == 94170
    assert closes(stale_store, "LME.CA.3M").loc["2025-12-12"] == 11800
    assert closes(stale_store, "COMEX.GC").loc["2025-12-12"] == pytest.approx(4300.10009765625)
    assert closes(stale_store, "SSE.600111", "adj_close").loc["2025-12-12"] == 46.59
    assert closes(stale_store, "KOMIS.ND").loc["2025-12-12"] == 96.74
    assert closes(stale_store, "FX.USDCNY").loc["2025-12-12"] == pytest.approx(7.0579, abs=1e-6)
    with Store(stale_store) as st:
        log = st.last_fetches().set_index("instrument")
        sw = st.read(["SW.801050"])
    assert set(E2E_INSTRUMENTS) <= set(log.index)
    assert (log.loc[E2E_INSTRUMENTS, "status"] == "ok").all()
    assert log.loc["SHFE.CU", "last_date"] == "2025-12-12"
    assert log.loc["SHFE.CU", "rows_added"] == 35  # 5 days x 7 fields
    assert sw["value"].iloc[-1] == 8593.4  # a series with no bundled history now has one
    pdf = tmp_path / "weekly.pdf"
    assert (
        main(["--store", str(stale_store), "report", "--week", "2025-12-12", "-o", str(pdf)]) == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    [policy] = no_sleep
    assert policy.clock.sleeps and not policy.clock.backoffs  # spaced by rate limits, no retry


def test_every_source_failing(stale_store, no_sleep, tmp_path, capsys) -> None:
    with Store(stale_store) as st:
        before = st.read()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for method in (responses.GET, responses.POST):
            rsps.add(method, re.compile(r"https?://.*"), status=500, body="<html>down</html>")
        code = main(["--store", str(stale_store), "update", *E2E_INSTRUMENTS, "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"{len(E2E_INSTRUMENTS)} failed" in captured.out
    assert "HTTP 500" in captured.out
    assert "series failed; the store keeps their last good rows" in captured.err
    with Store(stale_store) as st:
        after = st.read()
        log = st.last_fetches().set_index("instrument")
    pd.testing.assert_frame_equal(before, after)
    assert (log.loc[E2E_INSTRUMENTS, "status"] == "failed").all()
    assert log.loc["SHFE.CU", "last_date"] == CUT  # the last good date, for stale marking
    assert log.loc["SHFE.CU", "message"].startswith(
        "akshare:futures_zh_daily_sina SHFE.CU: HTTP 500"
    )
    assert pd.isna(log.loc["SW.801050", "last_date"])  # never had a good row
    pdf = tmp_path / "weekly.pdf"
    assert (
        main(["--store", str(stale_store), "report", "--week", "2025-12-05", "-o", str(pdf)]) == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
