"""Small page defects: the cover's stance without an analyst file, "3-month" kept whole, English
says aluminium, the zh sources table in Chinese."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from metalwatch import provenance
from metalwatch.reporting import build_weekly
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.templates import render_html
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("cover") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


@pytest.fixture(scope="module")
def en_html(data):
    return render_html(build_weekly(data, lang="en"))


@pytest.fixture(scope="module")
def zh_model(data):
    return build_weekly(data, lang="zh")


def test_no_analyst_file_says_not_rated_and_invents_no_rating(en_html, zh_model):
    assert zh_model.rating == ""
    zh_html = render_html(zh_model)
    assert "行业评级</span> <b>未评级</b>" in zh_html
    assert "未提供分析师文件：本报告观点由数据生成，不构成投资评级" in zh_html
    assert "<b>Not rated</b>" in en_html
    covers = "".join(
        re.search(r'<header class="masthead">.*?</header>', h, re.S).group(0)
        for h in (zh_html, en_html)
    )
    assert "未评级" in covers and "Not rated" in covers
    for rating in ("领先大市", "看好", "Overweight", "Outperform"):  # the disclaimer defines them
        assert rating not in covers


def test_an_analyst_rating_replaces_the_unrated_box(data):
    notes = AnalystInput(rating={"en": "Overweight", "status": "maintained"})
    html = render_html(build_weekly(data, lang="en", analyst=notes))
    assert "<b>Overweight</b>" in html and "Not rated" not in html


def test_cover_keeps_3_month_whole(en_html):
    # "LME aluminium 3-month" wraps at spaces only, never at the hyphen
    assert 'LME aluminium <span class="nowrap">3-month</span>' in en_html


def test_english_says_aluminium(en_html):
    text = re.sub(r"<[^>]+>", " ", en_html)
    assert "Aluminum" not in text and "aluminum" not in text
    assert '<td class="text name">Aluminium</td>' in en_html  # the SHFE-against-LME row


def test_zh_sources_table_is_chinese(zh_model):
    rows = {s.instrument: s.source for s in zh_model.status.sources}
    assert rows["LME.CA.3M"] == "LME铜三个月官方价，经 westmetall.com 转载"
    assert rows["CFTC.GC.FUT"] == "CFTC分类持仓报告（仅期货），COMEX黄金 088691，周度"
    html = render_html(zh_model)
    assert "as republished by westmetall.com" not in html
    assert "daily, via yfinance" not in html


def test_every_bundled_source_has_a_chinese_description():
    bundled = [iid for iid, entry in provenance.provenance().items() if "upstream" in entry]
    assert len(bundled) >= 80
    missing = [iid for iid in bundled if provenance.upstream(iid, "zh") == provenance.upstream(iid)]
    assert missing == []
    assert provenance.upstream("LME.CA.3M") == (
        "LME copper 3-month official price, as republished by westmetall.com"
    )
    assert provenance.upstream("NO.SUCH", "zh") == ""
