"""Macro and drivers, and positioning: the sections after the core views, against values
computed by hand from the bundled FRED, Yahoo and CFTC rows."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch.analytics.positioning import last_public_as_of, managed_money
from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def path(tmp_path_factory, seeded_path):
    out = tmp_path_factory.mktemp("drivers") / "s.sqlite"
    shutil.copyfile(seeded_path, out)
    return out


def data(path, week: str):
    with Store(path) as st:
        return read_week(st, pd.Timestamp(week), report_instruments(), history_days=HISTORY_DAYS)


@pytest.fixture(scope="module")
def week_1212(path):
    return data(path, "2025-12-12")


@pytest.fixture(scope="module")
def en(week_1212):
    return build_weekly(week_1212, lang="en")


def table(m, key: str) -> dict[str, list[str]]:
    t = next(t for s in m.sections for t in s.tables if t.key == key)
    return {r[0].text: [c.text for c in r[1:]] for r in t.rows}


def test_macro_and_positioning_follow_the_core_views(en):
    assert [s.key for s in en.sections[:3]] == ["macro", "positioning", "precious"]
    html = render_html(en)
    assert html.index("Core views") < html.index("Macro and drivers") < html.index("Positioning")


def test_macro_levels_and_weekly_change_in_bp(en):
    rows = table(en, "macro")
    # FRED 2025-12-12 against 2025-12-05: DGS10 4.19 - 4.14, DFII10 1.93 - 1.88, DGS2 3.52 -
    # 3.56, T10YIE 2.26 - 2.26, DFF 3.64 - 3.89 (the Fed's cut of 10 December)
    assert rows["US 10-year Treasury yield"][1:] == ["4.19%", "2025-12-12", "+5 bp"]
    assert rows["US 10-year TIPS real yield"][1:] == ["1.93%", "2025-12-12", "+5 bp"]
    assert rows["US 2-year Treasury yield"][3] == "-4 bp"
    assert rows["US 10-year breakeven inflation rate"][3] == "0 bp"
    assert rows["Effective federal funds rate"][1:] == ["3.64%", "2025-12-12", "-25 bp"]
    # DXY 98.400002 / 98.989998 - 1 = -0.596 %; USD/CNY 7.0579 / 7.0714 - 1 = -0.191 %
    assert rows["US dollar index"][1:] == ["98.40", "2025-12-12", "-0.60%"]
    assert rows["USD/CNY"][1:] == ["7.0579", "2025-12-12", "-0.19%"]
    macro = en.sections[0]
    assert macro.lead == (
        "The US 10-year Treasury yield rose 5 bp to 4.19% and the 10-year real yield rose 5 bp "
        "to 1.93%; the dollar index lost 0.60% to 98.40."
    )
    assert len(macro.charts) == 1 and "inverted axis" in macro.charts[0].title


def test_positioning_futures_only_as_of_tuesday(en):
    rows = table(en, "positioning")
    # CFTC futures-only, 2025-12-09: gold long 143,383 - short 19,835 = 123,548 of OI 432,569
    # (28.56 %), against 120,324 on 2025-12-02 (+3,224)
    assert rows["COMEX gold"][:7] == [
        "futures only",
        "2025-12-09",
        "143,383",
        "19,835",
        "123,548",
        "+28.56%",
        "+3,224",
    ]
    # silver 39,798 - 14,023 = 25,775 of 154,762 (16.65 %), +6,801; copper 80,015 - 9,531 =
    # 70,484 of 250,821 (28.10 %), +7,025
    assert rows["COMEX silver"][4:7] == ["25,775", "+16.65%", "+6,801"]
    assert rows["COMEX copper"][4:7] == ["70,484", "+28.10%", "+7,025"]
    t = next(t for t in en.sections[1].tables)
    assert "released by the CFTC on Friday" in t.formula


def test_positioning_uses_only_the_report_public_by_the_weeks_end(week_1212):
    rows = week_1212.positions
    assert last_public_as_of(pd.Timestamp("2025-12-12")) == pd.Timestamp("2025-12-09")
    # on Monday 2025-12-08 the 2025-12-09 report is not out: the 2025-12-02 one is used
    monday = managed_money(rows, pd.Timestamp("2025-12-08"), ("CFTC.GC.FUT",))
    assert monday is not None and monday.as_of == pd.Timestamp("2025-12-02")
    assert monday.net == 120324


def test_positioning_never_mixes_the_two_reports(path):
    # futures-only rows end 2026-01-06: in March the combined report is used, with its own
    # previous week (2026-02-24: 99,937), never a futures-only one
    got = managed_money(
        data(path, "2026-03-06").positions,
        pd.Timestamp("2026-03-06"),
        ("CFTC.GC.FUT", "CFTC.GC.COMBINED"),
    )
    assert got is not None and got.instrument == "CFTC.GC.COMBINED"
    assert (got.as_of, got.net, got.prev_net) == (pd.Timestamp("2026-03-03"), 100855, 99937)
    assert round(got.pct_oi, 2) == round(100855 / 699876 * 100, 2)


def test_chinese_drivers(week_1212):
    zh = build_weekly(week_1212, lang="zh")
    assert zh.sections[0].title == "宏观与驱动因素"
    assert zh.sections[0].lead.startswith("美国10年期国债收益率上行5bp至4.19%")
    assert table(zh, "positioning")["COMEX黄金"][0] == "仅期货"
