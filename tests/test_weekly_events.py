"""Events in the weekly of 2025-12-12: the policy boxes, the chart keys, the core views, the
analyst's events; the event study figures checked against the bundled closes by hand."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from metalwatch.errors import InvalidInputError
from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.analyst import load_analyst
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.render import write_pdf
from metalwatch.store import Store
from metalwatch.store.week import read_week
from tests.test_appendix_complete import unrecorded

WEEK = pd.Timestamp("2025-12-12")
PACT_SOURCE = "搜狐财经 2025-12-13 17:40; 搜狐财经 2025-12-15 04:45"
VIETNAM_SOURCE = "搜狐财经 2025-12-15 03:30; 搜狐财经 2025-12-14 00:50"
STATEMENT_SOURCE = "搜狐财经 2025-12-13 17:40"
FED_SOURCE = "国投证券 2025-12-14 12:01"


@pytest.fixture(scope="module")
def week_data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("ev") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)


@pytest.fixture(scope="module")
def models(week_data):
    return {lang: build_weekly(week_data, lang=lang) for lang in ("en", "zh")}


@pytest.fixture(scope="module")
def html(models):
    return {lang: render_html(m) for lang, m in models.items()}


def section(model, key):
    return next(s for s in model.sections if s.key == key)


def html_section(page: str, key: str) -> str:
    start = page.index(f'id="sec-{key}"')
    return page[start : page.index("</section>", start)]


def rows(box_rows):
    return [(r.when, r.region, r.source) for r in box_rows]


def test_the_rare_earth_box_holds_the_weeks_three_events_newest_first(models):
    box = section(models["en"], "strategic").policy
    assert rows(box.week) == [
        ("2025-12-12", "China", STATEMENT_SOURCE),
        ("2025-12-11", "Vietnam", VIETNAM_SOURCE),
        ("2025-12-11", "United States", PACT_SOURCE),
    ]
    assert box.week[2].kind == "Alliance"
    assert box.week[2].text.startswith("US signs a critical-minerals supply-chain agreement")
    zh = section(models["zh"], "strategic").policy
    assert [(r.when, r.region) for r in zh.week] == [
        ("2025-12-12", "中国"),
        ("2025-12-11", "越南"),
        ("2025-12-11", "美国"),
    ]
    assert zh.week[1].text.startswith("越南国会通过地质与矿产法修正案")


def test_recent_events_are_months_as_months_and_the_scheduled_ban_is_marked(models):
    box = section(models["en"], "strategic").policy
    # 2025-04 is more than three months back: on the chart, not in the box
    assert [r.when for r in box.recent] == ["2025-12", "2025-12", "2025-10-16", "2025-10-09"]
    # no "five sessions after" a day a month event did not have
    assert [r.study == "" for r in box.recent] == [True, True, False, False]
    assert [(r.when, r.status) for r in box.scheduled] == [("2026-01-01", "scheduled")]
    zh = section(models["zh"], "strategic").policy
    assert [r.when for r in zh.recent][:2] == ["2025年12月", "2025年12月"]


def test_the_fed_cut_is_in_the_gold_and_base_metal_boxes_not_in_rare_earths(models):
    for key in ("precious", "industrial"):
        box = section(models["en"], key).policy
        assert rows(box.week) == [("2025-12-10", "United States", FED_SOURCE)]
        assert box.recent == [] and box.scheduled == []
    assert "2025-12-10" not in [r.when for r in section(models["en"], "strategic").policy.week]


def test_event_study_quoted_before_when_the_after_side_is_not_complete(models):
    """COMEX gold: last close before 2025-12-10 is 4206.7 (12-09), five sessions earlier 4186.6
    (12-02): 4206.7 / 4186.6 - 1 = +0.48 %; silver 60.17 / 57.98 - 1 = +3.78 %. KOMIS Pr oxide
    before the pact: 94.37 (12-10) / 95.19 (12-03) - 1 = -0.86 %."""
    fed = section(models["en"], "precious").policy.week[0]
    assert fed.study == (
        "COMEX gold (front month) +0.48% in the 5 sessions before; "
        "COMEX silver (front month) +3.78% in the 5 sessions before"
    )
    pact = section(models["en"], "strategic").policy.week[2]
    assert pact.study == "Praseodymium oxide FOB China (KOMIS) -0.86% in the 5 sessions before"
    zh = section(models["zh"], "precious").policy.week[0]
    assert zh.study.startswith("COMEX黄金事件前5个交易日+0.48%")


def test_event_study_quoted_after_when_all_five_sessions_are_in(models):
    """2025-10-09: base 95.55 (09-29, the holiday before), fifth session on or after the day
    10-14 at 94.62: -0.97 %. Cobalt 2025-10-16: 42,310 (10-15) to 46,700 (10-22): +10.38 %."""
    recent = section(models["en"], "strategic").policy.recent
    by_when = {r.when: r.study for r in recent}
    assert by_when["2025-10-09"] == (
        "Praseodymium oxide FOB China (KOMIS) -0.97% in the 5 sessions after"
    )
    assert by_when["2025-10-16"] == "LME cobalt cash (KOMIS) +10.38% in the 5 sessions after"
    figs = models["en"].figures
    got = figs[(figs["instrument"] == "KOMIS.CO.LME_CASH") & (figs["metric"] == "event_after_pct")]
    assert list(got["text"]) == ["+10.38%"]
    assert got["as_of"].iloc[0] == pd.Timestamp("2025-10-22")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rendered_sections_show_the_four_events_with_dates_and_sources(html, lang):
    rare = html_section(html[lang], "strategic")
    for day, source in (
        ("2025-12-11", PACT_SOURCE),
        ("2025-12-11", VIETNAM_SOURCE),
        ("2025-12-12", STATEMENT_SOURCE),
    ):
        assert day in rare and source in rare
    gold = html_section(html[lang], "precious")
    assert "2025-12-10" in gold and FED_SOURCE in gold
    heading = "Policy and events" if lang == "en" else "政策与事件"
    assert heading in gold and heading in rare
    assert ("计划" if lang == "zh" else "Scheduled") in rare


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_month_events_are_never_printed_as_a_day(html, lang):
    assert "2025-04-01" not in html[lang]
    assert "2025-12-01" not in html[lang]


def test_chart_keys_number_the_events_in_the_charts_window(models):
    rare = section(models["en"], "strategic").charts[0]
    assert [(k.number, k.when) for k in rare.key] == [
        (1, "2025-04"),
        (2, "2025-10-09"),
        (3, "2025-12"),
        (4, "2025-12"),
        (5, "2025-12-11"),
        (6, "2025-12-11"),
        (7, "2025-12-12"),
    ]
    assert (
        rare.key[0].text == "China imposes export controls on rare-earth items for the first time"
    )
    gold = section(models["en"], "precious").charts[0]
    assert [(k.number, k.when, k.region) for k in gold.key] == [(1, "2025-12-10", "United States")]
    battery = section(models["en"], "strategic").charts[1]
    assert [(k.number, k.when, k.region) for k in battery.key] == [(1, "2025-10-16", "DR Congo")]
    zh = section(models["zh"], "strategic").charts[0]
    assert [k.when for k in zh.key][:3] == ["2025年4月", "2025-10-09", "2025年12月"]


def test_chart_keys_are_printed_under_the_charts(html):
    rare = html_section(html["en"], "strategic")
    key = re.search(r'<figcaption class="chart-key">(.*?)</figcaption>', rare, re.S)
    assert key is not None
    text = re.sub(r"<[^>]+>", "", key.group(1))
    assert "1 2025-04 China: China imposes export controls" in text
    assert "2 2025-10-09 China: MOFCOM widens rare-earth export controls" in text


def test_core_views_name_the_weeks_events_with_date_and_who(models, html):
    leads = [v.lead for v in models["en"].event_views]
    assert leads == [
        "2025-12-10, United States, on gold, silver, copper, aluminium and tin:",
        "2025-12-11, United States, on rare earths:",
        "2025-12-11, Vietnam, on rare earths:",
        "2025-12-12, China, on rare earths:",
    ]
    assert [v.lead for v in models["zh"].event_views][1] == "2025-12-11，美国，涉及稀土："
    core = html["en"][html["en"].index('class="core-views"') :]
    core = core[: core.index("</section>")]
    assert "2025-12-11, Vietnam, on rare earths:" in core and VIETNAM_SOURCE in core


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_event_figure_is_in_the_appendix(models, html, lang):
    assert unrecorded(html[lang], models[lang].figures) == []


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        return out.stdout.decode("utf-8")
    from pypdf import PdfReader

    return " ".join(p.extract_text() for p in PdfReader(path).pages)


def test_the_chinese_pdf_text_layer_carries_the_events(html, tmp_path):
    out = tmp_path / "weekly-zh.pdf"
    write_pdf(html["zh"], out)
    text = re.sub(r"\s+", " ", _pdf_text(out))
    assert "政策与事件" in text
    assert "2025年4月 中国：中国首次对稀土物项实施出口管制" in text
    assert "2025-12-11" in text and "2025-12-12" in text and "2025-12-10" in text
    assert "国投证券 2025-12-14 12:01" in text
    assert "2025-04-01" not in text


def _analyst(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "analyst.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_an_analyst_event_replaces_the_stored_one_with_its_id_and_adds_new_ones(
    week_data, tmp_path
):
    path = _analyst(
        tmp_path,
        "events:\n"
        "  - id: 2025-12-11.VN.export_control.rare_earths\n"
        "    date: 2025-12-11\n"
        "    region: VN\n"
        "    kind: export_control\n"
        "    metals: [rare_earths]\n"
        "    text_en: Vietnam bans raw rare-earth exports (desk wording)\n"
        "    source: Desk note\n"
        "  - {date: 2025-12-09, region: ID, kind: supply, metals: tin,"
        " text_en: Indonesia cuts tin export quotas, source: Desk note 2}\n",
    )
    model = build_weekly(week_data, lang="en", analyst=load_analyst(path))
    rare = section(model, "strategic").policy.week
    assert [(r.when, r.text, r.source) for r in rare if r.region == "Vietnam"] == [
        ("2025-12-11", "Vietnam bans raw rare-earth exports (desk wording)", "Desk note")
    ]
    assert len(rare) == 3
    tin = section(model, "industrial").policy.week
    assert rows(tin) == [
        ("2025-12-10", "United States", FED_SOURCE),
        ("2025-12-09", "Indonesia", "Desk note 2"),
    ]


def test_a_bad_analyst_event_is_one_line_naming_file_line_and_entry(tmp_path):
    path = _analyst(
        tmp_path,
        "events:\n"
        "  - {date: 2025-12-10, region: US, kind: monetary, metals: gold, text_en: a, source: b}\n"
        "  - {date: 2025-12-11, region: US, kind: alliance, metals: rare_earths, text_en: c,"
        " source: d}\n"
        "  - {date: 2025-12-12, region: CN, kind: rumour, metals: rare_earths, text_en: e,"
        " source: f}\n",
    )
    with pytest.raises(InvalidInputError) as err:
        load_analyst(path)
    assert str(err.value) == (
        f"{path}:4: events[2]: kind 'rumour' is not one of export_control, licence, supply, "
        "monetary, alliance, statement, tariff, sanction, other"
    )
    assert "\n" not in str(err.value)


def test_an_analyst_event_with_an_unknown_key_or_a_bad_month(tmp_path):
    path = _analyst(tmp_path, "events:\n  - {date: 2025-12, regoin: CN}\n")
    with pytest.raises(InvalidInputError, match=r":2: unknown key 'regoin' in events\[0\]"):
        load_analyst(path)
    path = _analyst(
        tmp_path,
        "events:\n  - {date: 2025-04-09, precision: month, region: CN, kind: other,"
        " metals: gold, text_en: x, source: y}\n",
    )
    with pytest.raises(InvalidInputError, match=r"events\[0\]: a month-precision date is the"):
        load_analyst(path)
