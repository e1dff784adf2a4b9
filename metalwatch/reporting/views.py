"""Core views and the week's thesis: plain sentences generated from the week's data.

Each sentence carries its numbers (through :mod:`metalwatch.reporting.prose`, which records
them). No statistics jargon: a weekly move is "the largest weekly gain since 2025-06-06",
measured over the series' whole stored history (:mod:`metalwatch.analytics.records`), and the
metal that rose most "led" the metals. Every metal of :data:`~.layout.METAL_SERIES` whose
series moved :data:`NOTABLE_PCT` or more this week gets a sentence. The analyst's views lead
(the model puts them first); the views here follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.records import WeeklyHistory, last_as_large
from metalwatch.reporting import prose
from metalwatch.reporting.drivers import level_text, moved
from metalwatch.reporting.figures import FigureBook
from metalwatch.reporting.i18n import N_, tr
from metalwatch.reporting.layout import INVENTORY, METAL_SERIES, PROSE_NAMES

SECTION = "core_views"
#: At most this many generated views, of which at most :data:`MAX_METAL_VIEWS` on metals.
MAX_VIEWS = 8
MAX_METAL_VIEWS = 5
#: A weekly move of at least this many percent is notable: its metal gets a sentence.
NOTABLE_PCT = 2.0
#: "The largest ... since <date>" is said only when that date is at least this many weeks back.
SINCE_MIN_WEEKS = 8
#: The policy rate is cited when it moved at least this many basis points.
POLICY_NOTABLE_BP = 10.0
#: The title says the dollar weakened or strengthened from a weekly move this large (percent).
DOLLAR_TITLE_PCT = 0.5
#: The gold/silver ratio is "near" a 52-week extreme within this many percent of it.
NEAR_EXTREME_PCT = 5.0


def _row(moves: pd.DataFrame, iid: str) -> pd.Series:
    return cast(pd.Series, moves.loc[iid])


def fresh(moves: pd.DataFrame, iid: str) -> bool:
    """A series with this week's close and a weekly move."""
    if iid not in moves.index:
        return False
    m = _row(moves, iid)
    return bool(m["status"] == "ok" and pd.notna(m["wow_pct"]))


def _wow(moves: pd.DataFrame, iid: str) -> float:
    return float(_row(moves, iid)["wow_pct"])


def notable_metals(moves: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Metals with a series that moved :data:`NOTABLE_PCT` or more, largest move first, each
    with its fresh series."""
    out = []
    for metal, ids in METAL_SERIES.items():
        ok = [i for i in ids if fresh(moves, i)]
        if ok and max(abs(_wow(moves, i)) for i in ok) >= NOTABLE_PCT:
            out.append((metal, ok))
    return sorted(out, key=lambda kv: -max(abs(_wow(moves, i)) for i in kv[1]))


def since(history: WeeklyHistory, iid: str, week: pd.Timestamp, value: float) -> str | None:
    """``'YYYY-MM-DD'``: the last week with a move at least as large in the same direction, if
    it is :data:`SINCE_MIN_WEEKS` or more back; ``'record'`` if no week in the stored history
    had one; None otherwise (or without history)."""
    weekly = history.moves(iid)
    if len(weekly) < SINCE_MIN_WEEKS:
        return None
    day = last_as_large(weekly, week, value)
    if day is None:
        return "record"
    return f"{day:%Y-%m-%d}" if (week - day).days >= SINCE_MIN_WEEKS * 7 else None


def series_clause(
    book: FigureBook,
    moves: pd.DataFrame,
    history: WeeklyHistory,
    week: pd.Timestamp,
    iid: str,
    *,
    section: str = SECTION,
) -> str:
    """'SHFE tin up 4.88% to 333,000 CNY/t, the largest weekly gain since 2025-06-06'."""
    lang, m, inst = book.lang, _row(moves, iid), registry.get(iid)
    wow = float(m["wow_pct"])
    pct = prose.percent(book, section, iid, "wow_pct", wow, m["close_date"], "weekly move")
    lvl = prose.level(
        book, section, iid, "close", float(m["close"]), inst.decimals, inst.unit, m["close_date"]
    )
    msg = (
        N_("%(name)s up %(pct)s to %(level)s")
        if wow > 0
        else N_("%(name)s down %(pct)s to %(level)s")
    )
    name = tr(lang, PROSE_NAMES[iid]) if iid in PROSE_NAMES else inst.name(lang)
    text = tr(lang, msg, name=name, pct=pct, level=lvl)
    when = since(history, iid, week, wow)
    if when == "record":
        extra = (
            N_(", its largest weekly gain in the stored history")
            if wow > 0
            else N_(", its largest weekly drop in the stored history")
        )
        return text + tr(lang, extra)
    if when:
        extra = (
            N_(", the largest weekly gain since %(date)s")
            if wow > 0
            else N_(", the largest weekly drop since %(date)s")
        )
        return text + tr(lang, extra, date=when)
    return text


def metal_views(
    moves: pd.DataFrame, book: FigureBook, history: WeeklyHistory, week: pd.Timestamp
) -> list[str]:
    """One sentence per notable metal; the first (the largest move) led the metals up or down."""
    lang, out = book.lang, []
    for n, (metal, ids) in enumerate(notable_metals(moves)[:MAX_METAL_VIEWS]):
        clauses = tr(lang, "; ").join(series_clause(book, moves, history, week, i) for i in ids)
        top = max(ids, key=lambda i: abs(_wow(moves, i)))
        if n == 0:
            msg = (
                N_("%(metal)s led the metals: %(clauses)s.")
                if _wow(moves, top) > 0
                else N_("%(metal)s led the decline: %(clauses)s.")
            )
        else:
            msg = N_("%(metal)s: %(clauses)s.")
        out.append(tr(lang, msg, metal=tr(lang, metal), clauses=clauses))
    return out


def macro_view(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """The policy rate (when it moved), the 10-year real yield and the dollar index."""
    lang, parts = book.lang, []
    clauses = (
        ("FRED.DFF", N_("the effective fed funds rate %(move)s to %(level)s"), True),
        ("FRED.DFII10", N_("the US 10-year real yield %(move)s to %(level)s"), True),
        ("ICE.DXY", N_("the dollar index %(move)s to %(level)s"), False),
    )
    for iid, msg, rate in clauses:
        if iid not in moves.index or pd.isna(_row(moves, iid)["change"]):
            continue
        m = _row(moves, iid)
        if iid == "FRED.DFF" and abs(float(m["change"])) * 100 < POLICY_NOTABLE_BP:
            continue
        parts.append(
            tr(
                lang,
                msg,
                move=moved(book, iid, m, rate=rate, section=SECTION),
                level=level_text(book, iid, m, section=SECTION),
            )
        )
    if not parts:
        return []
    return [tr(lang, "Rates and the dollar: %(clauses)s.", clauses=tr(lang, "; ").join(parts))]


def inventory_view(moves: pd.DataFrame, book: FigureBook) -> list[str]:
    """The largest weekly build or draw in tonnes among the exchange stocks."""
    cand = [
        i
        for i in INVENTORY
        if fresh(moves, i) and registry.get(i).unit == "t" and not i.startswith("EXCH.")
    ]
    if not cand:
        return []
    iid = max(cand, key=lambda i: abs(float(_row(moves, i)["change"])))
    m = _row(moves, iid)
    msg = (
        N_("%(name)s rose by %(change)s to %(level)s.")
        if float(m["change"]) > 0
        else N_("%(name)s fell by %(change)s to %(level)s.")
    )
    return [tr(book.lang, msg, **stock_move(book, SECTION, iid, m))]


def stock_move(book: FigureBook, section: str, iid: str, m: pd.Series) -> dict[str, str]:
    """A stock's name, weekly change in tonnes (unsigned: the sentence says build or draw) and
    level, as running text prints them: the ``name``, ``change`` and ``level`` of a sentence."""
    return {
        "name": registry.get(iid).name(book.lang),
        "change": prose.level(
            book,
            section,
            iid,
            "change",
            float(m["change"]),
            0,
            "t",
            m["close_date"],
            "close - close a week earlier",
            absolute=True,
        ),
        "level": prose.level(
            book, section, iid, "close", float(m["close"]), 0, "t", m["close_date"]
        ),
    }


def ratio_view(ratio: pd.Series, book: FigureBook, week: pd.Timestamp) -> list[str]:
    """The COMEX gold/silver ratio, read: near a 52-week low means silver outperforms."""
    if ratio.empty or (week - pd.Timestamp(ratio.index[-1])).days > 6:
        return []
    day, now = pd.Timestamp(ratio.index[-1]), float(ratio.iloc[-1])
    year = ratio[ratio.index > day - pd.Timedelta(days=364)]
    low, high = float(year.min()), float(year.max())
    lang = book.lang

    def fig(metric: str, value: float, how: str) -> str:
        return prose.number(book, SECTION, "AU/AG", metric, value, 2, "oz/oz", day, how)

    if now <= low * (1 + NEAR_EXTREME_PCT / 100):
        msg = N_(
            "The gold/silver ratio is %(ratio)s, near its 52-week low of %(low)s: silver "
            "has been outpacing gold."
        )
        return [
            tr(
                lang,
                msg,
                ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"),
                low=fig("low_52w", low, "lowest daily ratio over the 52 weeks"),
            )
        ]
    if now >= high * (1 - NEAR_EXTREME_PCT / 100):
        msg = N_(
            "The gold/silver ratio is %(ratio)s, near its 52-week high of %(high)s: gold "
            "has been outpacing silver."
        )
        return [
            tr(
                lang,
                msg,
                ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"),
                high=fig("high_52w", high, "highest daily ratio over the 52 weeks"),
            )
        ]
    msg = N_("The gold/silver ratio is %(ratio)s, within its 52-week range of %(low)s to %(high)s.")
    return [
        tr(
            lang,
            msg,
            ratio=fig("ratio", now, "COMEX.GC / COMEX.SI close"),
            low=fig("low_52w", low, "lowest daily ratio over the 52 weeks"),
            high=fig("high_52w", high, "highest daily ratio over the 52 weeks"),
        )
    ]


def core_views(
    moves: pd.DataFrame,
    book: FigureBook,
    *,
    history: WeeklyHistory,
    week: pd.Timestamp,
    ratio: pd.Series,
) -> list[str]:
    """The generated core views, in order, at most :data:`MAX_VIEWS` (every figure recorded is
    a figure printed: a rule runs only while there is room)."""
    rules: tuple[Callable[[], list[str]], ...] = (
        lambda: metal_views(moves, book, history, week),
        lambda: macro_view(moves, book),
        lambda: inventory_view(moves, book),
        lambda: ratio_view(ratio, book, week),
    )
    views: list[str] = []
    for rule in rules:
        if len(views) >= MAX_VIEWS:
            break
        views += rule()[: MAX_VIEWS - len(views)]
    return views


def thesis(moves: pd.DataFrame, lang: str) -> str:
    """The week's thesis for the title: the metals that led, and the dollar when it moved."""
    up = [metal for metal, ids in notable_metals(moves) if max(_wow(moves, i) for i in ids) > 0]
    down = [
        metal
        for metal, ids in notable_metals(moves)
        if min(_wow(moves, i) for i in ids) < 0 and max(_wow(moves, i) for i in ids) <= 0
    ]
    parts = []
    if up:
        parts.append(tr(lang, "%(metals)s lead", metals=_listed(up[:3], lang)))
    if down:
        parts.append(tr(lang, "%(metals)s fall", metals=_listed(down[:2], lang)))
    if "ICE.DXY" in moves.index and pd.notna(_row(moves, "ICE.DXY")["wow_pct"]):
        dxy = float(_row(moves, "ICE.DXY")["wow_pct"])
        if dxy <= -DOLLAR_TITLE_PCT:
            parts.append(tr(lang, "the dollar weakens"))
        elif dxy >= DOLLAR_TITLE_PCT:
            parts.append(tr(lang, "the dollar strengthens"))
    text = tr(lang, "; ").join(parts)
    return text[:1].upper() + text[1:]


def _listed(metals: list[str], lang: str) -> str:
    """'silver, lithium and tin' / '白银、锂、锡'."""
    names = [tr(lang, m) for m in metals]
    if lang != "en":
        return tr(lang, ", ").join(names)
    names = [n.lower() for n in names]  # mid-sentence; thesis() capitalises its first word
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
