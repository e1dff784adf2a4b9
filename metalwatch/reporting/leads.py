"""Per-metal paragraphs that open the metal sections, generated from the week's data.

Each metal gets one sentence of clauses, each carrying its numbers: the metal's prices (with
"the largest weekly gain since ..." where it applies), then the drivers the store holds: real
yields and the dollar for gold, the gold/silver ratio for silver, exchange stocks for the base
metals, and CFTC managed money for gold, silver and copper. The analyst's commentary for the
section is printed before it.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.positioning import Positioning
from metalwatch.reporting import prose
from metalwatch.reporting.drivers import level_text, moved
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.i18n import N_, iso_date, tr
from metalwatch.reporting.layout import METAL_SERIES
from metalwatch.reporting.views import fresh, series_clause

#: Per metal: its exchange stocks (tonnes) cited in its paragraph.
STOCKS = {"Copper": "LME.CA.STOCK", "Aluminium": "LME.AH.STOCK", "Tin": "LME.SN.STOCK"}
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
    m, inst, lang = _row(moves, iid), registry.get(iid), book.lang
    change = float(m["change"])
    msg = (
        N_("%(name)s built by %(change)s to %(level)s")
        if change > 0
        else N_("%(name)s drew by %(change)s to %(level)s")
    )
    return tr(
        lang,
        msg,
        name=inst.name(lang),
        change=prose.level(
            book,
            section,
            iid,
            "change",
            change,
            0,
            "t",
            m["close_date"],
            "close - close a week earlier",
            absolute=True,
        ),
        level=prose.level(book, section, iid, "close", float(m["close"]), 0, "t", m["close_date"]),
    )


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


def metal_paragraph(
    metal: str,
    section: str,
    moves: pd.DataFrame,
    book: FigureBook,
    history: pd.DataFrame,
    held: dict[str, Positioning],
) -> str:
    """One sentence on ``metal``: prices, then drivers; empty when no series is fresh."""
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
    if metal in STOCKS and fresh(moves, STOCKS[metal]):
        clauses.append(_stock_clause(moves, book, section, STOCKS[metal]))
    if metal in POSITIONED and POSITIONED[metal] in held:
        clauses.append(_position_clause(held[POSITIONED[metal]], book, section))
    return tr(
        lang, "%(metal)s: %(clauses)s.", metal=tr(lang, metal), clauses=tr(lang, "; ").join(clauses)
    )


def section_lead(
    key: str,
    moves: pd.DataFrame,
    book: FigureBook,
    history: pd.DataFrame,
    held: dict[str, Positioning],
) -> str:
    """The paragraph opening section ``key``: one sentence per metal of :data:`SECTION_METALS`."""
    parts = (
        metal_paragraph(metal, key, moves, book, history, held)
        for metal in SECTION_METALS.get(key, ())
    )
    return " ".join(p for p in parts if p) if book.lang == "en" else "".join(p for p in parts if p)
