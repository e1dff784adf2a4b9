"""Core views: short sentences generated from the week's data by deterministic rules.

Each rule reads the weekly moves (and, where available, the statistical context records of
:mod:`metalwatch.analytics.context`) and returns sentences that carry their numbers. Rules run in
a fixed order; the report keeps at most :data:`MAX_VIEWS`. The analyst file can extend or replace
them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.spreads import METALS
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.i18n import N_, tr, unit
from metalwatch.reporting.layout import INVENTORY

MAX_VIEWS = 6
#: Where the core views' figures are recorded in the appendix.
SECTION = "core_views"
#: SHFE and LME weekly moves this many percentage points apart (or of opposite sign) diverge.
DIVERGENCE_POINTS = 1.5
#: A weekly move is quoted as "the largest in N weeks" from this many weeks on.
RANK_WEEKS_QUOTED = 8
#: The gold premium is cited only when the most extreme in at least this many weeks.
PREMIUM_RANK_WEEKS = 26


def _ok(moves: pd.DataFrame, iid: str) -> bool:
    return (
        iid in moves.index
        and moves.loc[iid, "status"] == "ok"
        and not math.isnan(moves.loc[iid, "wow_pct"])
    )


def _pct(moves: pd.DataFrame, iid: str, book: FigureBook, metric: str = "wow_pct",
         absolute: bool = False) -> str:  # fmt: skip
    m = moves.loc[iid]
    return book.percent(SECTION, iid, metric, m[metric], m["close_date"], absolute=absolute)


def _level(moves: pd.DataFrame, iid: str, book: FigureBook) -> str:
    inst, m = registry.get(iid), moves.loc[iid]
    close = book.number(SECTION, iid, "close", m["close"], inst.decimals, inst.unit,
                        m["close_date"])  # fmt: skip
    return f"{close} {unit(inst.unit, book.lang)}"


def precious_summary(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """Gold and silver: level and weekly move."""
    if not (_ok(moves, "COMEX.GC") and _ok(moves, "COMEX.SI")):
        return []
    return [tr(book.lang, "COMEX gold closed the week at %(gold)s (%(gold_wow)s WoW); silver at "
               "%(silver)s (%(silver_wow)s).",
               gold=_level(moves, "COMEX.GC", book), gold_wow=_pct(moves, "COMEX.GC", book),
               silver=_level(moves, "COMEX.SI", book),
               silver_wow=_pct(moves, "COMEX.SI", book))]  # fmt: skip


def _largest_mover_id(moves: pd.DataFrame) -> str | None:
    cand = moves[(moves["group"].isin(["precious", "industrial", "strategic"]))
                 & (moves["kind"] == "price") & (moves["status"] == "ok")
                 & moves["wow_pct"].notna()]  # fmt: skip
    return None if cand.empty else str(cand["wow_pct"].abs().idxmax())


def largest_mover(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """The largest weekly move among metal prices with fresh data."""
    iid = _largest_mover_id(moves)
    if iid is None:
        return []
    value = moves.loc[iid, "wow_pct"]
    msg = (N_("%(name)s rose %(pct)s this week to %(level)s, the largest move among the metals "
              "tracked.") if value > 0 else
           N_("%(name)s fell %(pct)s this week to %(level)s, the largest move among the metals "
              "tracked."))  # fmt: skip
    return [tr(book.lang, msg, name=registry.get(iid).name(book.lang),
               pct=_pct(moves, iid, book, absolute=True), level=_level(moves, iid, book))]


def inventory_change(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """The largest inventory build or draw of the week, in tonnes (or the unit) and %."""
    cand = [i for i in INVENTORY if _ok(moves, i)]
    if not cand:
        return []
    iid = max(cand, key=lambda i: abs(moves.loc[i, "wow_pct"]))
    m, inst, lang = moves.loc[iid], registry.get(iid), book.lang
    msg = (N_("%(name)s rose by %(change)s %(unit)s (%(pct)s) to %(level)s.") if m["change"] > 0
           else N_("%(name)s fell by %(change)s %(unit)s (%(pct)s) to %(level)s."))  # fmt: skip
    change = book.number(SECTION, iid, "change", m["change"], inst.decimals, inst.unit,
                         m["close_date"], absolute=True)  # fmt: skip
    return [tr(lang, msg, name=inst.name(lang), unit=unit(inst.unit, lang), change=change,
               pct=_pct(moves, iid, book), level=_level(moves, iid, book))]  # fmt: skip


def venue_divergence(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """SHFE and LME moving apart: opposite signs, or :data:`DIVERGENCE_POINTS` or more apart."""
    for code, m in METALS.items():
        shfe, lme = m.shfe, m.lme_3m
        if not (_ok(moves, shfe) and _ok(moves, lme)):
            continue
        a, b = moves.loc[shfe, "wow_pct"], moves.loc[lme, "wow_pct"]
        if (a > 0) != (b > 0) or abs(a - b) >= DIVERGENCE_POINTS:
            gap = book.number(SECTION, f"{code}.SHFE-LME", "wow_gap", abs(a - b), 2,
                              "percentage points", moves.loc[shfe, "close_date"],
                              f"|WoW % {shfe} - WoW % {lme}|")  # fmt: skip
            return [tr(book.lang, "%(metal)s: SHFE %(shfe)s against LME %(lme)s this week, a "
                       "gap of %(gap)s percentage points.",
                       metal=tr(book.lang, m.name.capitalize()), shfe=_pct(moves, shfe, book),
                       lme=_pct(moves, lme, book), gap=gap)]  # fmt: skip
    return []


def gold_silver_ratio(
    moves: pd.DataFrame, book: FigureBook, ratio: pd.Series | None = None
) -> list[str]:
    """The COMEX gold/silver ratio (daily closes), flagged at a 52-week high or low."""
    if ratio is None or ratio.empty or not (_ok(moves, "COMEX.GC") and _ok(moves, "COMEX.SI")):
        return []
    day = ratio.index[-1]
    now = ratio.iloc[-1]
    year = ratio[ratio.index > day - pd.Timedelta(days=364)]

    def fig(metric: str, value: float, how: str) -> str:
        return book.number(SECTION, "AU/AG", metric, value, 2, "oz/oz", day, how)

    if now <= year.min():
        msg = N_("The gold/silver ratio fell to %(ratio)s, its lowest in 52 weeks.")
        return [tr(book.lang, msg, ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"))]
    if now >= year.max():
        msg = N_("The gold/silver ratio rose to %(ratio)s, its highest in 52 weeks.")
        return [tr(book.lang, msg, ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"))]
    msg = N_("The gold/silver ratio stands at %(ratio)s (52-week range %(low)s–%(high)s).")
    return [tr(book.lang, msg, ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"),
               low=fig("low_52w", year.min(), "lowest daily ratio over the 52 weeks"),
               high=fig("high_52w", year.max(), "highest daily ratio over the 52 weeks"))]


def _name(iid: str, lang: str) -> str:
    try:
        return registry.get(iid).name(lang)
    except LookupError:
        return iid


Record = dict[str, Any]


def _extreme_move(rec: Record, book: FigureBook) -> str:
    up, iid, day = rec["value"] > 0, rec["instrument"], rec["date"]
    if rec.get("rank_weeks") and rec["rank_weeks"] >= RANK_WEEKS_QUOTED:
        msg = (N_("%(name)s's weekly gain of %(pct)s is the largest in %(weeks)s weeks "
                  "(z = %(z)s against %(n)s weekly moves).") if up else
               N_("%(name)s's weekly drop of %(pct)s is the largest in %(weeks)s weeks "
                  "(z = %(z)s against %(n)s weekly moves)."))  # fmt: skip
    else:
        msg = (N_("%(name)s's weekly gain of %(pct)s is unusually large: z = %(z)s, "
                  "%(pctile)s percentile of %(n)s weekly moves.") if up else
               N_("%(name)s's weekly drop of %(pct)s is unusually large: z = %(z)s, "
                  "%(pctile)s percentile of %(n)s weekly moves."))  # fmt: skip
    window = str(rec.get("window") or "")
    figures = {  # only the placeholders the chosen sentence prints are formatted (and recorded)
        "pct": lambda: book.percent(SECTION, iid, "week_move_pct", rec["value"], day, window,
                                    absolute=True),
        "weeks": lambda: book.count(SECTION, iid, "rank_weeks", int(rec["rank_weeks"]), "weeks",
                                    "weeks since a weekly move at least as large in the same "
                                    "direction"),
        "z": lambda: book.number(SECTION, iid, "z", rec["z"], 2, "sd", day,
                                 f"z-score against {window}"),
        "n": lambda: book.count(SECTION, iid, "n", int(rec["n"]), "weekly moves", window),
        "pctile": lambda: book.number(SECTION, iid, "percentile", rec["percentile"], 1,
                                      "percentile", day, f"share of {window} at or below this move"),
    }  # fmt: skip
    used = re.findall(r"%\((\w+)\)s", msg)
    return tr(book.lang, msg, name=_name(iid, book.lang),
              **{k: figures[k]() for k in used if k in figures})


def _inventory_vs_norm(rec: Record, book: FigureBook) -> str:
    d, iid, day = rec["detail"], rec["instrument"], rec["date"]
    msg = (N_("%(name)s are %(pct)s above their seasonal norm (%(stock)s against %(norm)s "
              "%(unit)s).") if rec["value"] > 0 else
           N_("%(name)s are %(pct)s below their seasonal norm (%(stock)s against %(norm)s "
              "%(unit)s)."))  # fmt: skip
    stock_unit = d.get("stock_unit", "t")
    window = str(rec.get("window") or "")
    return tr(
        book.lang, msg, name=_name(iid, book.lang),
        pct=book.percent(SECTION, iid, "vs_norm_pct", rec["value"], day,
                         f"stock / seasonal norm - 1; {window}", decimals=1, absolute=True),
        stock=book.number(SECTION, iid, "stock", d["stock"], 0, stock_unit, day),
        norm=book.number(SECTION, iid, "seasonal_norm", d["norm"], 0, stock_unit, day, window),
        unit=unit(stock_unit, book.lang),
    )  # fmt: skip


def _import_window(rec: Record, book: FigureBook) -> str:
    d, sid, day = rec["detail"], rec["instrument"], rec["date"]
    m = METALS[sid.split(".")[0]]
    msg = (N_("%(metal)s import window open: %(pl)s CNY/t (SHFE %(shfe)s against LME "
              "3-month %(lme)s at USD/CNY %(fx)s).") if rec["value"] > 0 else
           N_("%(metal)s import window closed: %(pl)s CNY/t (SHFE %(shfe)s against LME "
              "3-month %(lme)s at USD/CNY %(fx)s)."))  # fmt: skip
    return tr(
        book.lang, msg, metal=tr(book.lang, str(rec["metal"]).capitalize()),
        pl=book.number(SECTION, sid, "pl", rec["value"], 0, "CNY/t", day,
                       f"{m.shfe} - {m.lme_3m} x USD/CNY x (1 + duty) x (1 + VAT)", signed=True),
        shfe=book.number(SECTION, m.shfe, "close", d["shfe"], 0, "CNY/t", day),
        lme=book.number(SECTION, m.lme_3m, "close", d["lme"], 1, "USD/t", day),
        fx=book.number(SECTION, "FX.USDCNY", "close", d["usdcny"], 4, "CNY/USD", d["fx_date"]),
    )  # fmt: skip


def _gold_premium(rec: Record, book: FigureBook) -> str:
    msg = (N_("Shanghai gold traded %(value)s USD/oz above London, the widest premium in "
              "%(weeks)s weeks.") if rec["value"] > 0 else
           N_("Shanghai gold traded %(value)s USD/oz below London, the widest discount in "
              "%(weeks)s weeks."))  # fmt: skip
    sid, day = rec["instrument"], rec["date"]
    return tr(
        book.lang, msg,
        value=book.number(SECTION, sid, "premium", rec["value"], 2, "USD/oz", day, absolute=True),
        weeks=book.count(SECTION, sid, "rank_weeks", int(rec["rank_weeks"]), "weeks",
                         "weeks since a premium at least as extreme"),
    )  # fmt: skip


CONTEXT_RULES: dict[str, Callable[[Record, FigureBook], str]] = {
    "extreme_move": _extreme_move,
    "inventory_vs_norm": _inventory_vs_norm,
    "import_window": _import_window,
    "gold_premium": _gold_premium,
}
#: Context facts the core views may cite, at most this many, strongest first.
MAX_CONTEXT_VIEWS = 2


def citable(records: list[Record], skip: frozenset[str] = frozenset()) -> list[Record]:
    """The notable context records the rules know how to say, strongest first, at most
    :data:`MAX_CONTEXT_VIEWS`.

    ``gold_premium`` is cited only when it is the most extreme in :data:`PREMIUM_RANK_WEEKS`
    weeks or more; records about an instrument in ``skip`` (already the subject of another
    view) are passed over.
    """
    out = []
    for rec in records:
        if rec.get("kind") not in CONTEXT_RULES or not rec.get("notable"):
            continue
        if rec.get("instrument") in skip:
            continue
        if rec["kind"] == "gold_premium" and (rec.get("rank_weeks") or 0) < PREMIUM_RANK_WEEKS:
            continue
        out.append(rec)
        if len(out) == MAX_CONTEXT_VIEWS:
            break
    return out


def core_views(
    moves: pd.DataFrame,
    book: FigureBook,
    *,
    ratio: pd.Series | None = None,
    context: list[Record] | None = None,
) -> list[str]:
    """The generated core views for a week, in order, at most :data:`MAX_VIEWS`.

    Each rule runs only while there is room, so every figure recorded is a figure printed.
    """
    top = _largest_mover_id(moves)
    rules: list[Callable[[], list[str]]] = [
        lambda: largest_mover(moves, book),
        lambda: precious_summary(moves, book),
        *(
            (lambda rec=rec: [CONTEXT_RULES[rec["kind"]](rec, book)])
            for rec in citable(context or [], frozenset({top} if top else set()))
        ),
        lambda: venue_divergence(moves, book),
        lambda: inventory_change(moves, book),
        lambda: gold_silver_ratio(moves, book, ratio),
    ]
    views: list[str] = []
    for rule in rules:
        if len(views) >= MAX_VIEWS:
            break
        views += rule()[: MAX_VIEWS - len(views)]
    return views
