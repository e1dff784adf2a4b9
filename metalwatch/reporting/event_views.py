"""The core views' lines on the week's events: what happened, when, who, to which metals.

One line per event of the week (:func:`~metalwatch.reporting.policy.of_week`) that touches a
metal the weekly covers (:data:`~metalwatch.reporting.policy.COVERED_METALS`), oldest first:
``2025-12-11, United States, on rare earths: <the event's text> (<who states it>)``. The
event's text and its source are quoted as stored (the template marks them as quoted text);
the price moves around the event are in the section's policy box.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from metalwatch.event import Event
from metalwatch.reporting.i18n import tr
from metalwatch.reporting.policy import COVERED_METALS, METAL_LABELS, of_week, region_name, when


@dataclass
class EventView:
    """A core-view line on one event: the lead in the report's words, the quoted text and
    who states it."""

    lead: str
    text: str
    source: str


def metal_names(metals: Iterable[str], lang: str) -> str:
    """``gold, silver and tin`` / ``黄金、白银、锡``."""
    names = [tr(lang, METAL_LABELS[m]) for m in metals]
    if lang != "en":
        return "、".join(names)
    names = [n.lower() for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def event_views(evts: Iterable[Event], week: pd.Timestamp, lang: str) -> list[EventView]:
    """The week's events on covered metals, oldest first, as core-view lines."""
    out = []
    for e in sorted(evts, key=lambda e: (e.date, e.id)):
        metals = [m for m in e.metals if m in COVERED_METALS]
        if not metals or not of_week(e, week):
            continue
        lead = tr(
            lang,
            "%(date)s, %(who)s, on %(metals)s:",
            date=when(e, lang),
            who=region_name(e.region, lang),
            metals=metal_names(metals, lang),
        )
        out.append(EventView(lead, e.text(lang), e.source))
    return out


__all__ = ["EventView", "event_views", "metal_names"]
