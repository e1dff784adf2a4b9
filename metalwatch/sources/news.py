"""Metals headlines from Eastmoney's 7x24 feed through akshare's ``stock_info_global_em``.

One GET to ``np-weblist.eastmoney.com/comm/web/getFastNewsList`` returns the latest 200
flash items (标题, 摘要, 发布时间, 链接). They are kept when the title or summary mentions a
keyword (default: :func:`metalwatch.registry.news_keywords`, rare earths, copper, aluminium,
tin, gold, silver, cobalt and the sector, in Chinese and English) and stored with date,
title, source, link and the keyword that matched. The feed is general finance news: how
many items were read and how many matched is reported, so the filter never hides a failure.
(``stock_news_em`` would search by keyword but goes through curl_cffi, which cannot be
replayed in tests; ``futures_news_shmet`` has no titles or links.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.errors import SourceFormatError
from metalwatch.sources.policy import Policy

SOURCE = "akshare:stock_info_global_em"
PUBLISHER = "东方财富7x24"
#: The ``series`` of the feed's errors and outcome.
SERIES = "news"
#: The columns the feed must hold.
COLUMNS = ("标题", "摘要", "发布时间", "链接")


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

    ``keywords`` maps a keyword to its case-insensitive pattern (default: the registry's).

    Returns
    -------
    News
        ``frame`` has columns date, title, source, url, keyword (newest first).

    Raises
    ------
    SourceError
        Typed as for every live source; a renamed column names the column.
    """

    def call() -> Any:
        import akshare as ak

        return ak.stock_info_global_em()

    raw = policy.call(call, source=SOURCE, series=SERIES)
    return filter_news(pd.DataFrame(raw), keywords or registry.news_keywords())


def filter_news(df: pd.DataFrame, keywords: dict[str, str]) -> News:
    """Keep the rows of a ``stock_info_global_em`` frame that mention a keyword."""
    for col in COLUMNS:
        if col not in df.columns:
            raise _format_error(
                f"column {col!r} missing from the payload "
                f"(columns: {', '.join(map(str, df.columns)) or 'none'})"
            )
    if df.empty:
        raise _format_error("an empty feed")
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
        raise _format_error(f"{int(bad.sum())} headline(s) with an unreadable time")
    return News(out.sort_values("date", ascending=False, ignore_index=True), len(df))


def _format_error(reason: str) -> SourceFormatError:
    return SourceFormatError(reason, series=SERIES, source=SOURCE)
