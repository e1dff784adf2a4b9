"""Metals headlines from Eastmoney's 7x24 feed through akshare's ``stock_info_global_em``.

One GET to ``np-weblist.eastmoney.com/comm/web/getFastNewsList`` returns the latest 200
flash items (标题, 摘要, 发布时间, 链接). They are kept when the title or summary mentions a
keyword (default: rare earths, copper, aluminium, tin, gold, silver, cobalt and the sector,
in Chinese and English) and stored with date, title, source, link and the keyword that
matched. The feed is general finance news: how many items were read and how many matched is
reported, so the filter never hides a failure. (``stock_news_em`` would search by keyword but
goes through curl_cffi, which cannot be replayed in tests; ``futures_news_shmet`` has no
titles or links.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from metalwatch.errors import SourceFormatError
from metalwatch.sources.policy import Policy

SOURCE = "akshare:stock_info_global_em"
PUBLISHER = "东方财富7x24"
#: keyword -> pattern; 锡 skips the city 无锡, English words match whole words only.
KEYWORDS: dict[str, str] = {
    "稀土": "稀土", "镨钕": "镨钕", "氧化铽": "氧化铽", "氧化镝": "氧化镝", "铜": "铜",
    "铝": "铝", "锡": "(?<!无)锡", "黄金": "黄金", "白银": "白银", "钴": "钴", "有色": "有色",
    "rare earth": r"\brare[- ]earths?\b", "copper": r"\bcopper\b",
    "aluminium": r"\balumin(?:i)?um\b", "tin": r"\btin\b", "gold": r"\bgold\b",
    "silver": r"\bsilver\b", "cobalt": r"\bcobalt\b",
}  # fmt: skip


@dataclass
class News:
    """Headlines kept, and how many the feed held."""

    frame: pd.DataFrame
    read: int

    @property
    def matched(self) -> int:
        """Headlines kept."""
        return len(self.frame)


def fetch_news(policy: Policy, keywords: dict[str, str] | None = None) -> News:
    """Fetch the feed and keep the metals headlines.

    Returns
    -------
    News
        ``frame`` has columns date, title, source, url, keyword (newest first).

    Raises
    ------
    SourceError
        Typed as for every live source; a renamed column names the column.
    """

    def call() -> pd.DataFrame:
        import akshare as ak

        return ak.stock_info_global_em()

    raw = policy.call(call, source=SOURCE, series="news")
    return filter_news(pd.DataFrame(raw), keywords or KEYWORDS)


def filter_news(df: pd.DataFrame, keywords: dict[str, str]) -> News:
    """Keep the rows of a ``stock_info_global_em`` frame that mention a keyword."""
    cols = ["标题", "摘要", "发布时间", "链接"]
    for col in cols:
        if col not in df.columns:
            raise SourceFormatError(
                f"{SOURCE} news: column {col!r} missing from the payload "
                f"(columns: {', '.join(map(str, df.columns)) or 'none'})",
                source=SOURCE,
            )
    if df.empty:
        raise SourceFormatError(f"{SOURCE} news: an empty feed", source=SOURCE)
    text = (df["标题"].fillna("") + " " + df["摘要"].fillna("")).astype(str)
    hit = pd.Series("", index=df.index, dtype="object")
    for word, pattern in keywords.items():
        found = text.str.contains(pattern, flags=re.IGNORECASE, regex=True) & (hit == "")
        hit[found] = word
    keep = hit != ""
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(df.loc[keep, "发布时间"], errors="coerce").dt.normalize(),
            "title": df.loc[keep, "标题"].astype(str).str.strip(),
            "source": PUBLISHER,
            "url": df.loc[keep, "链接"].astype(str),
            "keyword": hit[keep],
        }
    )
    bad = out["date"].isna()
    if bad.any():
        raise SourceFormatError(
            f"{SOURCE} news: {int(bad.sum())} headline(s) with an unreadable time", source=SOURCE
        )
    return News(out.sort_values("date", ascending=False, ignore_index=True), len(df))
