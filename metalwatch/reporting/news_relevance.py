"""Which stored headlines are metals news: one rule, decided on the headline and its source.

A headline is about metals when

1. its source is not blocked (the analyst's ``news_block_sources``), and
2. its own title holds no blocked word (the analyst's ``news_block``), and
3. its own title names a metal or the sector (a keyword: the registry's list, or the
   analyst's ``news_keywords``), or its source is one the analyst lists in ``news_sources``.

What found a headline is not evidence: the stored ``keyword`` column holds the term a search
or a feed matched, often in a summary the reader never sees (a page on China's ageing labour
force that mentions "煤炭、稀土等产业" in passing). Only the title the weekly prints counts.
Keywords known to the registry use its pattern (``tin`` as a whole word, not in "Continue";
锡 not in 无锡); any other English keyword matches whole words, a Chinese one as written.
Sources match when the stored source starts with the listed name (``SMM`` matches
``SMM (news.metal.com)``), case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from metalwatch import registry


def keyword_pattern(word: str) -> str:
    """The case-insensitive pattern of one keyword: the registry's when it has one, a whole
    word for English, the text as written for Chinese."""
    known = registry.news_keywords()
    if word in known:
        return known[word]
    escaped = re.escape(word.strip())
    if re.fullmatch(r"[\w\s.\-]+", word.strip(), flags=re.ASCII):
        return rf"\b{escaped}\b"
    return escaped


def _any(words: Iterable[str]) -> re.Pattern[str] | None:
    parts = [keyword_pattern(w) for w in words if w.strip()]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None


@dataclass(frozen=True)
class NewsRule:
    """The relevance rule with its lists (see the module text for how they combine)."""

    keywords: Sequence[str]
    block: Sequence[str] = ()
    sources: Sequence[str] = ()
    block_sources: Sequence[str] = ()
    _keyword: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _block: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keyword", _any(self.keywords))
        object.__setattr__(self, "_block", _any(self.block))

    @staticmethod
    def _from(source: str, names: Sequence[str]) -> bool:
        folded = source.strip().casefold()
        return any(folded.startswith(n.strip().casefold()) for n in names if n.strip())

    def why(self, title: str, source: str) -> str:
        """Why a headline is in (``keyword``, ``source``) or out (``blocked source``,
        ``blocked word``, ``no keyword in the title``)."""
        if self._from(source, self.block_sources):
            return "blocked source"
        if self._block is not None and self._block.search(title):
            return "blocked word"
        if self._keyword is not None and self._keyword.search(title):
            return "keyword"
        if self._from(source, self.sources):
            return "source"
        return "no keyword in the title"

    def keeps(self, title: str, source: str) -> bool:
        """Whether the headline is metals news."""
        return self.why(title, source) in ("keyword", "source")


def relevant(news: pd.DataFrame, rule: NewsRule) -> pd.DataFrame:
    """The rows of ``news`` (``title``, ``source`` columns) that ``rule`` keeps, in order."""
    if news.empty:
        return news
    keep = [
        rule.keeps(str(t), "" if pd.isna(s) else str(s))
        for t, s in zip(news["title"], news["source"], strict=True)
    ]
    return news[keep]


__all__ = ["NewsRule", "keyword_pattern", "relevant"]
