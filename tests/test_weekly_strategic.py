"""Lithium, cobalt and antimony beside the rare earths; prices named for what they are; no
Shanghai-London premium printed as a fact. Values computed by hand from the bundled rows."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch import registry
from metalwatch.reporting import build_weekly, render_html
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def week_1212(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("strategic") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


@pytest.fixture(scope="module")
def en(week_1212):
    return build_weekly(week_1212, lang="en")


@pytest.fixture(scope="module")
def zh(week_1212):
    return build_weekly(week_1212, lang="zh")


def rows(m, key: str) -> dict[str, list[str]]:
    table = next(t for s in m.sections for t in s.tables if t.key == key)
    return {r[0].text: [c.text for c in r[1:]] for r in table.rows}


def test_lithium_cobalt_antimony_level_wow_ytd(en):
    got = rows(en, "battery")
    # GFEX LC0 2025-12-12 97,720 against 92,160 (2025-12-05) and 77,100 (2024-12-31)
    assert got["GFEX lithium carbonate (main continuous)"][2:6] == [
        "97,720",
        "2025-12-12",
        "+6.03%",
        "+26.74%",
    ]
    # KOMIS cobalt LME cash 52,370 against 51,060 and 24,300
    assert got["Cobalt metal 99.8%, LME cash (KOMIS)"][2:6] == [
        "52,370",
        "2025-12-12",
        "+2.57%",
        "+115.51%",
    ]
    # KOMIS antimony ingot 34,747.13 against 34,720 and 34,885.69; LiOH 10.75 against 10.44, 9.89
    assert got["Antimony ingot 99.65% FOB China (KOMIS)"][2:6] == [
        "34,747",
        "2025-12-12",
        "+0.08%",
        "-0.40%",
    ]
    assert got["Lithium hydroxide monohydrate 56.5% FOB China (KOMIS)"][4:6] == ["+2.97%", "+8.70%"]


def test_strategic_section_has_rare_earths_then_lithium_cobalt_antimony(en):
    strategic = next(s for s in en.sections if s.key == "strategic")
    assert [t.key for t in strategic.tables] == ["strategic", "rare-earth-fob", "battery"]
    assert rows(en, "strategic")["PrNd oxide (SMM quote)"][0] == "SMM"  # not "CN"
    assert len(strategic.charts) == 2
    # every chart states its period from the data, not the window asked for
    assert strategic.charts[0].title.endswith("2025-12-11")
    assert "2023-12-1" in strategic.charts[1].title and strategic.charts[1].title.endswith(
        "2025-12-12"
    )


def test_prices_are_named_for_what_they_are(en, zh):
    precious, industrial = rows(en, "precious"), rows(en, "industrial")
    assert precious["LBMA gold price PM"][0] == "PM fix"
    assert precious["COMEX gold (front month)"][0] == "front month (continuous)"
    assert industrial["LME copper 3-month"][0] == "official 3-month"
    assert industrial["LME copper cash settlement"][0] == "official cash"
    zh_precious, zh_industrial = rows(zh, "precious"), rows(zh, "industrial")
    assert zh_precious["伦敦金下午定盘价"][0] == "下午定盘价"
    assert zh_industrial["伦铜三个月"][0] == "官方三个月价"
    header = next(t for s in zh.sections for t in s.tables if t.key == "industrial").columns
    assert header[3].text == "价格"  # not 收盘: LME official prices are not closes


def test_no_shanghai_london_premium_as_a_fact(en, zh):
    html_en, html_zh = render_html(en), render_html(zh)
    assert "AU.SH-LDN" not in set(en.figures["instrument"])
    assert "Shanghai gold traded" not in html_en and "-69.35" not in html_en
    # 上海金 is SGE's benchmark: it may name SGE's own series, never an SHFE future or a premium
    sge = {registry.get(i).name("zh") for i in registry.all_instruments() if i.startswith("SGE.")}
    outside_sge = html_zh
    for name in sge:
        outside_sge = outside_sge.replace(name, "")
    assert "上海金" not in outside_sge and "沪伦金价溢价" not in html_zh
    shfe = [registry.get(i).name("zh") for i in registry.all_instruments() if i.startswith("SHFE.")]
    assert not [n for n in shfe if "上海金" in n]
    assert "No Shanghai-London gold premium is printed" in html_en


def test_price_tables_state_their_conventions(en):
    table = next(t for s in en.sections for t in s.tables if t.key == "industrial")
    assert "previous Friday" in table.formula and "official (midday)" in table.formula
