"""The section charts of the weekly, from the layout's chart specs: every chart states its unit
and the period it covers (the data's first and last dates, not the window asked for).

Events in a chart's window that touch one of its metals are drawn on it with numbers 1, 2, 3
... (oldest first) and listed in a key under it: number, date as known, short text. A month
event is a band over its month and reads ``2025-04`` in the key, never a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.resample import as_wide
from metalwatch.event import METALS, Event
from metalwatch.reporting import charts, layout, policy
from metalwatch.reporting.i18n import iso_date, tr, unit

#: Characters of an event's text in a chart key (English; Chinese gets half).
KEY_CHARS = 110


@dataclass
class KeyItem:
    """One line of a chart's key."""

    number: int
    when: str
    region: str
    text: str


@dataclass
class Chart:
    """A chart ready to embed, with the key of its numbered event markers."""

    title: str
    uri: str
    key: list[KeyItem] = field(default_factory=list)


def short(text: str, lang: str) -> str:
    """``text`` cut to :data:`KEY_CHARS` (half in Chinese) at a word, with an ellipsis."""
    limit = KEY_CHARS if lang == "en" else KEY_CHARS // 2
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if lang == "en" else text[:limit]
    return cut.rstrip(" ,;:，；") + "…"


def covered(event: Event) -> set[str]:
    """The registry metals an event touches."""
    return {m for metal in event.metals for m in METALS[metal]}


def chart_events(
    evts: Sequence[Event], ids: Sequence[str], start: pd.Timestamp, end: pd.Timestamp
) -> list[Event]:
    """Events touching a metal of ``ids`` whose known date overlaps ``start``..``end``."""
    metals = {registry.get(i).metal for i in ids}
    out = []
    for e in evts:
        if not metals & covered(e):
            continue
        last = e.date + pd.offsets.MonthEnd(0) if e.precision == "month" else e.date
        if last >= start and e.date <= end:
            out.append(e)
    return sorted(out, key=lambda e: (e.date, e.id))


def marks_and_key(
    chosen: Sequence[Event], lang: str
) -> tuple[list[charts.EventMark], list[KeyItem]]:
    """The chart marks of ``chosen`` events and the key under the chart, numbered from 1."""
    marks, key = [], []
    for n, e in enumerate(chosen, start=1):
        end = e.date + pd.offsets.MonthBegin(1) if e.precision == "month" else None
        marks.append(charts.EventMark(n, e.date, end))
        key.append(
            KeyItem(
                n,
                policy.when(e, lang),
                policy.region_name(e.region, lang),
                short(e.text(lang), lang),
            )
        )
    return marks, key


def section_chart(
    rows: pd.DataFrame,
    week: pd.Timestamp,
    key: str,
    lang: str,
    evts: Sequence[Event] = (),
) -> list[Chart]:
    """The chart ``key`` of :data:`~metalwatch.reporting.layout.CHARTS` for the week (empty
    when no series has two points in its window), marked with the ``evts`` in its window."""
    spec = layout.CHARTS[key]
    first_day = week - pd.Timedelta(days=spec.days - 1)
    window = rows[(rows["date"] >= first_day) & (rows["date"] <= week)]
    wide = as_wide(window[window["instrument"].isin(spec.ids)])
    cols = [i for i in spec.ids if i in wide.columns and wide[i].notna().sum() >= 2]
    if not cols:
        return []
    used = wide[cols].dropna(how="all")
    title = tr(
        lang,
        "%(title)s, %(start)s to %(end)s",
        title=tr(lang, spec.title),
        start=iso_date(used.index[0]),
        end=iso_date(used.index[-1]),
    )
    insts = {i: registry.get(i) for i in cols}
    chosen = chart_events(evts, cols, used.index[0], week)
    marks, legend = marks_and_key(chosen, lang)
    if spec.multiples:
        panels = [(insts[i].name(lang), wide[i], unit(insts[i].unit, lang)) for i in cols]
        per_panel = [
            [m for m, e in zip(marks, chosen, strict=True) if insts[i].metal in covered(e)]
            for i in cols
        ]
        uri = charts.small_multiples(panels, title, markers=spec.markers, panel_marks=per_panel)
        return [Chart(title, uri, legend)]
    labels = {i: insts[i].name(lang) for i in cols}
    seen: dict[str, int] = {}
    styles = {
        i: charts.series_style(insts[i].metal, insts[i].venue, n, seen) for n, i in enumerate(cols)
    }
    ylabel = tr(lang, "index, first day = 100")
    uri = charts.rebased_lines(wide[cols], labels, title, styles, ylabel, marks)
    return [Chart(title, uri, legend)]
