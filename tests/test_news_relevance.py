"""Which headlines are metals news: the ten seed pages of 2025-12-13..15, the weekly of
2025-12-19, and the analyst's news settings."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from metalwatch.errors import InvalidInputError
from metalwatch.reporting import build_weekly
from metalwatch.reporting.analyst import AnalystInput, load_analyst
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.news_relevance import NewsRule, relevant
from metalwatch.sources import bundled
from metalwatch.store import Store
from metalwatch.store.week import read_week

#: The seven rare-earth and broker pages of the seed search (2025-12-13..15).
METALS_PAGES = [
    "稀土战开打!美凑八国组局绕开中国,俄罗斯警告,中国淡定破局",
    "稀土大动作!越南美国接连出手,高市等到救兵,9国签白纸黑字",
    "稀土战争升级!美国牵头“八国联盟”切断中国稀土命脉?真相来了",
    "中国稀土90%产能压阵,9国联盟凑数,10年建不成替代链",
    "有色金属行业周报:锡铜银持续突破,重视黄金板块机会-20251214",
    "稀土王牌对决!美日澳韩联手围堵中国,谁料反被中国“锁喉”",
    "不想被卡脖子,美国还在顽抗,拉拢8国建稀土同盟,抱团对抗中国",
]
#: The three 第一财经 pages on China's ageing labour force (稀土 only in their summaries).
LABOUR_PAGES = [
    "超越东三省,内蒙古成全国劳动力最老省份",
    "劳动力报告:东三省不再是全国劳动力最老省份 内蒙古居首",
    "劳动力报告:东三省不再是全国劳动力最老省份,内蒙古居首",
]
#: The week's two other stored pages, both on rare-earth prices.
OTHER_METALS_PAGES = [
    "镨、汝、镝价格均下跌2500元!价格降温”≠产业“遇冷”,稀土回调背后的“成长阵痛”",
    "Weak End-Use Demand Impacts Rare Earth Prices, Which Continue to Decline "
    "[SMM Rare Earth Weekly Review]",
]


@pytest.fixture(scope="module")
def seed() -> pd.DataFrame:
    news = bundled.news()
    rows = news[news["title"].isin(METALS_PAGES + LABOUR_PAGES)].copy()
    assert len(rows) == 10
    rows["keyword"] = "稀土"  # the search term that found every page: no evidence
    return rows


def default_rule() -> NewsRule:
    return AnalystInput().news_rule()


def test_the_seven_metals_pages_are_kept_and_the_three_labour_pages_are_not(seed):
    kept = relevant(seed, default_rule())
    assert sorted(kept["title"]) == sorted(METALS_PAGES)
    rule = default_rule()
    assert [rule.why(t, "第一财经") for t in LABOUR_PAGES] == ["no keyword in the title"] * 3
    assert rule.why(METALS_PAGES[4], "国投证券") == "keyword"


def test_the_weekly_of_2025_12_19_lists_the_metals_pages_and_no_labour_page(
    tmp_path_factory, seeded_path
):
    path = tmp_path_factory.mktemp("news") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        data = read_week(
            st, pd.Timestamp("2025-12-19"), report_instruments(), history_days=HISTORY_DAYS
        )
    assert len(data.news) == 12  # the ten seed pages and two more pages of the week
    titles = [n["title"] for n in build_weekly(data, lang="zh").news]
    assert sorted(titles) == sorted(METALS_PAGES + OTHER_METALS_PAGES)
    assert not set(titles) & set(LABOUR_PAGES)


def test_english_keywords_match_whole_words_only():
    rule = default_rule()
    assert not rule.keeps("Prices Continue to Decline as Martin Resigns", "X")
    assert rule.keeps("Tin rallies on Myanmar supply", "X")
    assert rule.keeps("Aluminum premiums rise", "X")
    assert not rule.keeps("无锡 opens a new airport", "X")


def test_news_block_removes_a_headline(seed, tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("news_block: [越南]\n", encoding="utf-8")
    kept = relevant(seed, load_analyst(p).news_rule())
    assert sorted(kept["title"]) == sorted(t for t in METALS_PAGES if "越南" not in t)
    assert len(kept) == 6


def test_news_block_sources_and_news_sources(seed, tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("news_block_sources: [搜狐]\nnews_sources: [第一财经]\n", encoding="utf-8")
    rule = load_analyst(p).news_rule()
    kept = relevant(seed, rule)
    # 搜狐财经's six pages go; 第一财经's two (not 第一财经资讯: listed names match the start)
    # come in by their source, and the broker's weekly stays by its keyword
    assert sorted(kept["title"]) == sorted([METALS_PAGES[4], *LABOUR_PAGES])
    assert rule.why(LABOUR_PAGES[1], "第一财经") == "source"
    assert rule.why(METALS_PAGES[0], "搜狐财经") == "blocked source"


def test_news_keywords_replace_the_default_list(seed, tmp_path):
    p = tmp_path / "a.yaml"
    p.write_text("news_keywords: [黄金]\n", encoding="utf-8")
    kept = relevant(seed, load_analyst(p).news_rule())
    assert list(kept["title"]) == [METALS_PAGES[4]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("news_block: 劳动力\n", ":1: news_block must be a list"),
        ("news_block: ['']\n", ":1: an item of news_block must be 1 to 100 characters"),
        (
            "news_block_sources: [" + ", ".join(["x"] * 201) + "]\n",
            ":1: news_block_sources has 201 items (at most 200)",
        ),
        ("news_sources: [null]\n", ":1: an item of news_sources must be text"),
    ],
)
def test_news_settings_are_validated(tmp_path, body, message):
    p = tmp_path / "a.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_analyst(p)
    assert str(err.value) == f"{p}{message}"
