"""The update runner: windows, fault isolation, fallbacks, revisions, logging, CLI and summary."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import responses

from metalwatch.cli import main
from metalwatch.errors import (
    SchemaError,
    SourceError,
    SourceUnavailableError,
    UnitScaleError,
)
from metalwatch.ingest import runner, summary, update
from metalwatch.ingest.outcome import Attempt, SeriesOutcome
from metalwatch.ingest.plan import EARLIEST, plan, window_start
from metalwatch.sources import catalog
from metalwatch.sources.sina_futures import ShfeMainFetcher
from metalwatch.sources.yahoo import YahooFetcher
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.sources.replay import (
    JIN10_SHFE,
    JSON,
    NOW,
    SINA_DOMESTIC,
    SINA_FOREIGN,
    body,
    fast_policy,
    scale_sina,
    yahoo_chart,
)

CU = body("sina_kline/CU0.jsonp")


def cut(path, instrument: str | None, after: str) -> None:
    with Store(path) as st:
        if instrument:
            st._con.execute(
                "DELETE FROM observations WHERE day > ? AND series IN "
                "(SELECT id FROM series WHERE instrument = ?)",
                (day_number(after), instrument),
            )
        else:
            st._con.execute("DELETE FROM observations WHERE day > ?", (day_number(after),))


def run(path, ids, register, **kw) -> runner.UpdateReport:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps)
        return update(ids, store=path, policy=kw.pop("policy", fast_policy()), now=NOW, **kw)


def sina(rsps, answer=CU) -> None:
    rsps.add(responses.GET, SINA_DOMESTIC, body=answer, content_type="text/html")


# -- windows -----------------------------------------------------------------------------------
def test_window_starts_at_the_earliest_field_minus_overlap() -> None:
    last = {("SHFE.CU", "close"): "2025-12-05", ("SHFE.CU", "settle"): "2025-12-03"}
    start = window_start(ShfeMainFetcher, "SHFE.CU", last, NOW)
    assert start == pd.Timestamp("2025-11-26")  # 2025-12-03 minus 7 days (daily cadence)
    assert window_start(ShfeMainFetcher, "SHFE.CU", {}, NOW) == EARLIEST
    assert window_start(ShfeMainFetcher, "SHFE.CU", last, NOW, since="2024-01-02") == (
        pd.Timestamp("2024-01-02")
    )
    assert window_start(ShfeMainFetcher, "SHFE.CU", last, NOW, force=True) == EARLIEST


def test_rebased_fields_do_not_set_the_window() -> None:
    last = {("NYSE.MP", "adj_close"): "1999-01-04", ("NYSE.MP", "close"): "2025-12-05"}
    assert window_start(YahooFetcher, "NYSE.MP", last, NOW) == pd.Timestamp("2025-11-28")


def test_plan_covers_every_live_instrument_and_reports_the_rest() -> None:
    jobs, skipped = plan(None, {})
    assert {j.instrument for j in jobs} == set(catalog.live_instruments())
    assert not skipped
    jobs, skipped = plan(["LBMA.AU.PM", "SHFE.CU"], {("SHFE.CU", "close"): "2025-12-05"})
    assert skipped == ["LBMA.AU.PM"] and jobs[0].last_stored == pd.Timestamp("2025-12-05")
    assert [r.label for r in plan(["COMEX.GC"], {})[0][0].routes] == [
        "yfinance",
        "akshare:futures_foreign_hist",
    ]


# -- writing ----------------------------------------------------------------------------------
def test_new_rows_land_and_the_attempt_is_logged(store_path) -> None:
    cut(store_path, "SHFE.CU", "2025-12-05")
    report = run(store_path, ["SHFE.CU"], sina)
    [out] = report.outcomes
    assert out.status == "ok" and out.added == 35 and out.revised == 0
    assert out.last_date == pd.Timestamp("2025-12-12")
    with Store(store_path) as st:
        log = st.last_fetches().set_index("instrument").loc["SHFE.CU"]
    assert (log["status"], log["rows_added"], log["last_date"]) == ("ok", 35, "2025-12-12")
    assert log["source"] == "akshare:futures_zh_daily_sina"


def test_second_run_reports_no_new_rows(store_path) -> None:
    cut(store_path, "SHFE.CU", "2025-12-05")
    run(store_path, ["SHFE.CU"], sina)
    [out] = run(store_path, ["SHFE.CU"], sina).outcomes
    assert out.status == "ok" and out.added == 0 and out.unchanged > 0
    assert summary.status_text(out) == "ok: no new rows"
    # run on 2026-11-25, a feed whose newest bar is 2025-12-12 is flagged, not hidden
    assert "the source's newest row is 2025-12-12 (348 days old)" in out.message


def test_a_revision_in_the_overlap_keeps_the_old_value(store_path) -> None:
    cut(store_path, "SHFE.CU", "2025-12-12")
    revised = CU.replace(b'"c":"94170"', b'"c":"94200"')
    [out] = run(store_path, ["SHFE.CU"], lambda r: sina(r, revised)).outcomes
    assert out.revised == 1
    with Store(store_path) as st:
        rev = st.revisions("SHFE.CU").iloc[-1]
        now = st.read(["SHFE.CU"], fields=["close"], start="2025-12-12")["value"].iloc[0]
    assert (rev["old_value"], rev["new_value"], now) == (94170, 94200, 94200)


def test_one_failing_source_does_not_stop_the_others(store_path) -> None:
    cut(store_path, None, "2025-12-05")

    def register(rsps) -> None:
        sina(rsps)
        rsps.add(responses.GET, SINA_FOREIGN, status=502, body="bad gateway")

    report = run(store_path, ["SHFE.CU", "LME.CA.3M"], register)
    by = {o.instrument: o for o in report.outcomes}
    assert by["SHFE.CU"].status == "ok" and by["SHFE.CU"].added == 35
    bad = by["LME.CA.3M"]
    assert bad.status == "failed" and isinstance(bad.error, SourceUnavailableError)
    assert "HTTP 502 from stock2.finance.sina.com.cn after 3 attempts" in bad.message
    assert (bad.error.series, bad.error.source) == ("LME.CA.3M", "akshare:futures_foreign_hist")
    assert bad.error.status == 502 and "getGlobalFuturesDailyKLine" in str(bad.error.url)
    assert bad.last_date == pd.Timestamp("2025-12-05")  # the last good date
    assert report.failed == [bad]


def test_fallback_fills_only_dates_after_the_primary(store_path) -> None:
    cut(store_path, "COMEX.GC", "2025-12-05")

    def register(rsps) -> None:
        yahoo_chart(rsps, "GC=F", (500, b"<html>down</html>"))
        rsps.add(
            responses.GET, SINA_FOREIGN, body=body("sina_kline/GC.jsonp"), content_type="text/html"
        )

    [out] = run(store_path, ["COMEX.GC"], register).outcomes
    assert out.status == "ok" and out.source == "akshare:futures_foreign_hist"
    assert out.message.startswith("fallback after: yfinance COMEX.GC: HTTP 500")
    assert "dates already stored from the primary source" in out.message
    with Store(store_path) as st:
        df = st.read(["COMEX.GC"], fields=["close"], start="2025-12-01")
        log = st._con.execute(
            "SELECT source, status FROM fetch_log WHERE instrument='COMEX.GC' ORDER BY id"
        ).fetchall()
    assert df.set_index("date")["source"].loc["2025-12-05"] != "akshare:futures_foreign_hist"
    assert df.set_index("date")["source"].loc["2025-12-08"] == "akshare:futures_foreign_hist"
    assert log == [("yfinance", "failed"), ("akshare:futures_foreign_hist", "ok")]


def test_unit_scale_jump_stores_nothing(store_path) -> None:
    cut(store_path, "SHFE.CU", "2025-12-05")
    scaled = scale_sina(CU, ("o", "h", "l", "c", "s"), 100)  # CNY/t -> fen/t, say
    [out] = run(store_path, ["SHFE.CU"], lambda r: sina(r, scaled)).outcomes
    assert isinstance(out.error, UnitScaleError)
    assert (out.error.series, out.error.source) == ("SHFE.CU", "akshare:futures_zh_daily_sina")
    assert out.error.field == "close" and out.error.ratio == pytest.approx(100.0)
    assert out.message == str(out.error)
    assert out.message.startswith("akshare:futures_zh_daily_sina SHFE.CU: close 2025-12-01 ")
    assert "2025-12-01 value 8.928e+06 is 100x the stored 89,280 of 2025-12-01" in out.message
    with Store(store_path) as st:
        assert st.read(["SHFE.CU"], start="2025-12-06").empty


def test_an_adapter_bug_is_a_typed_error_with_its_cause(store_path, monkeypatch) -> None:
    def broken(self, query, raw, out):
        raise RuntimeError("adapter bug\non two lines")

    monkeypatch.setattr(ShfeMainFetcher, "normalize", broken)
    cut(store_path, "SHFE.CU", "2025-12-05")
    [out] = run(store_path, ["SHFE.CU"], sina).outcomes
    assert out.status == "failed" and type(out.error) is SourceError
    assert isinstance(out.error.__cause__, RuntimeError)
    assert (out.error.series, out.error.source) == ("SHFE.CU", "akshare:futures_zh_daily_sina")
    assert out.message == (
        "akshare:futures_zh_daily_sina SHFE.CU: unexpected RuntimeError: adapter bug on two lines"
    )


def test_shfe_weekly_stocks_through_the_runner(store_path) -> None:
    now = pd.Timestamp("2019-07-01 09:00", tz="UTC")

    def register(rsps) -> None:
        rsps.add(
            responses.GET,
            JIN10_SHFE,
            body=body("jin10_shfe_weekly/2019-06-28.json"),
            content_type=JSON,
        )

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps)
        report = update(
            ["SHFE.SN.STOCK"], store=store_path, since="2019-06-24", policy=fast_policy(), now=now
        )
        asked = [c.request.params["date"] for c in rsps.calls]
    [out] = report.outcomes
    assert out.status == "ok" and out.added == 1 and out.last_date == pd.Timestamp("2019-06-28")
    assert asked == ["2019-06-28"]


# -- the pool and the rate limits ----------------------------------------------------------
def test_requests_to_one_host_are_spaced(store_path) -> None:
    policy = fast_policy()

    def register(rsps) -> None:
        for sym in ("CU0", "AL0", "SN0"):
            only = responses.matchers.query_param_matcher({"symbol": sym}, strict_match=False)
            rsps.add(
                responses.GET,
                SINA_DOMESTIC,
                body=body(f"sina_kline/{sym}.jsonp"),
                content_type="text/html",
                match=[only],
            )

    report = run(store_path, ["SHFE.CU", "SHFE.AL", "SHFE.SN"], register, policy=policy, workers=3)
    assert not report.failed
    assert report.requests["sina.com.cn"] == 3
    assert report.waited["sina.com.cn"] >= 2.0  # 2 s apart; exact slots: test_policy


# -- summary and CLI -----------------------------------------------------------------------
def test_summary_rows_and_footer(store_path) -> None:
    cut(store_path, None, "2025-12-05")

    def register(rsps) -> None:
        sina(rsps)
        rsps.add(responses.GET, SINA_FOREIGN, body=ConnectionError("reset by peer"))

    report = run(store_path, ["SHFE.CU", "LME.CA.3M", "LBMA.AU.PM"], register)
    rows = {r["series"]: r for r in summary.rows(report)}
    assert rows["SHFE.CU"]["added"] == "35" and rows["SHFE.CU"]["last date"] == "2025-12-12"
    assert rows["LME.CA.3M"]["status"] == (
        "failed: akshare:futures_foreign_hist: connection failed (reset by peer) after 3 attempts"
    )
    assert rows["LME.CA.3M"]["last date"] == "2025-12-05"
    assert rows["LBMA.AU.PM"]["status"].startswith("skipped: no live source")
    assert summary.footer(report).startswith("3 series: 1 ok, 1 failed, 1 skipped; 35 rows added")


def test_summary_status_is_built_from_the_errors_fields() -> None:
    # a cause that quotes another series' message: text parsing would cut it in the wrong place
    primary = SourceUnavailableError(
        "proxy said 'LME.CA.3M: gone'", series="COMEX.GC", source="yfinance"
    )
    fallback = SourceUnavailableError(
        "timed out", series="COMEX.GC", source="akshare:futures_foreign_hist"
    )
    both = SeriesOutcome(
        "COMEX.GC",
        "failed",
        source="akshare:futures_foreign_hist",
        attempts=[Attempt("yfinance", primary), Attempt("akshare:futures_foreign_hist", fallback)],
        error=fallback,
        message=f"{primary} | {fallback}",
    )
    assert summary.status_text(both) == (
        "failed: yfinance: proxy said 'LME.CA.3M: gone' | akshare:futures_foreign_hist: timed out"
    )
    # a check failing after the fallback served: only the check's error, with its own source
    scale = UnitScaleError("close is 100x", series="COMEX.GC", source="akshare:x")
    checked = SeriesOutcome(
        "COMEX.GC",
        "failed",
        source="akshare:x",
        attempts=[Attempt("yfinance", primary), Attempt("akshare:x")],
        error=scale,
        message=str(scale),
    )
    assert summary.status_text(checked) == "failed: akshare:x: close is 100x"
    # an error that names no source (the canonical schema check) takes the outcome's
    schema = SchemaError("SHFE.AG close: non-positive value 0 on 2025-12-10")
    unplaced = SeriesOutcome(
        "SHFE.AG", "failed", source="akshare:futures_zh_daily_sina", error=schema
    )
    assert summary.status_text(unplaced) == (
        "failed: akshare:futures_zh_daily_sina: SHFE.AG close: non-positive value 0 on 2025-12-10"
    )
    assert summary.status_text(SeriesOutcome("X", "skipped", message="no live source")) == (
        "skipped: no live source"
    )


def test_cli_update_prints_the_table_and_exits_1_on_failure(store_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "Policy", fast_policy)
    cut(store_path, None, "2025-12-05")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        sina(rsps)
        rsps.add(responses.GET, SINA_FOREIGN, status=503)
        code = main(["--store", str(store_path), "update", "SHFE.CU", "LME.CA.3M", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "SHFE.CU" in out and "HTTP 503" in out and "1 failed" in out
    assert err.strip() == "metalwatch: 1 series failed; the store keeps their last good rows"


def test_cli_update_bad_since_is_a_one_line_error(store_path, capsys) -> None:
    assert main(["--store", str(store_path), "update", "--since", "yesterday-ish"]) == 2
    assert capsys.readouterr().err.startswith("metalwatch: error:")


def test_progress_is_quiet_off_a_terminal(capsys) -> None:
    with summary.progress(quiet=False) as (on_plan, on_done):
        on_plan(3)  # pytest captures stderr: not a terminal, so no bar and no output
        on_done(runner.SeriesOutcome("X", "ok"))
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")


def test_import_metalwatch_loads_neither_akshare_nor_yfinance() -> None:
    code = (
        "import sys, metalwatch, metalwatch.cli, metalwatch.ingest, metalwatch.sources.catalog;"
        "bad = [m for m in ('akshare', 'yfinance', 'curl_cffi') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
