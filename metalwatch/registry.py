"""The instrument registry: every series metalwatch knows, read from ``instruments.toml``."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from metalwatch.errors import InvalidInputError, UnknownInstrumentError

KINDS = frozenset({"price", "inventory", "index", "fx", "equity", "rate", "positioning", "premium"})
GROUPS = (
    "precious",
    "industrial",
    "strategic",
    "inventory",
    "spot",
    "positioning",
    "macro",
    "context",
    "equity",
    "reference",
)
CADENCES = frozenset({"daily", "weekly", "sparse", "monthly"})
#: Longest id echoed in full in an error message; longer ones are cut (see :func:`shorten`).
ID_ECHO_CHARS = 40


@dataclass(frozen=True)
class Instrument:
    """One series: what it is, how it is quoted, and where it comes from."""

    id: str
    name_en: str
    name_zh: str
    metal: str
    kind: str
    group: str
    venue: str
    unit: str
    currency: str
    field: str
    decimals: int
    calendar: str
    stale_after_days: int
    cadence: str
    sources: dict[str, str] = dataclasses.field(default_factory=dict)

    def name(self, lang: str = "en") -> str:
        """Display name in ``lang`` ('en' or 'zh')."""
        return self.name_zh if lang == "zh" else self.name_en


def _parse(raw: dict[str, dict[str, Any]]) -> dict[str, Instrument]:
    out: dict[str, Instrument] = {}
    for iid, spec in raw.items():
        try:
            inst = Instrument(id=iid, **spec)
        except TypeError as exc:
            raise InvalidInputError(f"instruments.toml: entry {iid!r}: {exc}") from exc
        if inst.kind not in KINDS:
            raise InvalidInputError(f"instruments.toml: {iid}: unknown kind {inst.kind!r}")
        if inst.group not in GROUPS:
            raise InvalidInputError(f"instruments.toml: {iid}: unknown group {inst.group!r}")
        if inst.cadence not in CADENCES:
            raise InvalidInputError(f"instruments.toml: {iid}: unknown cadence {inst.cadence!r}")
        out[iid] = inst
    return out


@cache
def all_instruments() -> dict[str, Instrument]:
    """All registered instruments by id (read once per process)."""
    text = resources.files("metalwatch").joinpath("instruments.toml").read_bytes()
    return _parse(tomllib.loads(text.decode("utf-8")))


@cache
def attribute_map(name: str) -> dict[str, object]:
    """``{instrument id: attribute}`` for every instrument, for vectorised ``Series.map``."""
    return {iid: getattr(inst, name) for iid, inst in all_instruments().items()}


def get(instrument_id: str) -> Instrument:
    """The instrument with this id (a futures contract or curve id is derived from its root:
    see :mod:`metalwatch.contracts`).

    Raises
    ------
    UnknownInstrumentError
        If the id is not registered; the message suggests close matches.
    """
    reg = all_instruments()
    try:
        return reg[instrument_id]
    except KeyError:
        import difflib

        from metalwatch import contracts

        derived = contracts.instrument(instrument_id)
        if derived is not None:
            return derived

        close = (
            difflib.get_close_matches(instrument_id.upper(), reg, n=3)
            if len(instrument_id) <= ID_ECHO_CHARS
            else []
        )
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UnknownInstrumentError(f"unknown instrument {shorten(instrument_id)}{hint}") from None


def known(ids: Iterable[str]) -> dict[str, Instrument]:
    """``{id: instrument}`` of the ids that are registered or derived (contracts); the rest left
    out. For vectorised checks over a frame's distinct ids."""
    out = {}
    for iid in dict.fromkeys(ids):
        try:
            out[iid] = get(iid)
        except UnknownInstrumentError:
            continue
    return out


def shorten(text: str, limit: int | None = None) -> str:
    """``repr(text)`` for a message, cut to ``limit`` characters with the full length noted.

    >>> shorten("A" * 100_000, 5)
    "'AAAAA…' (100000 characters)"
    """
    limit = ID_ECHO_CHARS if limit is None else limit
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit] + '…'!r} ({len(text)} characters)"


def resolve(ids: str | Iterable[str] | None) -> list[Instrument]:
    """Instruments for one id, several ids, or all of them when ``ids`` is None."""
    if ids is None:
        return list(all_instruments().values())
    if isinstance(ids, str):
        ids = [ids]
    return [get(i) for i in ids]


def market_ids() -> list[str]:
    """Every registered id outside the monthly ``reference`` group: what ``moves`` covers by
    default (the weekly covers those it shows: ``reporting.layout.report_instruments``)."""
    return [i.id for i in all_instruments().values() if i.group != "reference"]


def instruments_frame() -> pd.DataFrame:
    """The registry as a DataFrame indexed by instrument id."""
    rows = [
        {k: v for k, v in inst.__dict__.items() if k != "sources"}
        | {"sources": ", ".join(f"{k}:{v}" for k, v in inst.sources.items())}
        for inst in all_instruments().values()
    ]
    return pd.DataFrame(rows).set_index("id")


#: Headline keyword -> case-insensitive regular expression: the one list of what makes a
#: headline a metals headline (``metalwatch update`` keeps the feed items that match; the
#: weekly's news section filters by the same list unless the analyst file gives its own).
#: 锡 skips the city 无锡; English words match whole words only; aluminium matches both
#: spellings. Order matters: an item is tagged with the first keyword it matches.
NEWS_KEYWORDS: dict[str, str] = {
    "稀土": "稀土",
    "镨钕": "镨钕",
    "氧化铽": "氧化铽",
    "氧化镝": "氧化镝",
    "铜": "铜",
    "铝": "铝",
    "锡": "(?<!无)锡",
    "黄金": "黄金",
    "白银": "白银",
    "钴": "钴",
    "有色": "有色",
    "rare earth": r"\brare[- ]earths?\b",
    "copper": r"\bcopper\b",
    "aluminium": r"\balumin(?:i)?um\b",
    "tin": r"\btin\b",
    "gold": r"\bgold\b",
    "silver": r"\bsilver\b",
    "cobalt": r"\bcobalt\b",
}


def news_keywords() -> dict[str, str]:
    """The headline keywords, each with its case-insensitive regular expression (a copy).

    >>> import re
    >>> pattern = news_keywords()["tin"]
    >>> bool(re.search(pattern, "Tin rallies", re.I)), bool(re.search(pattern, "Martin", re.I))
    (True, False)
    """
    return dict(NEWS_KEYWORDS)
