"""The weekly's futures-curves table, from curves stored by a replayed ``metalwatch update``
(the SHFE copper and GFEX lithium reports of 2025-12-05 and 2025-12-12; see
tests/fixtures/futures_curve/PROVENANCE.md for what in them is constructed)."""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.model import build_weekly
from metalwatch.reporting.templates import render_html
from metalwatch.store import Store
from metalwatch.store.week import read_week
from tests.test_curve import curve_store  # noqa: F401  (fixture)

WEEK = pd.Timestamp("2025-12-12")


@pytest.fixture
def week_data(curve_store):  # noqa: F811
    with Store(curve_store) as st:
        return read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)


def _curves(report):
    recap = next(s for s in report.sections if s.key == "recap")
    return next((t for t in recap.tables if t.key == "curves"), None)


def test_read_week_holds_the_contract_settlements_of_both_weeks(week_data) -> None:
    cu = week_data.curves[week_data.curves["instrument"].str.startswith("SHFE.CU.")]
    assert sorted(cu["date"].dt.strftime("%Y-%m-%d").unique()) == ["2025-12-05", "2025-12-12"]
    assert set(cu["field"]) == {"settle"}
    m1 = cu[(cu["instrument"] == "SHFE.CU.2512") & (cu["date"] == WEEK)]["value"].item()
    assert m1 == 93580  # the report's cu2512 settlement


def test_the_table_states_m1_m3_and_its_change_on_the_same_contracts(week_data) -> None:
    report = build_weekly(week_data, lang="en")
    table = _curves(report)
    assert table is not None
    rows = {r[0].text: [c.text for c in r] for r in table.rows}
    # 93580 - 93700 = -120 on 12-12; -100 on 12-05 (91520 - 91620): contango widened by 20
    assert rows["SHFE copper"] == [
        "SHFE copper", "CU2512–CU2602", "Contango", "-120", "CNY/t", "-0.13%", "-20", "2025-12-12",
    ]  # fmt: skip
    assert list(rows) == [r for r in ("SHFE copper", "GFEX lithium carbonate") if r in rows]
    figures = report.figures.set_index(["instrument", "metric"])
    assert figures.loc[("SHFE.CU.M1M3", "m1_m3"), "value"] == -120
    assert figures.loc[("SHFE.CU.M1M3", "m1_m3_wow"), "value"] == -20


def test_zh_table_and_html(week_data) -> None:
    report = build_weekly(week_data, lang="zh")
    table = _curves(report)
    assert table is not None
    cu = next(r for r in table.rows if r[0].text == "沪铜")
    assert [c.text for c in cu[1:4]] == ["CU2512–CU2602", "正向结构（远月升水）", "-120"]
    html = render_html(report)
    assert "期货曲线：近月与第三月合约价差" in html and "正向结构（远月升水）" in html


def test_no_curve_stored_no_table(store_path) -> None:
    with Store(store_path) as st:
        data = read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)
    assert data.curves.empty
    assert _curves(build_weekly(data, lang="en")) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_curve_figure_printed_is_in_the_appendix(week_data, lang) -> None:
    from tests.test_appendix_complete import unrecorded

    report = build_weekly(week_data, lang=lang)
    assert unrecorded(render_html(report), report.figures) == []
