"""Per-metal paragraphs: copper cites the SHFE/LME ratio, the import window at the day's Yangshan
premium, LME cash-3M, stocks and positioning; silver the gold/silver ratio and its weekly change;
aluminium and tin the ratio, cash-3M and stocks. Values by hand from the bundled rows of
2025-12-12 (USD/CNY 7.0579, VAT 13 %, duty: copper and aluminium 0, tin 3 %)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.records import WeeklyHistory
from metalwatch.analytics.resample import as_wide
from metalwatch.reporting import build_weekly, crossvenue, leads
from metalwatch.reporting.drivers import positions
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.layout import HISTORY_DAYS, context_instruments, report_instruments
from metalwatch.store import Store
from metalwatch.store.week import read_week

FX = 7.057899951934815


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("paragraphs") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        return read_week(
            st, pd.Timestamp("2025-12-12"), report_instruments(), history_days=HISTORY_DAYS
        )


@pytest.fixture(scope="module")
def en(data):
    return build_weekly(data, lang="en")


@pytest.fixture(scope="module")
def zh(data):
    return build_weekly(data, lang="zh")


def _lead(model, key):
    return next(s.lead for s in model.sections if s.key == key)


def test_copper_paragraph(en):
    copper = _lead(en, "industrial").split(" Aluminium: ")[0]
    assert round(94170 / (11800 * FX), 3) == 1.131
    assert "the SHFE/LME ratio 1.131 against an import break-even of 1.130" in copper
    # landed cost (11,800 + 40 Yangshan warrant premium) x 7.0579 x 1.13 = 94,429.06
    assert round(94170 - (11800 + 40) * FX * 1.13) == -259
    assert "the import window shut: a loss of 259 CNY/t at a Yangshan premium of 40 USD/t" in copper
    # LME cash 11,816 - 3-month 11,800
    assert "LME cash at a backwardation of 16.0 USD/t over 3-month" in copper
    assert "LME copper stocks built by 3,350 t to 165,900 t" in copper  # 162,550 -> 165,900
    assert "managed money's net position 70,484 contracts as of 2025-12-09" in copper


def test_aluminium_and_tin_paragraphs(en):
    text = _lead(en, "industrial")
    aluminium = text.split(" Aluminium: ")[1].split(" Tin: ")[0]
    tin = text.split(" Tin: ")[1]
    assert round(22170 / (2876 * FX), 3) == 1.092
    assert "the SHFE/LME ratio 1.092 against an import break-even of 1.130" in aluminium
    assert "LME cash at a contango of 30.5 USD/t under 3-month" in aluminium  # 2,845.5 - 2,876
    assert "LME aluminium stocks drew by 8,650 t to 519,650 t" in aluminium
    assert "import" not in aluminium.replace("import break-even", "")  # the window: copper only
    assert round(333000 / (41850 * FX), 3) == 1.127 and round(1.13 * 1.03, 3) == 1.164
    assert "the SHFE/LME ratio 1.127 against an import break-even of 1.164" in tin
    assert "LME cash at a backwardation of 55.0 USD/t over 3-month" in tin  # 41,905 - 41,850


def test_silver_cites_the_gold_silver_ratio_and_its_change(en, zh):
    # 4300.1 / 61.36 = 70.08 on 2025-12-12; 4212.9 / 58.42 = 72.11 on 2025-12-05
    assert round(4300.1 / 61.36 - 4212.9 / 58.42, 2) == -2.03
    silver = _lead(en, "precious").split(" Silver: ")[1]
    assert "the gold/silver ratio down 2.03 to 70.08" in silver
    assert "金银比下降2.03至70.08" in _lead(zh, "precious")


def test_chinese_paragraph_in_broker_words(zh):
    text = _lead(zh, "industrial")
    assert "沪伦比值1.131，进口盈亏平衡比值1.130" in text
    assert "按洋山铜溢价40美元/吨计进口亏损259元/吨，进口窗口关闭" in text
    assert "LME现货较三个月升水16.0美元/吨" in text
    assert "LME现货较三个月贴水30.5美元/吨" in text
    assert "LME铝库存减少8650吨至51.97万吨" in text
    assert not any(w in text for w in ("ratio", "import", "cash", "premium"))


def test_paragraph_and_table_print_the_same_figures(en):
    figs = en.figures[en.figures["instrument"] == "CU.IMPORT"]
    # the cell is signed (-259), the sentence says "a loss of 259": one value, one rounding
    assert set(figs["text"]) == {"-259", "259"}
    assert figs["value"].nunique() == 1
    premium = en.figures[en.figures["instrument"] == crossvenue.PREMIUMS["CU"]]
    level = premium[premium["metric"] != "change"]  # the Yangshan table also prints its change
    assert set(level["text"]) == {"40"} and set(level["value"]) == {40.0}
    assert len(level) == 3  # the cross-venue note, the copper paragraph, the Yangshan table


def test_without_a_stored_premium_the_window_is_before_premiums(data):
    week = data.week
    wide = as_wide(data.rows(context_instruments(data.ids)))
    bare = wide.drop(columns=[crossvenue.PREMIUMS["CU"]])
    c = crossvenue.cross_venue(bare, week, "CU", {})
    assert c is not None and pd.isna(c.premium)
    assert c.pl == pytest.approx(94170 - 11800 * FX * 1.13)  # +59.96
    book = FigureBook("en")
    moves = compute_moves(data.rows(report_instruments()), week, report_instruments())
    text = leads.metal_paragraph(
        "Copper",
        "industrial",
        moves,
        book,
        WeeklyHistory(data.history),
        positions(data.positions, week),
        bare,
        crossvenue.cross_venues(bare, week),
    )
    assert "an import profit of 60 CNY/t before premiums" in text
    assert "Yangshan" not in text


def test_cross_venue_figures_are_computed_once_per_weekly(data, monkeypatch):
    computed: list[str] = []
    compute = crossvenue.cross_venue

    def counted(wide, week, code, skipped):
        computed.append(code)
        return compute(wide, week, code, skipped)

    monkeypatch.setattr(crossvenue, "cross_venue", counted)
    model = build_weekly(data, lang="en")
    assert computed == ["CU", "AL", "SN"]  # once per metal: the table's and the paragraphs'
    assert "the import window shut: a loss of 259 CNY/t" in _lead(model, "industrial")
