"""Back matter and layout rules: the disclaimer (certification, ratings, legal notice) before a
compact appendix of data status and sources in the report's language; stocks to watch with
each company once; no orphan headings or split rows (the CSS the PDF is laid out with)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("back") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


@pytest.fixture(scope="module")
def zh(data):
    return build_weekly(data, lang="zh")


def test_disclaimer_then_appendix_in_the_reports_language(zh, data):
    html = render_html(zh)
    assert html.index("风险提示") < html.index("免责声明") < html.index("附录：数据状态与来源")
    assert html.index("附录：数据状态与来源") < html.index("数据状态") < html.index("数据来源")
    for heading in ("分析师声明", "评级说明", "法律声明"):
        assert heading in html
    assert '<th class="text">许可</th>' not in html  # no licence column on client pages
    en = render_html(build_weekly(data, lang="en"))
    for heading in ("Analyst certification", "Rating definitions", "Legal notice"):
        assert heading in en
    own = build_weekly(data, lang="en", analyst=AnalystInput(disclaimer={"en": "House text."}))
    assert "House text." in render_html(own) and "Legal notice" not in render_html(own)


def test_stocks_to_watch_list_each_company_once(zh):
    table = next(t for s in zh.sections for t in s.tables if t.key == "equities")
    names = [r[0].text for r in table.rows]
    assert names.count("紫金矿业") == 1
    zijin = next(r for r in table.rows if r[0].text == "紫金矿业")
    assert zijin[2].text == "黄金、铜"  # tagged with both watch lists
    assert [c.text for c in table.columns][-2:] == ["52周最低", "52周最高"]


def test_no_orphan_headings_or_split_rows(zh):
    html = render_html(zh)
    assert "h2, h3, caption, .lead, .commentary { break-after: avoid; }" in html
    assert "break-inside: avoid; }" in html.split("table.data {", 1)[1].split("\n", 1)[0]
    assert "tr { break-inside: avoid; }" in html
    assert "figure { margin: 2mm 0 3mm 0; break-inside: avoid; }" in html


def test_english_headlines_are_marked_in_the_chinese_report(zh):
    html = render_html(zh)
    # the week's three stored headlines are in English (SMM, Forward Rubber)
    assert all(n["foreign"] == "en" for n in zh.news) and len(zh.news) == 3
    assert html.count("【英文】") == 3
