"""Futures curves through the real ``akshare.get_futures_daily``: SHFE and GFEX daily reports
replayed from constructed bodies (tests/fixtures/futures_curve/PROVENANCE.md), one request per
day and exchange, every contract stored under its own id; ``metalwatch update`` fills them."""

from __future__ import annotations

import functools
import re
import time
from urllib.parse import parse_qs

import pandas as pd
import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metalwatch import contracts, frame
from metalwatch.errors import MetalwatchError, SchemaError, SourceError, SourceFormatError
from metalwatch.ingest import update
from metalwatch.sources import catalog
from metalwatch.sources.cache import PayloadCache
from metalwatch.store import Store
from tests.sources.replay import FIX, fast_policy

NOW = pd.Timestamp("2025-12-13 12:00", tz="UTC")
SHFE = re.compile(r"https://www\.shfe\.com\.cn/data/tradedata/future/dailydata/kx(\d{8})\.dat")
GFEX = "http://www.gfex.com.cn/u/interfacesWebTiDayQuotes/loadList"
#: cu2512..cu2611 on 2025-12-12: the dominant cu2601 is SHFE's real settlement (CU0), the rest
#: constructed (PROVENANCE.md).
CU_1212 = {
    "2512": 93580, "2601": 93640, "2602": 93700, "2603": 93730, "2604": 93750, "2605": 93770,
    "2606": 93780, "2607": 93790, "2608": 93800, "2609": 93800, "2610": 93810, "2611": 93820,
}  # fmt: skip


def exchanges(rsps: responses.RequestsMock, status: int = 200) -> list[str]:
    """Answer SHFE and GFEX days from the fixture folder (404 for a day with no file)."""
    asked: list[str] = []

    def shfe(req):
        day = SHFE.match(req.url)[1]
        asked.append(f"SHFE {day}")
        path = FIX / "futures_curve" / f"kx{day}.dat"
        if status != 200:
            return status, {}, b"busy"
        return (200, {}, path.read_bytes()) if path.exists() else (404, {}, b"<html>404</html>")

    def gfex(req):
        day = parse_qs(req.body)["trade_date"][0]
        asked.append(f"GFEX {day}")
        path = FIX / "futures_curve" / f"gfex_loadList_{day}.json"
        json = {"Content-Type": "application/json;charset=UTF-8"}
        return (200, json, path.read_bytes()) if path.exists() else (404, {}, b"<html>404</html>")

    rsps.add_callback(responses.GET, SHFE, callback=shfe)
    rsps.add_callback(responses.POST, GFEX, callback=gfex)
    return asked


def fetch(curve: str, start: str = "2025-12-12", cache: PayloadCache | None = None, **kw):
    [route] = catalog.routes(curve)
    fetcher = route.fetcher(cache)
    q = fetcher.build_query(curve, route.symbol, pd.Timestamp(start), NOW)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        asked = exchanges(rsps, **kw)
        got = fetcher.fetch(q, fast_policy())
    return got, asked


def test_every_copper_contract_of_the_day_under_its_own_id() -> None:
    got, asked = fetch("SHFE.CU.CURVE")
    df = frame.validate(got.frame, today=pd.Timestamp("2025-12-12"))
    settle = df[df["field"] == "settle"].set_index("instrument")["value"]
    assert settle.to_dict() == {f"SHFE.CU.{m}": float(v) for m, v in CU_1212.items()}
    assert set(df["unit"]) == {"CNY/t"} and set(df["source"]) == {"akshare:get_futures_daily"}
    assert set(df["date"]) == {pd.Timestamp("2025-12-12")}
    cu2601 = df[df["instrument"] == "SHFE.CU.2601"].set_index("field")["value"]
    assert (cu2601["volume"], cu2601["open_interest"]) == (154054, 222313)  # real CU0 bar
    assert not df["instrument"].str.startswith("SHFE.BC").any()  # international copper: not cu
    assert asked == ["SHFE 20251212"]
    assert got.describe() == "12 contracts on 2025-12-12 (2512..2611)"


def test_gold_silver_and_lithium_curves() -> None:
    au, _ = fetch("SHFE.AU.CURVE")
    settle = au.frame[au.frame["field"] == "settle"].set_index("instrument")["value"]
    assert settle["SHFE.AU.2602"] == 964.62 and settle["SHFE.AU.2610"] == pytest.approx(974.32)
    assert list(settle.index) == [f"SHFE.AU.{m}" for m in GOLD_MONTHS]
    assert set(au.frame["unit"]) == {"CNY/g"}
    lc, asked = fetch("GFEX.LC.CURVE", start="2025-12-05")
    days = lc.frame[lc.frame["field"] == "settle"].groupby("date")["instrument"].agg(list)
    assert days[pd.Timestamp("2025-12-05")][0] == "GFEX.LC.2512"  # its last trading day
    assert days[pd.Timestamp("2025-12-12")][-1] == "GFEX.LC.2612"
    lc05 = lc.frame.set_index(["instrument", "field", "date"])["value"]
    assert lc05[("GFEX.LC.2605", "settle", pd.Timestamp("2025-12-12"))] == 99660  # real LC0
    assert asked[0] == "GFEX 20251205" and len(asked) == 6  # 2025-12-05..12, one a day
    assert lc.dropped == {"days with no report (not published)": 4}


GOLD_MONTHS = ["2512", "2601", "2602", "2604", "2606", "2608", "2610"]


def test_one_request_per_day_serves_every_curve_of_the_exchange() -> None:
    cache = PayloadCache()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        asked = exchanges(rsps)
        for curve in ("SHFE.CU.CURVE", "SHFE.AL.CURVE", "SHFE.SN.CURVE"):
            [route] = catalog.routes(curve)
            f = route.fetcher(cache)
            got = f.fetch(
                f.build_query(curve, route.symbol, pd.Timestamp("2025-12-12"), NOW), fast_policy()
            )
            assert len(got.frame)  # fmt: skip
    assert asked == ["SHFE 20251212"]


def test_a_server_error_is_a_source_error_not_a_100_second_retry_loop() -> None:
    t0 = time.monotonic()
    with pytest.raises(SourceError) as err:
        fetch("SHFE.CU.CURVE", status=503)
    assert time.monotonic() - t0 < 10  # akshare's requests_link alone would sleep 5 s x 20
    assert err.value.status == 503 and "shfe.com.cn" in str(err.value)


def test_no_product_rows_and_past_the_calendar_are_format_errors() -> None:
    with pytest.raises(SourceFormatError, match="no LC contract on any day of the window"):
        [route] = catalog.routes("GFEX.LC.CURVE")
        f = route.fetcher()
        q = f.build_query("GFEX.LC.CURVE", "XX", pd.Timestamp("2025-12-12"), NOW)
        q = q.__class__(q.instrument, "LC", q.start, q.end, q.now)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            exchanges(rsps)
            rsps.replace(responses.POST, GFEX, body='{"code":"0","data":[{"variety":"工业硅",'
                         '"varietyOrder":"si","delivMonth":"2601","open":1,"high":1,"low":1,'
                         '"close":1,"lastClear":1,"clearPrice":1,"volumn":1,"openInterest":1,'
                         '"turnover":1}]}')  # fmt: skip
            f.fetch(q, fast_policy())
    later = pd.Timestamp("2027-01-05 12:00", tz="UTC")
    [route] = catalog.routes("SHFE.CU.CURVE")
    f = route.fetcher()
    q = f.build_query("SHFE.CU.CURVE", "CU", pd.Timestamp("2027-01-04"), later)
    with pytest.raises(SourceFormatError, match="calendar ends 2026-12-31.*upgrade akshare"):
        f.fetch(q, fast_policy())


def test_update_fills_every_curve_from_replayed_reports(store_path) -> None:
    curves = [contracts.curve_id(r) for r in contracts.CURVES]
    assert set(curves) <= set(catalog.live_instruments())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        exchanges(rsps)
        report = update(curves, since="2025-12-05", store=store_path, policy=fast_policy(), now=NOW)
    assert [o.status for o in report.outcomes] == ["ok"] * 9, [o.message for o in report.outcomes]
    cu = next(o for o in report.outcomes if o.instrument == "SHFE.CU.CURVE")
    assert cu.added == 72 and cu.last_date == pd.Timestamp("2025-12-12")  # 12 contracts x 3 x 2
    with Store(store_path) as st:
        rows = st.read(["SHFE.CU.2601", "SHFE.NI.2601"], fields=["settle"])
        log = st.last_fetches().set_index("instrument")
    got = rows.set_index(["instrument", "date"])["value"]
    assert got[("SHFE.CU.2601", pd.Timestamp("2025-12-05"))] == 91560
    assert got[("SHFE.NI.2601", pd.Timestamp("2025-12-12"))] == 115710
    assert log.loc["GFEX.LC.CURVE", "status"] == "ok"
    # a second run revises nothing and adds nothing
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        exchanges(rsps)
        again = update(["SHFE.CU.CURVE"], since="2025-12-05", store=store_path,
                       policy=fast_policy(), now=NOW)  # fmt: skip
    [out] = again.outcomes
    assert (out.status, out.added, out.revised, out.unchanged) == ("ok", 0, 0, 72)


@pytest.mark.live
@pytest.mark.parametrize("curve", ["SHFE.CU.CURVE", "GFEX.LC.CURVE"])
def test_live_curve_has_every_listed_contract(curve: str) -> None:
    """Live (METALWATCH_LIVE=1): the exchange still answers in the shape akshare reads."""
    from metalwatch.sources.policy import Policy

    [route] = catalog.routes(curve)
    fetcher = route.fetcher()
    now = pd.Timestamp.now(tz="UTC")
    q = fetcher.build_query(curve, route.symbol, now.tz_localize(None) - pd.Timedelta(days=10), now)
    df = frame.validate(fetcher.fetch(q, Policy()).frame, today=q.end)
    latest = df[(df["field"] == "settle") & (df["date"] == df["date"].max())]
    assert len(latest) >= 6, latest  # SHFE copper and GFEX lithium list 12 months
    assert latest["instrument"].map(contracts.parse).notna().all()


def test_a_curves_window_starts_at_its_latest_contract_minus_the_overlap() -> None:
    from metalwatch.ingest.plan import plan, window_start
    from metalwatch.sources.futures_curve import FuturesCurveFetcher

    last = {
        ("SHFE.CU.2511", "settle"): "2025-11-17",  # expired: never sets the window
        ("SHFE.CU.2601", "settle"): "2025-12-12",
        ("SHFE.CU.2601", "volume"): "2025-12-12",
        ("SHFE.CU.2601", "open_interest"): "2025-12-11",
        ("SHFE.CUX.2601", "settle"): "2025-12-30",  # another root: not copper's
    }
    start = window_start(FuturesCurveFetcher, "SHFE.CU.CURVE", last, NOW)
    assert start == pd.Timestamp("2025-12-04")  # open interest's 2025-12-11 minus 7 days
    assert window_start(FuturesCurveFetcher, "SHFE.AL.CURVE", last, NOW) == pd.Timestamp(
        "2025-12-03"  # nothing stored: the default 10 days before 2025-12-13
    )
    [job], _ = plan(["SHFE.CU.CURVE"], last)
    assert job.last_stored == pd.Timestamp("2025-12-12")


# -- hostile payloads ---------------------------------------------------------------------------
@functools.cache
def _raw_copper() -> tuple:
    [route] = catalog.routes("SHFE.CU.CURVE")
    fetcher = route.fetcher()
    q = fetcher.build_query("SHFE.CU.CURVE", route.symbol, pd.Timestamp("2025-12-05"), NOW)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        exchanges(rsps)
        raw = fetcher.fetch_raw(q)
    return fetcher, q, raw


@settings(deadline=None, max_examples=40, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(data=st.data())
def test_damaged_reports_end_in_a_typed_error_or_clean_rows(data) -> None:
    from tests.faults.fuzz import damaged_frame

    fetcher, q, raw = _raw_copper()
    hurt = [(day, None if page is None else data.draw(damaged_frame(page))) for day, page in raw]
    fetcher.fetch_raw = lambda _q: hurt  # the parse step only
    try:
        got = fetcher.fetch(q, fast_policy())
    except MetalwatchError as exc:
        assert "\n" not in str(exc)
        return
    try:
        df = frame.validate(got.frame, today=q.end)
    except SchemaError as exc:
        assert "\n" not in str(exc)
        return
    assert df["instrument"].map(lambda i: i.startswith("SHFE.CU.") and contracts.parse(i)).all()
    assert (df["date"] >= q.start).all() and (df["date"] <= q.end).all()
