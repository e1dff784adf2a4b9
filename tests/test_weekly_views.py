"""Core views in plain words, a title carrying the week's thesis, the analyst first; numbers
in Chinese running text as a broker prints them. Hand-checked against the bundled rows."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from metalwatch.analytics.records import WeeklyHistory, weekly_moves
from metalwatch.reporting import build_weekly
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.views import NOTABLE_PCT, notable_metals, since
from metalwatch.store import Store
from metalwatch.store.week import read_week


@pytest.fixture(scope="module")
def data(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("views") / "s.sqlite"
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


def test_leader_in_plain_words(en, zh):
    # SHFE silver 14,892 against 13,687 (2025-12-05): +8.80 %, the largest move of the week
    assert en.core_views[0].startswith("Silver led the metals: ")
    assert "SHFE silver (main continuous) up 8.80% to 14,892 CNY/kg" in en.core_views[0]
    assert zh.core_views[0].startswith("白银领涨：")
    text = " ".join(en.core_views + zh.core_views)
    for jargon in ("z =", "percentile", "百分位", "波动最大", "156"):
        assert jargon not in text


def test_largest_since_is_measured_over_the_whole_history(en, data):
    # SHFE tin 333,000 / 317,500 - 1 = +4.88 %; the last week with a larger gain was
    # 2025-06-06 (+5.31 %), 27 weeks back; the history read reaches back before any window
    tin = next(v for v in en.core_views if v.startswith("Tin: "))
    assert "up 4.88% to 333,000 CNY/t, the largest weekly gain since 2025-06-06" in tin
    assert since(WeeklyHistory(data.history), "SHFE.SN", data.week, 4.88) == "2025-06-06"
    # the same weekly moves as from the series' own rows; none for a series not held
    held = WeeklyHistory(data.history)
    tin = data.history[data.history["instrument"] == "SHFE.SN"].set_index("date")["value"]
    pd.testing.assert_series_equal(held.moves("SHFE.SN"), weekly_moves(tin))
    # Friday closes as pandas' W-FRI resampling takes them (weeks without a close skipped)
    fridays = tin.resample("W-FRI").last().dropna()
    by_resample = ((fridays / fridays.shift(1) - 1.0) * 100.0).dropna()
    pd.testing.assert_series_equal(weekly_moves(tin), by_resample, check_freq=False)
    assert (
        held.moves("NOT.HELD").empty and WeeklyHistory(data.history.iloc[:0]).moves("SHFE.SN").empty
    )
    first = data.history.loc[data.history["instrument"] == "SHFE.SN", "date"].min()
    assert first < pd.Timestamp("2016-01-01")


def test_every_notable_metal_is_covered(en):
    metals = [m for m, _ in notable_metals(en.moves)]
    # silver +8.80 %, lithium carbonate +6.03 %, tin +4.88 %, cobalt +2.57 %, gold +2.07 %
    assert metals == ["Silver", "Lithium", "Tin", "Cobalt", "Gold"]
    for metal in metals:
        assert any(v.startswith(metal) for v in en.core_views), metal
    assert NOTABLE_PCT == 2.0


def test_macro_inventory_and_ratio_views(en):
    views = " ".join(en.core_views)
    # EFFR 3.89 -> 3.64 (-25 bp), DFII10 1.88 -> 1.93 (+5 bp), DXY 98.99 -> 98.40 (-0.60 %)
    assert (
        "Rates and the dollar: the effective fed funds rate fell 25 bp to 3.64%; the US 10-year "
        "real yield rose 5 bp to 1.93%; the dollar index lost 0.60% to 98.40."
    ) in views
    # LME aluminium stocks 528,300 -> 519,650: the largest change in tonnes (tin's is +585)
    assert "LME aluminium stocks fell by 8,650 t to 519,650 t." in views
    # ratio 4300.1 / 61.36 = 70.08, within 5 % of its 52-week low 67.03 (2025-12-11)
    assert "near its 52-week low of 67.03: silver has been outpacing gold" in views


def test_chinese_running_text_numbers(zh):
    views = " ".join(zh.core_views)
    assert "沪银连续周涨8.80%至14892元/千克" in views  # no thousands separator in prose
    assert "LME铝库存减少8650吨至51.97万吨。" in views  # 万吨 for large stocks, no unit space
    assert not re.search(r"\d,\d{3}", views)
    assert not re.search(r"\d (吨|元|美元|%)", views)


def test_generated_title_and_analyst_override(en, zh, data):
    assert en.thesis == "Silver, lithium and tin lead; the dollar weakens"
    assert zh.thesis == "白银、锂、锡领涨；美元走弱"
    own = AnalystInput(title={"zh": "锡铜银持续突破"}, core_views={"zh": ["持续看好金、铜、锡。"]})
    m = build_weekly(data, lang="zh", analyst=own)
    assert m.thesis == "锡铜银持续突破"
    assert m.core_views[0] == "持续看好金、铜、锡。"  # the analyst's thesis leads
    assert m.core_views[1].startswith("白银领涨")


def test_per_metal_paragraphs_carry_their_numbers_after_the_analyst(data, zh):
    leads = {s.key: s.lead for s in zh.sections}
    # gold: COMEX +2.07 % to 4300.1, DFII10 +5 bp, DXY -0.60 %, CFTC net 123,548 (+3,224)
    assert leads["precious"].startswith("黄金：COMEX黄金周涨2.07%至4300.1美元/盎司")
    assert "美国10年期实际收益率上行5bp至1.93%" in leads["precious"]
    assert "管理基金净头寸123548手（周变化+3224手）" in leads["precious"]
    # copper: LME stocks 162,550 -> 165,900 (+3,350 t); tin's record since 2025-06-06
    assert "LME铜库存增加3350吨至16.59万吨" in leads["industrial"]
    assert "为2025-06-06以来最大周涨幅" in leads["industrial"]
    # rare earths in 万元/吨: PrNd 578,500 -> 57.85, Tb 6,315,000 -> 631.50
    assert "氧化镨钕周跌1.53%至57.85万元/吨" in leads["strategic"]
    assert "锂：广期所碳酸锂主力连续周涨6.03%至97720元/吨" in leads["strategic"]
    own = AnalystInput(commentary={"precious": {"zh": "降息与央行购金继续支撑金价。"}})
    section = next(
        s for s in build_weekly(data, lang="zh", analyst=own).sections if s.key == "precious"
    )
    assert section.commentary == "降息与央行购金继续支撑金价。" and section.lead.startswith("黄金")


def test_a_thesis_of_gainers_and_fallers_reads_as_one_sentence(seeded_path):
    """Week of 2026-01-02 (the default week): copper and aluminium rose, silver and lithium fell;
    only the sentence's first word is capitalised."""
    from metalwatch.analytics.moves import compute_moves
    from metalwatch.reporting.views import thesis

    week = pd.Timestamp("2026-01-02")
    with Store(seeded_path, read_only=True) as st:
        data = read_week(st, week, report_instruments(), history_days=400)
    moves = compute_moves(data.rows(report_instruments()), week, report_instruments())
    assert thesis(moves, "en") == "Copper and aluminium lead; silver and lithium fall"
    assert thesis(moves, "zh") == "铜、铝领涨；白银、锂走弱"


def test_the_record_history_is_every_stored_row_of_its_series(seeded_path):
    # read_week takes the rows of the context window from the observations it read already and
    # reads only the older ones: the same frame as one read of every row up to the week, also
    # as the store was at an earlier moment
    from metalwatch import frame, registry
    from metalwatch.store.week import RECORD_GROUPS

    reg = registry.all_instruments()
    ids = [
        i
        for i in report_instruments()
        if reg[i].kind == "price" and reg[i].group in RECORD_GROUPS and reg[i].cadence == "daily"
    ]
    fields = sorted({reg[i].field for i in ids})
    week = pd.Timestamp("2025-12-12")
    with Store(seeded_path, read_only=True) as st:
        for days in (HISTORY_DAYS, 30):
            got = read_week(st, week, report_instruments(), history_days=days).history
            whole = frame.registered(st.read(ids, fields=fields, end=week))
            pd.testing.assert_frame_equal(got, whole.reset_index(drop=True))
            assert got["date"].min() < week - pd.Timedelta(days=HISTORY_DAYS)
            assert got["date"].max() == week


def test_the_weekly_reads_only_its_longest_window(seeded_path):
    # HISTORY_DAYS is the longest window the weekly shows (two-year charts) and a margin: the
    # pages are those read from ten years of rows (3,700 days, the old statistical context)
    from datetime import UTC, datetime

    from metalwatch.reporting.layout import CHARTS, GOLD_REAL_YIELD_DAYS
    from metalwatch.reporting.templates import render_html

    assert HISTORY_DAYS == 765 and max(c.days for c in CHARTS.values()) == GOLD_REAL_YIELD_DAYS
    week, at = pd.Timestamp("2026-01-09"), datetime(2026, 1, 10, tzinfo=UTC)
    pages = {}
    with Store(seeded_path, read_only=True) as st:
        for days in (HISTORY_DAYS, 3700):
            data = read_week(st, week, report_instruments(), history_days=days)
            pages[days] = render_html(build_weekly(data, lang="en", generated_at=at))
    assert pages[HISTORY_DAYS] == pages[3700]
