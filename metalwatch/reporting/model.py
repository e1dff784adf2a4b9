"""The report model: everything a weekly shows, computed from one week's data, before any template.

:func:`build_weekly` is a pure function of a :class:`~metalwatch.store.week.WeekData` (read once
by :func:`~metalwatch.store.week.read_week`), the language and the analyst's input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from metalwatch import provenance, registry
from metalwatch.analytics import spreads
from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.records import WeeklyHistory
from metalwatch.analytics.resample import as_wide
from metalwatch.errors import MetalwatchError
from metalwatch.reporting import crossvenue, derived, drivers, layout, leads, policy, views
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.chartbook import Chart, section_chart
from metalwatch.reporting.curves_table import curves_table
from metalwatch.reporting.event_views import EventView, event_views
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.honest import honest_moves, this_week
from metalwatch.reporting.i18n import iso_date, long_date, tr, unit
from metalwatch.reporting.policy import PolicyBox
from metalwatch.reporting.spot_table import premium_table, spot_table
from metalwatch.reporting.status import DataStatus, data_status, source_labels, week_news
from metalwatch.reporting.tables import TableBuilder
from metalwatch.reporting.valuation_table import valuation_table
from metalwatch.store.week import WeekData


@dataclass
class KeyFigure:
    """One figure of the cover strip: close and weekly move, recorded like every other."""

    instrument: str
    name: str
    close: Cell
    unit: str
    wow: Cell
    stale: bool
    as_of: str
    #: Whether the figure is from an earlier week (the cover then prints its as-of date).
    dated: bool = False


@dataclass
class Section:
    """A numbered report section: commentary, tables, charts, notes."""

    key: str
    title: str
    commentary: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: A paragraph generated from the data, printed after the analyst's commentary.
    lead: str = ""
    #: The section's events: the week's, the recent and the scheduled ones (metal sections).
    policy: PolicyBox = field(default_factory=PolicyBox)

    @property
    def anchor(self) -> str:
        """The id the table of contents links to."""
        return f"sec-{self.key}"


@dataclass
class WeeklyReport:
    """A weekly, ready for a template."""

    week: pd.Timestamp
    lang: str
    generated_at: str
    title: str
    #: The week's thesis, under the title: the analyst's, else generated from the data.
    thesis: str
    week_label: str
    publisher: str
    analysts: list[str]
    rating: str
    rating_status: str
    colors: str
    key_figures: list[KeyFigure]
    core_views: list[str]
    sections: list[Section]
    news: list[dict[str, str]]
    risks: list[str]
    status: DataStatus
    disclaimer: str
    figures: pd.DataFrame = field(repr=False)
    moves: pd.DataFrame = field(repr=False)
    skipped: dict[str, str] = field(default_factory=dict)
    #: The core views' lines on the week's events (after the generated views).
    event_views: list[EventView] = field(default_factory=list)


def _gold_silver_ratio(wide: pd.DataFrame, week: pd.Timestamp) -> pd.Series:
    try:
        return spreads.gold_silver_ratio(wide)["ratio"].loc[:week].dropna()
    except MetalwatchError:
        return pd.Series(dtype=float)


def _key_figures(
    tb: TableBuilder, moves: pd.DataFrame, week: pd.Timestamp, lang: str
) -> list[KeyFigure]:
    out = []
    for iid in layout.KEY_FIGURES:
        if not tb.has(iid):
            continue
        m = moves.loc[iid]
        out.append(
            KeyFigure(
                instrument=iid,
                name=registry.get(iid).name(lang),
                close=tb.metric("cover", iid, "close"),
                unit=unit(str(m["unit"]), lang),
                wow=tb.metric("cover", iid, "wow_pct"),
                stale=bool(m["stale"]),
                as_of=iso_date(m["close_date"]),
                dated=not this_week(m["close_date"], week),
            )
        )
    return out


def _default_risks(lang: str) -> list[str]:
    return [
        tr(lang, "Macro: a stronger US dollar or fewer Fed cuts would weigh on metal prices."),
        tr(
            lang,
            "Supply: mine disruptions, export controls and quota changes can move prices "
            "sharply in either direction.",
        ),
        tr(lang, "Demand: weaker Chinese construction, grid or electronics demand."),
        tr(
            lang,
            "Data: prices are as published by exchanges and price reporters; a late or "
            "revised print can change them.",
        ),
    ]


def build_weekly(
    data: WeekData,
    *,
    lang: str = "en",
    analyst: AnalystInput | None = None,
    generated_at: datetime | None = None,
) -> WeeklyReport:
    """Compute the weekly for the week ending ``data.week`` from that week's data.

    Parameters
    ----------
    data
        The week's data, from :func:`~metalwatch.store.week.read_week`.
    lang
        ``'en'`` or ``'zh'``.
    analyst
        The analyst's input (rating, views, commentary, watch lists); default: none.
    generated_at
        The time printed as the generation time (default: now, UTC).
    """
    analyst = analyst or AnalystInput()
    week = data.week
    side = data.side

    def t(text: str) -> str:
        return tr(lang, text)

    ids = list(data.ids)  # what the weekly covers (``layout.report_instruments``), as read
    rows = data.rows(ids)
    moves = compute_moves(rows, week, ids)
    sources = source_labels(data, moves)
    book = FigureBook(lang, sources=sources)
    status = data_status(data, moves, sources, book)  # marks failed updates stale in ``moves``
    for row in status.sources:  # the sources table in the report's language
        row.source = provenance.upstream(row.instrument, lang) or row.source
    moves = honest_moves(moves, week)  # no change printed for a figure not from this week
    context_rows = data.rows(layout.context_instruments(ids))
    wide = as_wide(context_rows)
    crossings = crossvenue.cross_venues(wide, week)  # the table's figures and the paragraphs'
    history = WeeklyHistory(data.history)  # each series' weekly moves, once per weekly
    skipped: dict[str, str] = {}
    tb = TableBuilder(moves, week, book)
    key_figures = _key_figures(tb, moves, week, lang)
    own = analyst.core_views.get(lang) or analyst.core_views.get("any") or []
    if analyst.core_views_mode == "replace" and own:
        core = list(own)
    else:  # the analyst's thesis leads, the generated views follow
        ratio = _gold_silver_ratio(wide, week)
        core = own + views.core_views(moves, book, history=history, week=week, ratio=ratio)

    def commentary(key: str) -> str:
        item = analyst.commentary.get(key)
        return analyst.text(item, lang) if item else ""

    held = drivers.positions(data.positions, week)
    evts = policy.merge(data.events, analyst.events)

    def box(key: str) -> PolicyBox:
        return policy.policy_box(key, evts, data.observations, week, book)

    def chart(key: str) -> list[Chart]:
        return section_chart(rows, week, key, lang, evts)

    real_title, real_uri = drivers.gold_real_yield_chart(rows, week, lang)
    sections = [
        Section(
            "macro",
            t("Macro and drivers"),
            commentary("macro"),
            [drivers.macro_table(moves, book)],
            [Chart(real_title, real_uri)] if real_uri else [],
            lead=drivers.macro_lead(moves, book),
        ),
        Section(
            "positioning",
            t("Positioning"),
            commentary("positioning"),
            [drivers.positioning_table(held, book)],
            lead=drivers.positioning_lead(held, book),
        ),
        Section(
            "precious",
            t("Precious metals"),
            commentary("precious"),
            [
                tb.prices("precious", t("Gold and silver"), layout.PRECIOUS),
                derived.precious_table(wide, week, book, skipped),
            ],
            chart("precious"),
            lead=leads.section_lead("precious", moves, book, history, held, wide, crossings),
            policy=box("precious"),
        ),
        Section(
            "industrial",
            t("Industrial metals"),
            commentary("industrial"),
            [
                tb.prices("industrial", t("Copper, aluminium and tin"), layout.INDUSTRIAL),
                crossvenue.cross_venue_table(crossings, book, skipped),
                spot_table(tb, side, t("Spot and basis (100ppi)")),
                premium_table(tb, t("Yangshan copper premiums")),
            ],
            chart("industrial"),
            lead=leads.section_lead("industrial", moves, book, history, held, wide, crossings),
            policy=box("industrial"),
        ),
        Section(
            "inventory",
            t("Inventories"),
            commentary("inventory"),
            [tb.inventories("inventory", t("Exchange stocks"), layout.INVENTORY)],
            chart("inventory"),
        ),
        Section(
            "strategic",
            t("Strategic metals"),
            commentary("strategic"),
            [
                tb.quotes(
                    "strategic",
                    t("Rare earths: SMM quotes in China"),
                    layout.RARE_EARTH_QUOTES,
                    data.quote_ranges,
                ),
                tb.prices("rare-earth-fob", t("Rare earths: FOB China"), layout.RARE_EARTH_FOB),
                tb.prices("battery", t("Lithium, cobalt and antimony"), layout.BATTERY_MINOR),
            ],
            chart("strategic") + chart("battery"),
            [
                t(
                    "SMM rare-earth quotes are sparse point quotes: each row shows the date of "
                    "its quote and the days from it to the week's end. KOMIS prices are FOB "
                    "China in US dollars and are never spliced with the SMM quotes in yuan."
                )
            ],
            lead=leads.section_lead("strategic", moves, book, history, held, wide, crossings),
            policy=box("strategic"),
        ),
        Section(
            "recap",
            t("Weekly market recap"),
            commentary("recap"),
            [
                tb.recap("recap", t("Sector index and futures"), layout.RECAP),
                valuation_table(tb, side, t("Sector valuation")),
            ]
            + [c for c in [curves_table(data.curves, week, book)] if c is not None],
        ),
        Section(
            "equities",
            t("Stocks to watch"),
            commentary("equities"),
            [tb.equities("equities", t("Watch list"), analyst.watch_lists)],
            [],
            [
                t(
                    "A-share closes are forward-adjusted (前复权) as of the snapshot date. YTD "
                    "needs the previous year's last close on the same basis; it shows — where "
                    "the adjusted history starts later."
                )
            ],
        ),
    ]
    risks = analyst.risks.get(lang) or analyst.risks.get("any") or _default_risks(lang)
    publisher = analyst.text(analyst.publisher, lang) if analyst.publisher else "metalwatch"
    when = generated_at or datetime.now(UTC)
    return WeeklyReport(
        week=week,
        lang=lang,
        generated_at=when.strftime("%Y-%m-%d %H:%M UTC"),
        title=t("Nonferrous Metals Weekly"),
        thesis=(analyst.text(analyst.title, lang) if analyst.title else "")
        or views.thesis(moves, lang),
        week_label=tr(lang, "Week ending %(date)s", date=long_date(week, lang)),
        publisher=publisher,
        analysts=analyst.analysts,
        rating=analyst.text(analyst.rating, lang) if analyst.rating else "",
        rating_status=t(analyst.rating.get("status", "")) if analyst.rating.get("status") else "",
        colors=analyst.colors or ("red-up" if lang == "zh" else "green-up"),
        key_figures=key_figures,
        core_views=core,
        sections=sections,
        news=week_news(data.news, analyst.news_rule()),
        risks=risks,
        status=status,
        disclaimer=analyst.text(analyst.disclaimer, lang) if analyst.disclaimer else "",
        figures=book.frame(),
        moves=moves,
        skipped=skipped,
        event_views=event_views(evts, week, lang),
    )


__all__ = ["Chart", "KeyFigure", "Section", "WeeklyReport", "build_weekly"]
