"""The weekly shows the series fetched live only once the store holds them (SGE benchmarks,
100ppi spot and basis, the extra SHFE warrants, KOMIS cobalt 15-month, Shenwan sub-indices and
valuation), leaves their tables out when it holds none, and groups the never-fetched ones in
one status line per kind.

The live rows below are constructed test values (round numbers, source ``test:constructed``),
written with ``Store.upsert``; the Yangshan premiums are the bundled Mysteel midpoints.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.model import WeeklyReport, build_weekly
from metalwatch.reporting.templates import render_html
from metalwatch.store import Store
from metalwatch.store.week import read_week

WEEK = pd.Timestamp("2025-12-12")
PREV = "2025-12-05"
#: (instrument, field, unit, currency, value on 12-05, value on 12-12): constructed.
LIVE = [
    ("SGE.AU.BENCHMARK", "fix_pm", "CNY/g", "CNY", 950.00, 960.50),
    ("SGE.AG.BENCHMARK", "fix_pm", "CNY/kg", "CNY", 12000, 12500),
    ("SHFE.AL.WARRANT", "stock", "t", "", 60000, 61000),
    ("SHFE.ZN.WARRANT", "stock", "t", "", 30000, 29000),
    ("KOMIS.CO.LME_15M", "close", "USD/t", "USD", 50000, 51000),
    ("CN.SPOT.CU", "close", "CNY/t", "CNY", 90000, 91000),
    ("CN.SPOT.CU", "basis", "CNY/t", "CNY", -100, -250),
    ("CN.SPOT.AU", "close", "CNY/g", "CNY", 950.00, 955.00),
    ("CN.SPOT.AU", "basis", "CNY/g", "CNY", 1.50, 2.25),
    ("SW.801055", "close", "index", "", 4000.0, 4100.0),
    ("SW.801050.VALUATION", "pe", "x", "", 29.00, 30.00),
    ("SW.801050.VALUATION", "pb", "x", "", 2.40, 2.50),
    ("SW.801055.VALUATION", "pe", "x", "", 19.00, 20.00),
    ("SW.801055.VALUATION", "pb", "x", "", 1.90, 2.00),
]


def live_rows() -> pd.DataFrame:
    """The constructed rows of :data:`LIVE`, canonical."""
    rows = [
        {"instrument": i, "field": f, "date": pd.Timestamp(day), "value": float(v), "unit": u,
         "currency": c, "source": "test:constructed"}
        for i, f, u, c, before, now in LIVE
        for day, v in ((PREV, before), ("2025-12-12", now))
    ]  # fmt: skip
    return frame.validate(pd.DataFrame(rows))


def _report(path, lang: str, *, live: bool) -> WeeklyReport:
    with Store(path) as st:
        if live:
            st.upsert(live_rows())
        data = read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)
    return build_weekly(data, lang=lang)


def _tables(report: WeeklyReport) -> dict[str, list[list[str]]]:
    return {
        t.key: [[c.text for c in row] for row in t.rows] for s in report.sections for t in s.tables
    }


def _row(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r[0].startswith(first))


@pytest.fixture
def live_en(store_path) -> WeeklyReport:
    return _report(store_path, "en", live=True)


def test_spot_and_basis_rows(live_en) -> None:
    rows = _tables(live_en)["spot"]
    assert [r[0] for r in rows] == [
        "China copper spot (100ppi), basis to the dominant contract",
        "China gold spot (100ppi), basis to the dominant contract",
    ]  # only the two stored; in layout order
    # 91000 / 90000 - 1 = +1.11 %; basis -250, its change -250 - (-100) = -150
    assert rows[0][1:] == ["100ppi", "CNY/t", "91,000", "+1.11%", "-250", "-150", "2025-12-12"]
    # 955 / 950 - 1 = +0.53 %; basis 2.25, change 2.25 - 1.50 = +0.75
    assert rows[1][1:] == ["100ppi", "CNY/g", "955.00", "+0.53%", "+2.25", "+0.75", "2025-12-12"]
    figures = live_en.figures.set_index(["instrument", "metric"])
    assert figures.loc[("CN.SPOT.CU", "basis_wow"), "value"] == -150


def test_yangshan_premiums_are_the_bundled_midpoints(live_en) -> None:
    rows = _tables(live_en)["yangshan"]
    # Mysteel midpoints on 2025-12-12 (USD/t) and against 2025-12-05: warrant unchanged,
    # bill of lading 48 -> 46 and 46 -> 44 (shared/data/copper_inventory_premium_loong)
    assert [r[3:] for r in rows] == [
        ["40", "0", "2025-12-12"],
        ["35", "0", "2025-12-12"],
        ["46", "-2", "2025-12-12"],
        ["44", "-2", "2025-12-12"],
    ]
    assert rows[1][0].startswith("Yangshan copper premium, warehouse warrant, hydrometallurgical")


def test_benchmarks_warrants_cobalt_and_sub_index_rows(live_en) -> None:
    tables = _tables(live_en)
    # 960.50 / 950 - 1 = +1.11 %
    assert _row(tables["precious"], "SGE Shanghai Gold benchmark")[3:6] == [
        "960.50", "2025-12-12", "+1.11%"
    ]  # fmt: skip
    assert _row(tables["precious"], "SGE Shanghai Silver benchmark")[3:6] == [
        "12,500", "2025-12-12", "+4.17%"
    ]  # fmt: skip
    # 61000 - 60000 = +1000, +1.67 %; zinc 29000 - 30000 = -1000, -3.33 %
    assert _row(tables["inventory"], "SHFE aluminium warehouse warrants")[3:7] == [
        "61,000", "2025-12-12", "+1,000", "+1.67%"
    ]  # fmt: skip
    assert _row(tables["inventory"], "SHFE zinc warehouse warrants")[3:7] == [
        "29,000", "2025-12-12", "-1,000", "-3.33%"
    ]  # fmt: skip
    assert _row(tables["battery"], "Cobalt metal 99.8%, LME 15-month")[3:6] == [
        "51,000", "2025-12-12", "+2.00%"
    ]  # fmt: skip
    assert _row(tables["recap"], "Shenwan industrial metals index")[4:6] == [
        "4,100.0", "2025-12-12"
    ]  # fmt: skip


def test_sector_valuation(live_en) -> None:
    rows = _tables(live_en)["valuation"]
    assert rows == [
        ["Shenwan nonferrous metals index", "801050", "30.00", "2.50", "2025-12-12"],
        ["Shenwan industrial metals index", "801055", "20.00", "2.00", "2025-12-12"],
    ]
    table = next(t for s in live_en.sections for t in s.tables if t.key == "valuation")
    assert "does not say whether PE is trailing twelve months or static" in table.formula


def test_without_live_rows_no_empty_table_is_printed(store_path) -> None:
    report = _report(store_path, "en", live=False)
    tables = _tables(report)
    assert tables["spot"] == [] and tables["valuation"] == []
    html = render_html(report)
    assert "Spot and basis (100ppi)" not in html and "Sector valuation" not in html
    assert "Yangshan copper premiums" in html  # bundled: shown


def test_never_fetched_live_series_are_one_line_per_kind(store_path) -> None:
    report = _report(store_path, "en", live=False)
    groups = {g.label: g.count for g in report.status.unfetched}
    assert groups == {
        "SGE prices and benchmarks": "3",
        "SHFE stocks and warrants": "7",
        "China quotes": "1",
        "Shenwan indices and valuation": "12",
        "100ppi spot and basis": "10",
    }  # the overseas equities are on no default watch list: not in this weekly
    assert report.status.unfetched_count == "33"
    # bundled series whose history starts after the week stay one line each
    assert [(m.instrument, m.reason) for m in report.status.missing] == [
        (i, "no data on or before this week")
        for i in ("COMEX.GC.STOCK", "COMEX.SI.STOCK", "COMEX.HG.STOCK")
    ]
    html = render_html(report)
    assert (
        'Fetched live only, not yet fetched</b> (33): <span class="name">SGE prices and '
        "benchmarks</span> (3), "
    ) in html
    assert "(CN.SPOT.CU)" not in html


def test_an_equity_is_in_the_status_only_when_a_watch_list_names_it(store_path) -> None:
    lists = {"rare earths": ["SSE.600111", "NYSE.MP"]}
    with Store(store_path) as st:
        data = read_week(st, WEEK, report_instruments(lists), history_days=HISTORY_DAYS)
    report = build_weekly(data, lang="en", analyst=AnalystInput(watch_lists=lists))
    groups = {g.label: (g.ids, g.count) for g in report.status.unfetched}
    assert groups["Overseas equities"] == (["NYSE.MP"], "1")
    assert report.status.unfetched_count == "34"


def test_a_failed_update_of_a_live_series_stays_its_own_line(store_path) -> None:
    with Store(store_path) as st:
        st.log_fetch("CN.SPOT.CU", "test", "error", message="100ppi answered an empty table")
    report = _report(store_path, "en", live=False)
    (item,) = [m for m in report.status.missing if m.instrument.startswith("CN.SPOT")]
    assert (item.instrument, item.reason) == (
        "CN.SPOT.CU",
        "update failed: 100ppi answered an empty table",
    )
    assert {g.label: g.count for g in report.status.unfetched}["100ppi spot and basis"] == "9"


@pytest.mark.parametrize("live", [True, False])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_printed_is_in_the_appendix(store_path, lang, live) -> None:
    from tests.test_appendix_complete import unrecorded

    report = _report(store_path, lang, live=live)
    assert unrecorded(render_html(report), report.figures) == []


def test_zh_status_line_and_tables(store_path) -> None:
    html = render_html(_report(store_path, "zh", live=False))
    assert (
        '仅在线获取、尚未获取的序列</b>（33）：<span class="name">'
        "上海黄金交易所价格与基准价</span>（3）" in html
    )
    assert "——运行 metalwatch update 即可获取。" in html
    assert "现货与基差（生意社）" not in html and "板块估值" not in html
