"""Macro and drivers, and positioning: the tables and lead sentences of the two sections that
follow the core views.

Rates (kind ``rate``, in percent) move in basis points; the dollar index and USD/CNY in
percent. Positioning is CFTC managed money (:mod:`metalwatch.analytics.positioning`). Every
number goes through the report's :class:`~metalwatch.reporting.figures.FigureBook`.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.positioning import PERCENTILE_WEEKS, Positioning, managed_money
from metalwatch.reporting import prose
from metalwatch.reporting.figures import Cell, FigureBook, Table, direction
from metalwatch.reporting.i18n import N_, iso_date, tr, unit
from metalwatch.reporting.layout import MACRO, POSITIONING

MACRO_COLUMNS = (N_("Indicator"), N_("Unit"), N_("Level"), N_("As of"), N_("Weekly change"))
POSITION_COLUMNS = (
    N_("Market"),
    N_("Report"),
    N_("As of (Tue)"),
    N_("Long"),
    N_("Short"),
    N_("Net"),
    N_("% of OI"),
    N_("Weekly change"),
    N_("3-year percentile"),
)
REPORT_NAMES = {"FUT": N_("futures only"), "COMBINED": N_("futures and options")}
#: Basis points per percentage point.
BP = 100.0
MACRO_SECTION = "macro"
POSITION_SECTION = "positioning"


def _header(lang: str, labels: tuple[str, ...], text_cols: int) -> list[Cell]:
    return [Cell(tr(lang, c), "text" if i < text_cols else "num") for i, c in enumerate(labels)]


def _row(moves: pd.DataFrame, iid: str) -> pd.Series:
    return cast(pd.Series, moves.loc[iid])


def level_text(book: FigureBook, iid: str, m: pd.Series, *, section: str = MACRO_SECTION) -> str:
    """A macro level as printed: ``4.19%`` for a rate, ``98.40`` for the dollar index."""
    inst = registry.get(iid)
    text = book.number(section, iid, "close", m["close"], inst.decimals, inst.unit, m["close_date"])
    return text + "%" if inst.kind == "rate" and text != "—" else text


def _bp(book: FigureBook, iid: str, m: pd.Series) -> Cell:
    cell = book.change(
        MACRO_SECTION,
        iid,
        "change_bp",
        float(m["change"]) * BP,
        0,
        "bp",
        m["close_date"],
        f"(close - close on or before the previous Friday) x {BP:.0f}",
    )
    if cell.text == "—":
        return cell
    return Cell(tr(book.lang, "%(value)s bp", value=cell.text), cell.cls)


def macro_table(moves: pd.DataFrame, book: FigureBook) -> Table:
    """Dollar index, USD/CNY and US rates: level, as of, weekly change (bp for rates)."""
    lang = book.lang
    t = Table("macro", tr(lang, "Dollar and US rates"), _header(lang, MACRO_COLUMNS, 2))
    for iid in MACRO:
        if iid not in moves.index or moves.loc[iid, "status"] == "no data":
            continue
        m, inst = _row(moves, iid), registry.get(iid)
        if inst.kind == "rate":
            change = _bp(book, iid, m)
        else:
            change = book.pct(MACRO_SECTION, iid, "wow_pct", float(m["wow_pct"]), m["close_date"])
        name = inst.name(lang) + (" [" + tr(lang, "stale") + "]" if m["stale"] else "")
        t.rows.append(
            [
                Cell(name, "text name stale" if m["stale"] else "text name"),
                Cell(unit(inst.unit, lang)),
                Cell(level_text(book, iid, m), "num"),
                Cell(iso_date(m["close_date"]), "num stale" if m["stale"] else "num"),
                change,
            ]
        )
    t.formula = tr(
        lang,
        "Rates in percent; their weekly change in basis points against the last "
        "observation on or before the previous Friday. Treasury yields and the breakeven "
        "rate are FRED daily series; the real yield is the 10-year TIPS yield.",
    )
    return t


def moved(
    book: FigureBook, iid: str, m: pd.Series, *, rate: bool, section: str = MACRO_SECTION
) -> str:
    """'rose 5 bp' / 'fell 0.60%' / 'was unchanged', the figure recorded unsigned."""
    value = float(m["change"]) * BP if rate else float(m["wow_pct"])
    if round(value, 0 if rate else 2) == 0:
        return tr(book.lang, "was unchanged")
    if rate:
        text = book.number(
            section, iid, "change_bp", value, 0, "bp", m["close_date"], absolute=True
        )
        text = tr(book.lang, "%(value)s bp", value=text)
    else:
        text = book.percent(section, iid, "wow_pct", value, m["close_date"], absolute=True)
    if rate:
        msg = N_("rose %(value)s") if value > 0 else N_("fell %(value)s")
    else:
        msg = N_("gained %(value)s") if value > 0 else N_("lost %(value)s")
    return tr(book.lang, msg, value=text)


def macro_lead(moves: pd.DataFrame, book: FigureBook) -> str:
    """One sentence on the 10-year nominal and real yields and the dollar, when all are fresh."""
    ids = ("FRED.DGS10", "FRED.DFII10", "ICE.DXY")
    if any(i not in moves.index or pd.isna(float(_row(moves, i)["change"])) for i in ids):
        return ""
    nominal, real, dxy = (_row(moves, i) for i in ids)
    return tr(
        book.lang,
        "The US 10-year Treasury yield %(nominal_move)s to %(nominal)s and the 10-year real "
        "yield %(real_move)s to %(real)s; the dollar index %(dxy_move)s to %(dxy)s.",
        nominal_move=moved(book, "FRED.DGS10", nominal, rate=True),
        nominal=level_text(book, "FRED.DGS10", nominal),
        real_move=moved(book, "FRED.DFII10", real, rate=True),
        real=level_text(book, "FRED.DFII10", real),
        dxy_move=moved(book, "ICE.DXY", dxy, rate=False),
        dxy=level_text(book, "ICE.DXY", dxy),
    )


def positions(rows: pd.DataFrame, week: pd.Timestamp) -> dict[str, Positioning]:
    """Managed money per metal for the week, from the report public by its Friday."""
    out = {}
    for metal, reports in POSITIONING.items():
        got = managed_money(rows, week, reports) if not rows.empty else None
        if got is not None:
            out[metal] = got
    return out


def _contracts(book: FigureBook, p: Positioning, metric: str, value: float) -> str:
    return book.number(POSITION_SECTION, p.instrument, metric, value, 0, "contracts", p.as_of)


def positioning_table(got: dict[str, Positioning], book: FigureBook) -> Table:
    """Managed money per market: long, short, net, % of OI, weekly change, 3-year percentile."""
    lang = book.lang
    t = Table(
        "positioning", tr(lang, "CFTC managed money, COMEX"), _header(lang, POSITION_COLUMNS, 3)
    )
    for metal, p in got.items():
        report = p.instrument.rsplit(".", 1)[1]
        change = book.change(
            POSITION_SECTION,
            p.instrument,
            "net_change",
            p.change,
            0,
            "contracts",
            p.as_of,
            f"net - net as of {iso_date(p.prev_as_of)}",
        )
        t.rows.append(
            [
                Cell(tr(lang, "COMEX %(metal)s", metal=tr(lang, metal)), "text name"),
                Cell(tr(lang, REPORT_NAMES[report])),
                Cell(iso_date(p.as_of)),
                Cell(_contracts(book, p, "mm_long", p.long), "num"),
                Cell(_contracts(book, p, "mm_short", p.short), "num"),
                Cell(_contracts(book, p, "mm_net", p.net), f"num {direction(p.net)}"),
                book.pct(
                    POSITION_SECTION,
                    p.instrument,
                    "net_pct_oi",
                    p.pct_oi,
                    p.as_of,
                    "mm_net / open_interest",
                ),
                change,
                book.num(
                    POSITION_SECTION,
                    p.instrument,
                    "percentile_3y",
                    p.percentile,
                    0,
                    "percentile",
                    p.as_of,
                    f"share of the last {PERCENTILE_WEEKS} reports with a net at or below",
                ),
            ]
        )
    t.formula = tr(
        lang,
        "Positions are as of Tuesday and released by the CFTC on Friday of the same week at "
        "15:30 ET: each row is the report public by this week's Friday. Futures only where "
        "published, else futures and options combined; one report per series, never mixed.",
    )
    if got:
        n = book.count(
            POSITION_SECTION,
            "CFTC",
            "percentile_weeks",
            PERCENTILE_WEEKS,
            "reports",
            "weekly reports the percentile is measured over",
        )
        t.note = tr(
            lang,
            "Percentile: the share of the last %(n)s weekly reports of the same "
            "series whose net is at or below this one.",
            n=n,
        )
    return t


def positioning_lead(got: dict[str, Positioning], book: FigureBook) -> str:
    """Managed money's net in gold, silver and copper as of the Tuesday, with its change."""
    lang = book.lang
    parts = []
    for metal, p in got.items():
        parts.append(
            tr(
                lang,
                "%(metal)s %(net)s contracts (%(pct)s of open interest, %(change)s on the week)",
                metal=tr(lang, metal.capitalize()),
                net=prose.number(
                    book, POSITION_SECTION, p.instrument, "mm_net", p.net, 0, "contracts", p.as_of
                ),
                pct=prose.percent(
                    book, POSITION_SECTION, p.instrument, "net_pct_oi", p.pct_oi, p.as_of
                ),
                change=("+" if p.change > 0 else "")
                + prose.number(
                    book,
                    POSITION_SECTION,
                    p.instrument,
                    "net_change",
                    p.change,
                    0,
                    "contracts",
                    p.as_of,
                    f"net - net as of {iso_date(p.prev_as_of)}",
                ),
            )
        )
    if not parts:
        return ""
    as_of = min(p.as_of for p in got.values())
    return tr(
        lang,
        "Managed money's net positions on COMEX as of Tuesday %(date)s: %(list)s.",
        date=iso_date(as_of),
        list=tr(lang, "; ").join(parts),
    )


def gold_real_yield_chart(rows: pd.DataFrame, week: pd.Timestamp, lang: str) -> tuple[str, str]:
    """``(title, uri)`` of gold against the inverted 10-year real yield over 2 years, or
    ``('', '')`` when either series has fewer than two points in the window."""
    from metalwatch.analytics.resample import as_wide
    from metalwatch.reporting import charts
    from metalwatch.reporting.layout import GOLD_REAL_YIELD, GOLD_REAL_YIELD_DAYS

    start = week - pd.Timedelta(days=GOLD_REAL_YIELD_DAYS)
    window = rows[(rows["date"] > start) & (rows["date"] <= week)]
    wide = as_wide(window[window["instrument"].isin(GOLD_REAL_YIELD)])
    gold_id, real_id = GOLD_REAL_YIELD
    if any(i not in wide.columns or wide[i].notna().sum() < 2 for i in GOLD_REAL_YIELD):
        return "", ""
    title = tr(
        lang,
        "Gold (LBMA PM fix, USD/oz) against the US 10-year real yield (%%, inverted axis), "
        "%(start)s to %(end)s",
        start=iso_date(wide.index[0]),
        end=iso_date(wide.index[-1]),
    )
    uri = charts.against_inverted(
        wide[gold_id].dropna(),
        wide[real_id].dropna(),
        (registry.get(gold_id).name(lang), registry.get(real_id).name(lang)),
        title,
        (unit("USD/oz", lang), tr(lang, "percent, inverted")),
    )
    return title, uri
