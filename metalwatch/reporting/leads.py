"""Per-metal paragraphs that open the metal sections, generated from the week's data.

Each metal gets one sentence of clauses, each carrying its numbers: the metal's prices (with
"the largest weekly gain since ..." where it applies), then the drivers the store holds: real
yields and the dollar for gold; the gold/silver ratio and its weekly change for silver; for
copper, aluminium and tin the SHFE/LME ratio against its import break-even, LME cash-3M
(backwardation or contango) and exchange stocks, and for copper the import window with the
day's Yangshan premium; CFTC managed money for gold, silver and copper. The cross-venue and
ratio figures are the tables' own (:mod:`.crossvenue`, :mod:`.derived`), so a sentence and a
cell print the same digits. A driver not from this week is left out. The analyst's commentary
for the section is printed before it.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from metalwatch.analytics import spreads
from metalwatch.analytics.positioning import Positioning
from metalwatch.analytics.records import WeeklyHistory
from metalwatch.reporting import crossvenue, prose
from metalwatch.reporting.derived import AU_AG_DECIMALS, latest
from metalwatch.reporting.drivers import level_text, moved
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.honest import this_week
from metalwatch.reporting.i18n import N_, iso_date, tr
from metalwatch.reporting.layout import METAL_SERIES
from metalwatch.reporting.views import fresh, series_clause, stock_move

#: Per metal: its exchange stocks (tonnes) cited in its paragraph.
STOCKS = {"Copper": "LME.CA.STOCK", "Aluminium": "LME.AH.STOCK", "Tin": "LME.SN.STOCK"}
#: Per metal: its code in :data:`metalwatch.analytics.spreads.METALS` (SHFE against LME).
CROSS = {"Copper": "CU", "Aluminium": "AL", "Tin": "SN"}
#: Per metal: the positioning key of :data:`~metalwatch.reporting.layout.POSITIONING`.
POSITIONED = {"Gold": "gold", "Silver": "silver", "Copper": "copper"}
#: The metals of each section's paragraph.
SECTION_METALS = {
    "precious": ("Gold", "Silver"),
    "industrial": ("Copper", "Aluminium", "Tin"),
    "strategic": ("Rare earths", "Lithium", "Cobalt"),
}


def _row(moves: pd.DataFrame, iid: str) -> pd.Series:
    return cast(pd.Series, moves.loc[iid])


def _stock_clause(moves: pd.DataFrame, book: FigureBook, section: str, iid: str) -> str:
    m = _row(moves, iid)
    msg = (
        N_("%(name)s built by %(change)s to %(level)s")
        if float(m["change"]) > 0
        else N_("%(name)s drew by %(change)s to %(level)s")
    )
    return tr(book.lang, msg, **stock_move(book, section, iid, m))


def _position_clause(p: Positioning, book: FigureBook, section: str) -> str:
    sign = "+" if p.change > 0 else ""
    return tr(
        book.lang,
        "managed money's net position %(net)s contracts as of %(date)s (%(change)s on the week)",
        net=prose.number(book, section, p.instrument, "mm_net", p.net, 0, "contracts", p.as_of),
        date=iso_date(p.as_of),
        change=sign
        + prose.number(
            book,
            section,
            p.instrument,
            "net_change",
            p.change,
            0,
            "contracts",
            p.as_of,
            "net - net a week earlier",
        ),
    )


def _ratio_clause(book: FigureBook, c: crossvenue.CrossVenue) -> str:
    return tr(
        book.lang,
        "the SHFE/LME ratio %(ratio)s against an import break-even of %(parity)s",
        ratio=crossvenue.record_ratio(book, c, "ratio"),
        parity=crossvenue.record_ratio(book, c, "parity"),
    )


def _import_clause(book: FigureBook, c: crossvenue.CrossVenue) -> str:
    pl = prose.level(
        book,
        crossvenue.SECTION,
        f"{c.code}.IMPORT",
        "pl",
        c.pl,
        crossvenue.PL_DECIMALS,
        "CNY/t",
        c.day,
        crossvenue.pl_formula(c),
        absolute=True,
    )
    if pd.isna(c.premium):
        msg = (
            N_("an import profit of %(pl)s before premiums")
            if c.pl > 0
            else N_("an import loss of %(pl)s before premiums")
        )
        return tr(book.lang, msg, pl=pl)
    msg = (
        N_("the import window open: a profit of %(pl)s at a Yangshan premium of %(premium)s")
        if c.pl > 0
        else N_("the import window shut: a loss of %(pl)s at a Yangshan premium of %(premium)s")
    )
    return tr(book.lang, msg, pl=pl, premium=crossvenue.premium_level(book, c))


def _spread_clause(book: FigureBook, c: crossvenue.CrossVenue) -> str:
    if pd.isna(c.spread) or c.spread == 0:
        return ""
    m = spreads.METALS[c.code]
    spread = prose.level(
        book,
        crossvenue.SECTION,
        f"{c.code}.CASH-3M",
        "spread",
        c.spread,
        crossvenue.SPREAD_DECIMALS,
        "USD/t",
        c.day,
        f"{m.lme_cash} - {m.lme_3m}",
        absolute=True,
    )
    msg = (
        N_("LME cash at a backwardation of %(spread)s over 3-month")
        if c.spread > 0
        else N_("LME cash at a contango of %(spread)s under 3-month")
    )
    return tr(book.lang, msg, spread=spread)


def _cross_clauses(metal: str, book: FigureBook, crossings: crossvenue.CrossVenues) -> list[str]:
    week = crossings.week
    c = crossings.by_code.get(CROSS[metal]) if metal in CROSS else None
    if c is None or not this_week(c.day, week):
        return []
    out = [_ratio_clause(book, c)]
    if c.code in crossvenue.PREMIUMS:
        out.append(_import_clause(book, c))
    out.append(_spread_clause(book, c))
    if c.day != week:
        out[-1] += tr(book.lang, " (on %(date)s)", date=iso_date(c.day))
    return [x for x in out if x]


def _gold_silver_clause(book: FigureBook, wide: pd.DataFrame, week: pd.Timestamp) -> str:
    row, prev = latest(spreads.gold_silver_ratio, wide, "ratio", week, {}, "AU/AG")
    if row is None or not this_week(row.name, week):
        return ""
    day, ratio = row.name, float(row["ratio"])
    level = book.number(
        "precious",
        "AU/AG",
        "ratio",
        ratio,
        AU_AG_DECIMALS,
        "oz/oz",
        day,
        "COMEX.GC / COMEX.SI close",
    )
    change = ratio - prev
    if pd.isna(change):
        return tr(book.lang, "the gold/silver ratio at %(level)s", level=level)
    moved_by = book.number(
        "precious",
        "AU/AG",
        "wow_change",
        change,
        AU_AG_DECIMALS,
        "oz/oz",
        day,
        "ratio - ratio a week earlier",
        absolute=True,
    )
    msg = (
        N_("the gold/silver ratio up %(change)s to %(level)s")
        if change > 0
        else N_("the gold/silver ratio down %(change)s to %(level)s")
    )
    return tr(book.lang, msg, change=moved_by, level=level)


def metal_paragraph(
    metal: str,
    section: str,
    moves: pd.DataFrame,
    book: FigureBook,
    history: WeeklyHistory,
    held: dict[str, Positioning],
    wide: pd.DataFrame,
    crossings: crossvenue.CrossVenues,
) -> str:
    """One sentence on ``metal``: prices, then drivers; empty when no series is fresh.

    ``wide`` holds the daily series the gold/silver ratio is computed from; ``crossings`` the
    week's cross-venue figures (the table's own).
    """
    week = pd.Timestamp(moves.attrs["week"])
    ids = [i for i in METAL_SERIES[metal] if fresh(moves, i)]
    if not ids:
        return ""
    lang = book.lang
    clauses = [series_clause(book, moves, history, week, i, section=section) for i in ids]
    if metal == "Gold":
        for iid, msg, rate in (
            ("FRED.DFII10", N_("the US 10-year real yield %(move)s to %(level)s"), True),
            ("ICE.DXY", N_("the dollar index %(move)s to %(level)s"), False),
        ):
            if fresh(moves, iid):
                m = _row(moves, iid)
                clauses.append(
                    tr(
                        lang,
                        msg,
                        move=moved(book, iid, m, rate=rate, section=section),
                        level=level_text(book, iid, m, section=section),
                    )
                )
    if metal == "Silver":
        clauses.append(_gold_silver_clause(book, wide, week))
    clauses += _cross_clauses(metal, book, crossings)
    if metal in STOCKS and fresh(moves, STOCKS[metal]):
        clauses.append(_stock_clause(moves, book, section, STOCKS[metal]))
    if metal in POSITIONED and POSITIONED[metal] in held:
        clauses.append(_position_clause(held[POSITIONED[metal]], book, section))
    return tr(
        lang,
        "%(metal)s: %(clauses)s.",
        metal=tr(lang, metal),
        clauses=tr(lang, "; ").join(c for c in clauses if c),
    )


def section_lead(
    key: str,
    moves: pd.DataFrame,
    book: FigureBook,
    history: WeeklyHistory,
    held: dict[str, Positioning],
    wide: pd.DataFrame,
    crossings: crossvenue.CrossVenues,
) -> str:
    """The paragraph opening section ``key``: one sentence per metal of :data:`SECTION_METALS`."""
    parts = (
        metal_paragraph(metal, key, moves, book, history, held, wide, crossings)
        for metal in SECTION_METALS.get(key, ())
    )
    return " ".join(p for p in parts if p) if book.lang == "en" else "".join(p for p in parts if p)
