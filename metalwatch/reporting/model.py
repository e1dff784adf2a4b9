"""The report model: everything a weekly shows, computed from the store, before any template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from metalwatch import frame, registry
from metalwatch.analytics.moves import compute_moves
from metalwatch.reporting import charts
from metalwatch.sources import bundled
from metalwatch.store import Store

#: Report sections in order: (group, English title, Chinese title).
SECTIONS = (
    ("precious", "Precious metals", "贵金属"),
    ("industrial", "Industrial metals", "工业金属"),
    ("inventory", "Inventories", "库存"),
    ("strategic", "Strategic metals", "战略金属"),
    ("context", "FX and indices", "汇率与指数"),
    ("equity", "Stocks to watch", "关注标的"),
)
#: The cover's key-figures strip.
KEY_FIGURES = ("COMEX.GC", "COMEX.SI", "LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "CN.PRND_OXIDE")
CHARTS = (
    ("Precious metals, 1 year (rebased to 100)", ["COMEX.GC", "COMEX.SI", "LBMA.AU.PM", "SHFE.AU"]),
    ("Base metals, LME 3-month and SHFE, 1 year (rebased to 100)",
     ["LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "SHFE.CU"]),
    ("LME warehouse stocks, 1 year (rebased to 100)",
     ["LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"]),
)  # fmt: skip


@dataclass
class Section:
    """One table of the report: rows are moves records (dicts) of one instrument group."""

    key: str
    title: str
    rows: list[dict]


@dataclass
class Chart:
    """A chart ready to embed."""

    title: str
    uri: str


@dataclass
class SourceRow:
    """Where one series comes from and how fresh it is."""

    instrument: str
    name: str
    source: str
    upstream: str
    licence: str
    first: str
    last: str
    as_of: pd.Timestamp | None
    stale: bool


@dataclass
class WeeklyReport:
    """A weekly, ready for a template."""

    week: pd.Timestamp
    lang: str
    generated_at: str
    sections: list[Section]
    charts: list[Chart]
    sources: list[SourceRow]
    missing: list[dict]
    stale: list[dict]
    key_figures: list[dict]
    moves: pd.DataFrame = field(repr=False)

    @property
    def title(self) -> str:
        """Report title."""
        return "有色金属行业周报" if self.lang == "zh" else "Nonferrous Metals Weekly"


def report_instruments() -> list[str]:
    """Instruments a weekly covers: every registered id outside the monthly reference group."""
    return [i.id for i in registry.all_instruments().values() if i.group != "reference"]


def _charts(data: pd.DataFrame, week: pd.Timestamp, lang: str) -> list[Chart]:
    start = week - pd.Timedelta(days=365)
    wide = frame.to_wide(data[(data["date"] > start) & (data["date"] <= week)])
    out = []
    for title, ids in CHARTS:
        cols = [i for i in ids if i in wide.columns]
        if not cols:
            continue
        labels = {i: registry.get(i).name(lang) for i in cols}
        out.append(Chart(title, charts.rebased_lines(wide[cols], labels, title)))
    return out


def _sources(store: Store, moves: pd.DataFrame, lang: str) -> list[SourceRow]:
    prov = bundled.provenance()
    info = store.info()
    reg = registry.all_instruments()
    rows = []
    for iid, m in moves.iterrows():
        if m["status"] == "no data":
            continue
        inst = reg[str(iid)]
        span = info[(info["instrument"] == iid) & (info["field"] == inst.field)]
        p = prov.get(str(iid), {})
        rows.append(
            SourceRow(
                instrument=str(iid),
                name=inst.name(lang),
                source=p.get("dataset", "live"),
                upstream=p.get("upstream", ""),
                licence=p.get("licence", ""),
                first=str(span["first"].iloc[0]) if len(span) else "",
                last=str(span["last"].iloc[0]) if len(span) else "",
                as_of=m["close_date"],
                stale=bool(m["stale"]),
            )
        )
    return rows


def build_weekly(store: Store, week: pd.Timestamp, lang: str = "en") -> WeeklyReport:
    """Compute the weekly for the week ending ``week`` from ``store``."""
    ids = report_instruments()
    reg = registry.all_instruments()
    fields = sorted({reg[i].field for i in ids})
    data = store.read(ids, fields=fields, end=week)
    moves = compute_moves(data, week, ids)
    sections = []
    for key, title_en, title_zh in SECTIONS:
        part = moves[(moves["group"] == key) & (moves["status"] != "no data")]
        if part.empty:
            continue
        records = part.reset_index().to_dict("records")
        sections.append(Section(key, title_zh if lang == "zh" else title_en, records))
    missing_ids = moves.index[moves["status"] == "no data"]
    reasons = bundled.provenance().get("missing", {}).get("reason", "no real history bundled")
    missing = [
        {"instrument": i, "name": reg[i].name(lang), "reason": reasons} for i in missing_ids
    ]
    records = moves.reset_index().to_dict("records")
    stale = [m for m in records if m["stale"] and m["status"] != "no data"]
    key_figures = [
        m for iid in KEY_FIGURES for m in records
        if m["instrument"] == iid and m["status"] != "no data"
    ]  # fmt: skip
    return WeeklyReport(
        week=week,
        lang=lang,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sections=sections,
        charts=_charts(data, week, lang),
        sources=_sources(store, moves, lang),
        missing=missing,
        stale=stale,
        key_figures=key_figures,
        moves=moves,
    )
