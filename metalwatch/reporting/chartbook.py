"""The section charts of the weekly, from the layout's chart specs: every chart states its unit
and the period it covers (the data's first and last dates, not the window asked for)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.resample import as_wide
from metalwatch.reporting import charts, layout
from metalwatch.reporting.i18n import iso_date, tr, unit


@dataclass
class Chart:
    """A chart ready to embed."""

    title: str
    uri: str


def section_chart(rows: pd.DataFrame, week: pd.Timestamp, key: str, lang: str) -> list[Chart]:
    """The chart ``key`` of :data:`~metalwatch.reporting.layout.CHARTS` for the week (empty
    when no series has two points in its window)."""
    spec = layout.CHARTS[key]
    window = rows[(rows["date"] > week - pd.Timedelta(days=spec.days)) & (rows["date"] <= week)]
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
    if spec.multiples:
        panels = [(insts[i].name(lang), wide[i], unit(insts[i].unit, lang)) for i in cols]
        return [Chart(title, charts.small_multiples(panels, title, markers=spec.markers))]
    labels = {i: insts[i].name(lang) for i in cols}
    seen: dict[str, int] = {}
    styles = {
        i: charts.series_style(insts[i].metal, insts[i].venue, n, seen) for n, i in enumerate(cols)
    }
    ylabel = tr(lang, "index, first day = 100")
    return [Chart(title, charts.rebased_lines(wide[cols], labels, title, styles, ylabel))]
