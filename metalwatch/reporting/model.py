"""The report model: everything a weekly shows, computed from the store, before any template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from metalwatch import frame, registry
from metalwatch.analytics import spreads
from metalwatch.analytics.inputs import moves_inputs
from metalwatch.analytics.moves import compute_moves
from metalwatch.errors import MetalwatchError
from metalwatch.reporting import charts, derived, views
from metalwatch.reporting.analyst import AnalystInput
from metalwatch.reporting.cells import FigureBook, Table
from metalwatch.reporting.i18n import long_date, tr
from metalwatch.reporting.status import DataStatus, data_status, week_news
from metalwatch.reporting.tables import TableBuilder
from metalwatch.store import Store

#: The cover's key-figures strip.
KEY_FIGURES = ("COMEX.GC", "COMEX.SI", "LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "CN.PRND_OXIDE")
PRECIOUS = ["COMEX.GC", "COMEX.SI", "LBMA.AU.PM", "SGE.AU9999", "SHFE.AU", "SHFE.AG"]
INDUSTRIAL = ["LME.CA.CASH", "LME.CA.3M", "SHFE.CU", "COMEX.HG", "LME.AH.CASH", "LME.AH.3M",
              "SHFE.AL", "LME.SN.CASH", "LME.SN.3M", "SHFE.SN"]  # fmt: skip
INVENTORY = ["LME.CA.STOCK", "SHFE.CU.STOCK", "COMEX.HG.STOCK", "LME.AH.STOCK",
             "SHFE.AL.STOCK", "LME.SN.STOCK", "SHFE.SN.STOCK", "COMEX.GC.STOCK",
             "COMEX.SI.STOCK"]  # fmt: skip
STRATEGIC = ["CN.PRND_OXIDE", "CN.TB_OXIDE", "CN.DY_OXIDE", "KOMIS.ND", "KOMIS.CE",
             "CN.CO_ELECTROLYTIC"]  # fmt: skip
RECAP = ["SW.801050", "SHFE.AU", "COMEX.GC", "SHFE.AG", "COMEX.SI", "SHFE.CU", "LME.CA.3M",
         "COMEX.HG", "SHFE.AL", "LME.AH.3M", "SHFE.SN", "LME.SN.3M", "SHFE.ZN", "SHFE.NI",
         "SHFE.PB", "SHFE.AO"]  # fmt: skip
CHARTS = {
    "precious": ("Gold and silver, 1 year (rebased to 100)",
                 ["COMEX.GC", "COMEX.SI", "LBMA.AU.PM", "SHFE.AU", "SHFE.AG"]),
    "industrial": ("Copper, aluminium and tin, LME 3-month and SHFE, 1 year (rebased to 100)",
                   ["LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "SHFE.CU", "SHFE.AL", "SHFE.SN"]),
    "inventory": ("LME warehouse stocks, 1 year (rebased to 100)",
                  ["LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"]),
    "strategic": ("Rare-earth oxide quotes (SMM, mid of range), 2 years",
                  ["CN.PRND_OXIDE", "CN.TB_OXIDE", "CN.DY_OXIDE"]),
}  # fmt: skip


@dataclass
class Chart:
    """A chart ready to embed."""

    title: str
    uri: str


@dataclass
class Section:
    """A numbered report section: commentary, tables, charts, notes."""

    key: str
    title: str
    commentary: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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
    week_label: str
    publisher: str
    analysts: list[str]
    rating: str
    rating_status: str
    colors: str
    key_figures: list[dict]
    core_views: list[str]
    sections: list[Section]
    news: list[dict]
    risks: list[str]
    status: DataStatus
    disclaimer: str
    figures: pd.DataFrame = field(repr=False)
    moves: pd.DataFrame = field(repr=False)


def report_instruments() -> list[str]:
    """Instruments a weekly covers: every registered id outside the monthly reference group."""
    return [i.id for i in registry.all_instruments().values() if i.group != "reference"]


def _chart(data: pd.DataFrame, week: pd.Timestamp, key: str, lang: str) -> list[Chart]:
    title, ids = CHARTS[key]
    days = 730 if key == "strategic" else 365
    window = data[(data["date"] > week - pd.Timedelta(days=days)) & (data["date"] <= week)]
    wide = frame.to_wide(window[window["instrument"].isin(ids)])
    cols = [i for i in ids if i in wide.columns and wide[i].notna().sum() >= 2]
    if not cols:
        return []
    labels = {i: registry.get(i).name(lang) for i in cols}
    t = tr(lang, title)
    if key == "strategic":
        return [Chart(t, charts.level_lines(wide[cols], labels, t, tr(lang, "CNY/t"),
                                            lang=lang, markers=True))]  # fmt: skip
    return [Chart(t, charts.rebased_lines(wide[cols], labels, t, lang=lang))]


def _ranges(store: Store, week: pd.Timestamp) -> pd.DataFrame:
    """Latest quoted low/high on or before the week for the sparse oxide quotes."""
    ids = [i for i in STRATEGIC if registry.get(i).field == "mid"]
    df = store.read(ids, fields=["low", "high"], end=week)
    if df.empty:
        return pd.DataFrame(columns=["low", "high"])
    last = df.sort_values("date").groupby(["instrument", "field"], observed=True).tail(1)
    return last.pivot(index="instrument", columns="field", values="value")


#: Calendar days of history read for the statistical context (520 weeks and a margin).
CONTEXT_DAYS = 3700
CONTEXT_KINDS = ["extreme_move", "gold_premium", "import_window", "inventory_vs_norm"]


def _context(store: Store, week: pd.Timestamp) -> tuple[pd.DataFrame, list[dict]]:
    """Spread legs and the week's notable statistical facts (strongest first)."""
    from metalwatch.analytics.context import weekly_context

    reg = registry.all_instruments()
    ids = [i for i, inst in reg.items() if inst.group not in ("reference", "equity")
           and inst.cadence in ("daily", "weekly")]  # fmt: skip
    data = store.read(ids, fields=sorted({reg[i].field for i in ids}),
                      start=week - pd.Timedelta(days=CONTEXT_DAYS), end=week)  # fmt: skip
    data = data[data["field"].astype(str) == data["instrument"].astype(str).map(
        registry.attribute_map("field"))].reset_index(drop=True)  # fmt: skip
    try:
        facts = weekly_context(data, week, kinds=CONTEXT_KINDS)
    except MetalwatchError:
        return data, []
    return data, facts.to_dict("records")


def _gold_silver_ratio(legs: pd.DataFrame, week: pd.Timestamp) -> pd.Series:
    try:
        return spreads.gold_silver_ratio(legs)["ratio"].loc[:week].dropna()
    except MetalwatchError:
        return pd.Series(dtype=float)


def build_weekly(store: Store, week: pd.Timestamp, lang: str = "en",
                 analyst: AnalystInput | None = None) -> WeeklyReport:  # fmt: skip
    """Compute the weekly for the week ending ``week`` from ``store``."""
    analyst = analyst or AnalystInput()
    ids = report_instruments()
    data = moves_inputs(store, ids, week)
    moves = compute_moves(data, week, ids)
    legs, facts = _context(store, week)
    status = data_status(store, moves, data, week, lang)
    for item in status.stale:  # a failed latest update marks the series stale too
        moves.loc[item["instrument"], "stale"] = True
    book = FigureBook(lang, sources={r.instrument: r.source for r in status.sources})
    tb = TableBuilder(moves, week, book)
    t = lambda text: tr(lang, text)  # noqa: E731

    def commentary(key: str) -> str:
        item = analyst.commentary.get(key)
        return analyst.text(item, lang) if item else ""

    sections = [
        Section("precious", t("Precious metals"), commentary("precious"),
                [tb.prices("precious", t("Gold and silver"), PRECIOUS),
                 derived.precious_table(legs, week, book)],
                _chart(data, week, "precious", lang)),
        Section("industrial", t("Industrial metals"), commentary("industrial"),
                [tb.prices("industrial", t("Copper, aluminium and tin"), INDUSTRIAL),
                 derived.cross_venue_table(legs, week, book)],
                _chart(data, week, "industrial", lang)),
        Section("inventory", t("Inventories"), commentary("inventory"),
                [tb.inventories("inventory", t("Exchange stocks"), INVENTORY)],
                _chart(data, week, "inventory", lang)),
        Section("strategic", t("Strategic metals"), commentary("strategic"),
                [tb.quotes("strategic", t("Rare earths and cobalt"), STRATEGIC,
                           _ranges(store, week))],
                _chart(data, week, "strategic", lang),
                [t("Rare-earth oxide prices are sparse point quotes: each row shows the date "
                   "of its quote and its age at the week's end.")]),
        Section("recap", t("Weekly market recap"), commentary("recap"),
                [tb.recap("recap", t("Sector index and futures"), RECAP)]),
        Section("equities", t("Stocks to watch"), commentary("equities"),
                [tb.equities("equities", t("Watch list"), analyst.watch_lists)], [],
                [t("A-share closes are forward-adjusted (前复权) as of the snapshot date. YTD "
                   "needs the previous year's last close on the same basis; it shows — where "
                   "the adjusted history starts later.")]),
    ]  # fmt: skip
    key_figures = [moves.loc[i].to_dict() | {"instrument": i} for i in KEY_FIGURES
                   if tb.has(i)]  # fmt: skip
    for k in key_figures:
        tb.metric("cover", k["instrument"], "close")
        tb.metric("cover", k["instrument"], "wow_pct")
    generated = views.core_views(moves, lang, ratio=_gold_silver_ratio(legs, week),
                                 context=facts)  # fmt: skip
    own = analyst.core_views.get(lang) or analyst.core_views.get("any") or []
    core = own if analyst.core_views_mode == "replace" and own else generated + own
    risks = analyst.risks.get(lang) or analyst.risks.get("any") or [
        t("Macro: a stronger US dollar or fewer Fed cuts would weigh on metal prices."),
        t("Supply: mine disruptions, export controls and quota changes can move prices "
          "sharply in either direction."),
        t("Demand: weaker Chinese construction, grid or electronics demand."),
        t("Data: figures are as published upstream; stale and missing series are listed "
          "under Data status."),
    ]  # fmt: skip
    publisher = analyst.text(analyst.publisher, lang) if analyst.publisher else "metalwatch"
    return WeeklyReport(
        week=week,
        lang=lang,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        title=t("Nonferrous Metals Weekly"),
        week_label=tr(lang, "Week ending %(date)s", date=long_date(week, lang)),
        publisher=publisher,
        analysts=analyst.analysts,
        rating=analyst.text(analyst.rating, lang) if analyst.rating else "",
        rating_status=t(analyst.rating.get("status", "")) if analyst.rating.get("status") else "",
        colors=analyst.colors or ("red-up" if lang == "zh" else "green-up"),
        key_figures=key_figures,
        core_views=core,
        sections=sections,
        news=week_news(store, week, analyst.news_keywords),
        risks=risks,
        status=status,
        disclaimer=analyst.text(analyst.disclaimer, lang) if analyst.disclaimer else "",
        figures=book.frame(),
        moves=moves,
    )
