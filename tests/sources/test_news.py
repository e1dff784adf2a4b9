"""Metals headlines: replayed through ``stock_info_global_em``, filtered, stored with links."""

from __future__ import annotations

import pandas as pd
import pytest
import requests
import responses

from metalwatch.errors import SourceFormatError, SourceUnavailableError
from metalwatch.ingest import update
from metalwatch.registry import news_keywords
from metalwatch.sources.news import fetch_news, filter_news
from metalwatch.store import Store
from tests.sources.replay import EM_NEWS, JSON, NOW, body, fast_policy

NEWS = body("eastmoney/news_7x24.json")


def replay(answer: bytes | Exception, **kw) -> object:
    with responses.RequestsMock() as rsps:
        if isinstance(answer, Exception):
            rsps.add(responses.GET, EM_NEWS, body=answer)
        else:
            rsps.add(responses.GET, EM_NEWS, body=answer, content_type=JSON)
        return fetch_news(fast_policy(), **kw)


def test_headlines_are_kept_with_date_title_source_link_and_keyword() -> None:
    got = replay(NEWS)
    assert got.read == 22 and got.matched == 22  # the fixture holds metals headlines only
    df = got.frame
    assert list(df.columns) == ["date", "title", "source", "url", "keyword"]
    dec11 = df[df["date"] == pd.Timestamp("2025-12-11")]
    assert len(dec11) == 2 and set(dec11["keyword"]) <= {"rare earth", "cobalt", "tin"}
    assert df["url"].str.startswith("https://finance.eastmoney.com/a/").all()
    assert df["date"].is_monotonic_decreasing


def test_the_keyword_filter_counts_what_it_drops() -> None:
    raw = pd.DataFrame(
        {
            "标题": ["无锡地铁新线开通", "沪锡大涨5%", "美联储降息", "Copper hits record"],
            "摘要": ["", "", "黄金走强", ""],
            "发布时间": ["2025-12-12 09:00:00"] * 4,
            "链接": ["u1", "u2", "u3", "u4"],
        }
    )
    got = filter_news(raw, news_keywords())
    assert got.read == 4 and got.matched == 3
    assert dict(zip(got.frame["url"], got.frame["keyword"], strict=True)) == {
        "u2": "锡",
        "u3": "黄金",
        "u4": "copper",
    }


def test_the_keywords_have_one_home_and_match_whole_words() -> None:
    words = news_keywords()
    assert {"稀土", "铜", "rare earth", "aluminium", "tin", "cobalt"} <= set(words)
    words["铜"] = "changed"  # a copy: the registry's list is not touched
    assert news_keywords()["铜"] == "铜"
    raw = pd.DataFrame(
        {
            "标题": ["Martin Gold-smith retires", "Aluminum output falls", "Rare-earths quota"],
            "摘要": ["", "", ""],
            "发布时间": ["2025-12-12 09:00:00"] * 3,
            "链接": ["u1", "u2", "u3"],
        }
    )
    got = filter_news(raw, news_keywords())
    assert dict(zip(got.frame["url"], got.frame["keyword"], strict=True)) == {
        "u1": "gold",
        "u2": "aluminium",
        "u3": "rare earth",
    }


def test_renamed_column_timeout_and_empty_feed() -> None:
    with pytest.raises(SourceFormatError, match=r"\['title'\] not in index"):
        replay(NEWS.replace(b'"title"', b'"headline"'))
    with pytest.raises(SourceUnavailableError, match="timed out"):
        replay(requests.exceptions.ConnectTimeout("connect timed out"))
    empty = b'{"code":"1","data":{"fastNewsList":[],"sortEnd":""}}'
    with pytest.raises(SourceFormatError) as err:
        replay(empty)
    assert (err.value.series, err.value.source) == ("news", "akshare:stock_info_global_em")


def test_update_stores_new_headlines(store_path) -> None:
    with Store(store_path) as st:
        st._con.execute("DELETE FROM news WHERE date >= '2025-12-01'")
        before = len(st.news())
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, EM_NEWS, body=NEWS, content_type=JSON)
        report = update([], store=store_path, news=True, policy=fast_policy(), now=NOW)
    [out] = report.outcomes
    assert out.instrument == "news" and out.status == "ok" and out.added + out.unchanged == 22
    assert out.message == "22 of 22 headlines matched the keywords"
    with Store(store_path) as st:
        assert len(st.news()) == before + out.added
        news = st.news("2025-12-08", "2025-12-12")
    assert len(news) == 3 and (news["source"] == "东方财富7x24").all()
