"""The policy box of a metal section: the week's events, the recent ones and the scheduled ones.

An event is *of the week* when the whole of its known date lies in the week (Saturday to
Friday): a day event dated in it. A month event is never of the week (a month is longer than a
week, and the day is not known); it is *recent* while its month started in the
:data:`RECENT_DAYS` before the week's end. An event dated after the week is *scheduled* (the
store reads the known ones, such as a ban that takes effect on a set day).

For the week's and the recent day events the box quotes how the section's lead daily series of
each metal the event touches moved (:func:`metalwatch.analytics.event_study.event_window`):
over the :data:`WINDOW` sessions after the event when all of them are in, else over the
sessions before it, else nothing. A month event gets no quote: "the five sessions after" a day
it did not have would be a figure about nothing. Every number goes through the report's
:class:`~metalwatch.reporting.figures.FigureBook`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.event_study import event_window
from metalwatch.event import METALS, Event
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.i18n import LANGS, LOCALES, N_, tr
from metalwatch.reporting.layout import INDUSTRIAL, METAL_SERIES, PRECIOUS, PROSE_NAMES, STRATEGIC

#: Sessions each side of an event the box quotes.
WINDOW = 5
#: An event is recent while it is at most this many days before the week's end (3 months).
RECENT_DAYS = 92
#: A scheduled event is shown while it is at most this many days after the week's end.
SCHEDULED_DAYS = 92
#: The price tables of each metal section: its policy box covers the event metals of their
#: series (gold, silver; copper, aluminium, tin; rare earths, lithium, cobalt, antimony).
SECTION_IDS: dict[str, tuple[str, ...]] = {
    "precious": PRECIOUS,
    "industrial": INDUSTRIAL,
    "strategic": STRATEGIC,
}


def _event_metals(ids: Iterable[str]) -> tuple[str, ...]:
    held = {registry.get(i).metal for i in ids}
    return tuple(m for m, covers in METALS.items() if held & set(covers))


#: The event metals each section's policy box covers.
SECTION_METALS = {key: _event_metals(ids) for key, ids in SECTION_IDS.items()}
#: Every metal a section covers (the core views mention the week's events on these).
COVERED_METALS = tuple(m for ms in SECTION_METALS.values() for m in ms)
KIND_LABELS = {
    "export_control": N_("Export control"),
    "licence": N_("Licence"),
    "supply": N_("Supply"),
    "monetary": N_("Monetary policy"),
    "alliance": N_("Alliance"),
    "statement": N_("Statement"),
    "tariff": N_("Tariff"),
    "sanction": N_("Sanction"),
    "other": N_("Other"),
}
METAL_LABELS = {
    "gold": N_("Gold"),
    "silver": N_("Silver"),
    "platinum": N_("Platinum"),
    "copper": N_("Copper"),
    "aluminium": N_("Aluminium"),
    "tin": N_("Tin"),
    "zinc": N_("Zinc"),
    "nickel": N_("Nickel"),
    "lead": N_("Lead"),
    "rare_earths": N_("Rare earths"),
    "lithium": N_("Lithium"),
    "cobalt": N_("Cobalt"),
    "antimony": N_("Antimony"),
}


@dataclass
class EventRow:
    """One event as the box prints it."""

    when: str
    region: str
    kind: str
    text: str
    source: str
    url: str
    #: ``week``, ``recent`` or ``scheduled``.
    status: str
    #: The event study sentence (empty when nothing is quoted).
    study: str = ""


@dataclass
class PolicyBox:
    """A section's events: the week's, the recent and the scheduled ones, newest first."""

    week: list[EventRow] = field(default_factory=list)
    recent: list[EventRow] = field(default_factory=list)
    scheduled: list[EventRow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.week or self.recent or self.scheduled)


def merge(stored: Iterable[Event], analyst: Iterable[Event]) -> tuple[Event, ...]:
    """Stored and analyst events, oldest first; an analyst event replaces a stored one with
    the same id."""
    by_id = {e.id: e for e in stored} | {e.id: e for e in analyst}
    return tuple(sorted(by_id.values(), key=lambda e: (e.date, e.id)))


def when(event: Event, lang: str) -> str:
    """The date as it is known: ``2025-12-11``; a month event ``2025-12`` / ``2025年12月``."""
    if event.precision == "month" and lang == "zh":
        return f"{event.date.year}年{event.date.month}月"
    return event.when()


#: Names a desk uses where the locale's differs (Babel's English "Congo - Kinshasa").
REGION_NAMES = {("CD", "en"): "DR Congo"}
#: CLDR's names (en, zh: the order of ``LANGS``) of the regions of the bundled events, so a
#: weekly loads no locale data (~4 MiB) for them; a test holds each to Babel's and checks every
#: bundled event's region is here. Another code (an analyst's event) is looked up in Babel.
#: Their characters are among the bundled font's first glyphs (``tests/test_font_coverage.py``).
CLDR_REGION_NAMES = {
    "CD": ("Congo - Kinshasa", "刚果（金）"),
    "CN": ("China", "中国"),
    "US": ("United States", "美国"),
    "VN": ("Vietnam", "越南"),
}


@cache
def region_name(code: str, lang: str) -> str:
    """Who acted, by name (``United States`` / ``美国``; the code where the locale has none)."""
    if (code, lang) in REGION_NAMES:
        return REGION_NAMES[(code, lang)]
    if code in CLDR_REGION_NAMES and lang in LANGS:
        return CLDR_REGION_NAMES[code][LANGS.index(lang)]
    from babel import Locale

    return str(Locale.parse(LOCALES[lang]).territories.get(code, code))


def of_week(event: Event, week: pd.Timestamp) -> bool:
    """Whether the event's known date lies in the week ending ``week`` (Saturday to Friday)."""
    return event.precision == "day" and week - pd.Timedelta(days=6) <= event.date <= week


def status(event: Event, week: pd.Timestamp) -> str | None:
    """``week``, ``recent``, ``scheduled``, or None (too old or too far ahead)."""
    if of_week(event, week):
        return "week"
    if event.date > week:
        return "scheduled" if event.date <= week + pd.Timedelta(days=SCHEDULED_DAYS) else None
    return "recent" if event.date >= week - pd.Timedelta(days=RECENT_DAYS) else None


def touching(evts: Iterable[Event], metals: Sequence[str]) -> list[Event]:
    """The events that touch one of ``metals``."""
    return [e for e in evts if set(e.metals) & set(metals)]


@cache
def study_series(metal: str) -> str | None:
    """The lead daily series of an event metal: the first daily series of the report's metal
    lists whose registry metal the event metal covers."""
    covered = set(METALS[metal])
    order = [i for ids in METAL_SERIES.values() for i in ids] + [
        *PRECIOUS,
        *INDUSTRIAL,
        *STRATEGIC,
    ]
    for iid in order:
        inst = registry.get(iid)
        if inst.metal in covered and inst.cadence == "daily":
            return iid
    return None


def study(
    event: Event, metals: Sequence[str], observations: pd.DataFrame, book: FigureBook, section: str
) -> str:
    """How the lead series of the event's metals in ``metals`` moved around it (a sentence,
    or empty when no side has all its sessions)."""
    ids = [s for m in event.metals if m in metals and (s := study_series(m))]
    ids = list(dict.fromkeys(ids))
    rows = observations[observations["instrument"].isin(ids)]
    if rows.empty:
        return ""
    table = event_window(rows, event.date, window=WINDOW, precision=event.precision)
    lang, parts = book.lang, []
    for r in table.to_dict("records"):
        iid = str(r["instrument"])
        name = tr(lang, PROSE_NAMES[iid]) if iid in PROSE_NAMES else registry.get(iid).name(lang)
        if r["sessions_after"] == WINDOW and pd.notna(r["after_pct"]):
            side, value, day = "after", r["after_pct"], r["after_date"]
            msg = N_("%(name)s %(pct)s in the %(n)s sessions after")
        elif r["sessions_before"] == WINDOW and pd.notna(r["before_pct"]):
            side, value, day = "before", r["before_pct"], r["base_date"]
            msg = N_("%(name)s %(pct)s in the %(n)s sessions before")
        else:
            continue
        formula = (
            f"close {WINDOW} sessions after the event / last close before it - 1 ({event.id})"
            if side == "after"
            else f"last close before the event / close {WINDOW} sessions earlier - 1 ({event.id})"
        )
        pct = book.percent(section, iid, f"event_{side}_pct", float(value), day, formula)
        n = book.count(section, iid, "event_window", WINDOW, "sessions", "sessions each side")
        parts.append(tr(lang, msg, name=name, pct=pct, n=n))
    return tr(lang, "; ").join(parts)


def row(
    event: Event,
    state: str,
    metals: Sequence[str],
    observations: pd.DataFrame,
    book: FigureBook,
    section: str,
) -> EventRow:
    """One event of a section's box (with its study unless it is scheduled)."""
    lang = book.lang
    return EventRow(
        when=when(event, lang),
        region=region_name(event.region, lang),
        kind=tr(lang, KIND_LABELS[event.kind]),
        text=event.text(lang),
        source=event.source,
        url=event.url,
        status=state,
        study=""
        if state == "scheduled" or event.precision == "month"
        else study(event, metals, observations, book, section),
    )


def policy_box(
    section: str,
    evts: Iterable[Event],
    observations: pd.DataFrame,
    week: pd.Timestamp,
    book: FigureBook,
) -> PolicyBox:
    """The policy box of ``section`` (a key of :data:`SECTION_METALS`) for the week."""
    metals = SECTION_METALS[section]
    box = PolicyBox()
    for event in sorted(touching(evts, metals), key=lambda e: (e.date, e.id), reverse=True):
        state = status(event, week)
        if state is None:
            continue
        getattr(box, state).append(row(event, state, metals, observations, book, section))
    box.scheduled.reverse()  # the next one first
    return box


__all__ = [
    "COVERED_METALS",
    "SECTION_METALS",
    "EventRow",
    "PolicyBox",
    "merge",
    "of_week",
    "policy_box",
    "region_name",
    "status",
    "when",
]
