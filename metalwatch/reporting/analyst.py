"""The analyst file: publisher, rating, watch lists, core views and commentary for a weekly.

A YAML file (``--analyst FILE``); every key is optional and every text may be given per language
(``{en: ..., zh: ...}``) or as a plain string used for both. Unknown keys, unknown instruments and
wrong types are errors naming the file and line, never silently ignored::

    publisher: {en: Example Securities metals desk, zh: 示例证券有色金属组}
    analysts: [Li Wei (S0000000000)]
    rating: {en: Outperform-A, zh: 领先大市-A, status: maintained}
    colors: red-up                      # red-up | green-up
    core_views: {mode: extend, en: [...], zh: [...]}   # extend | replace the generated views
    commentary: {precious: {en: ..., zh: ...}, industrial: ..., strategic: ..., inventory: ...}
    watch_lists: {gold: [SSE.600547], copper: [SSE.600362, SSE.603993]}
    news_keywords: [稀土, 铜, copper]   # the title must name one (or the source be listed)
    news_sources: [SMM]              # every headline from these sources is metals news
    news_block: [劳动力]              # a title with one of these is not
    news_block_sources: [某某财经]     # nor is any headline from these sources
    events:                          # merged with the stored events (same id: this one wins)
      - {date: 2025-12-11, region: VN, kind: export_control, metals: [rare_earths],
         text_en: ..., text_zh: ..., source: ...}
    risks: {en: [...], zh: [...]}
    disclaimer: {en: ..., zh: ...}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from metalwatch import registry
from metalwatch.event import COLUMNS as EVENT_COLUMNS
from metalwatch.event import Event
from metalwatch.reporting.layout import DEFAULT_WATCH_LISTS
from metalwatch.reporting.news_relevance import NewsRule

SECTIONS = (
    "macro",
    "positioning",
    "precious",
    "industrial",
    "inventory",
    "strategic",
    "recap",
    "equities",
    "news",
)
#: Most items of a news list (keywords, sources, blocks) and characters of one item.
MAX_NEWS_ITEMS = 200
MAX_NEWS_ITEM_CHARS = 100
#: Most entries of the ``events:`` list.
MAX_EVENTS = 200
#: Keys an ``events:`` entry may have (the event's fields and their CSV spellings).
EVENT_KEYS = (*EVENT_COLUMNS, "event_en", "event_zh", "stated_by", "date_precision")
RATING_STATUS = ("maintained", "upgraded", "downgraded", "initiated")


@dataclass
class AnalystInput:
    """Validated analyst input; every field has a data-only default."""

    publisher: dict[str, str] = field(default_factory=dict)
    #: The week's thesis line under the title (default: generated from the week's data).
    title: dict[str, str] = field(default_factory=dict)
    analysts: list[str] = field(default_factory=list)
    rating: dict[str, str] = field(default_factory=dict)
    colors: str | None = None
    core_views_mode: str = "extend"
    core_views: dict[str, list[str]] = field(default_factory=dict)
    commentary: dict[str, dict[str, str]] = field(default_factory=dict)
    watch_lists: dict[str, list[str]] = field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_WATCH_LISTS.items()}
    )
    #: Default: the registry's headline keywords (:func:`metalwatch.registry.news_keywords`).
    news_keywords: list[str] = field(default_factory=lambda: list(registry.news_keywords()))
    #: Sources whose every headline is metals news; words and sources that rule one out.
    news_sources: list[str] = field(default_factory=list)
    news_block: list[str] = field(default_factory=list)
    news_block_sources: list[str] = field(default_factory=list)
    #: The analyst's events, merged with the stored ones (an equal id replaces the stored one).
    events: tuple[Event, ...] = ()
    risks: dict[str, list[str]] = field(default_factory=dict)
    disclaimer: dict[str, str] = field(default_factory=dict)

    def text(self, item: dict[str, str], lang: str) -> str:
        """The ``lang`` text of a per-language item (else the shared text, else any language)."""
        return item.get(lang) or item.get("any") or next(iter(item.values()), "")

    def news_rule(self) -> NewsRule:
        """The headline relevance rule with this file's news settings."""
        return NewsRule(
            self.news_keywords, self.news_block, self.news_sources, self.news_block_sources
        )


TOP_KEYS = (
    "publisher",
    "title",
    "analysts",
    "rating",
    "colors",
    "core_views",
    "commentary",
    "watch_lists",
    "news_keywords",
    "news_sources",
    "news_block",
    "news_block_sources",
    "events",
    "risks",
    "disclaimer",
)


def load_analyst(path: str | os.PathLike[str] | None) -> AnalystInput:
    """Read and validate an analyst file; ``None`` gives the data-only defaults (and imports no
    YAML parser: :mod:`~metalwatch.reporting.analyst_file` reads a file)."""
    if path is None:
        return AnalystInput()
    from metalwatch.reporting.analyst_file import read_analyst_file

    return read_analyst_file(path)
