"""Core views: short sentences generated from the week's data by deterministic rules.

Each rule reads the weekly moves (and, where available, the statistical context records of
:mod:`metalwatch.analytics.context`) and returns sentences that carry their numbers. Rules run in
a fixed order; the report keeps at most :data:`MAX_VIEWS`. The analyst file can extend or replace
them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from metalwatch import registry
from metalwatch.reporting.i18n import N_, number, tr, unit

MAX_VIEWS = 6
METAL_PAIRS = (("copper", "SHFE.CU", "LME.CA.3M"), ("aluminum", "SHFE.AL", "LME.AH.3M"),
               ("tin", "SHFE.SN", "LME.SN.3M"))  # fmt: skip
INVENTORY_IDS = ("LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK", "SHFE.CU.STOCK",
                 "SHFE.AL.STOCK", "SHFE.SN.STOCK", "COMEX.GC.STOCK", "COMEX.SI.STOCK",
                 "COMEX.HG.STOCK")  # fmt: skip


def _ok(moves: pd.DataFrame, iid: str) -> bool:
    return (
        iid in moves.index
        and moves.loc[iid, "status"] == "ok"
        and not math.isnan(moves.loc[iid, "wow_pct"])
    )


def _pct(value: float, lang: str) -> str:
    return ("+" if value > 0 else "") + number(value, 2, lang) + "%"


def _level(moves: pd.DataFrame, iid: str, lang: str) -> str:
    inst = registry.get(iid)
    return f"{number(moves.loc[iid, 'close'], inst.decimals, lang)} {unit(inst.unit, lang)}"


def precious_summary(moves: pd.DataFrame, lang: str) -> list[str]:
    """Gold and silver: level and weekly move."""
    if not (_ok(moves, "COMEX.GC") and _ok(moves, "COMEX.SI")):
        return []
    return [tr(lang, "COMEX gold closed the week at %(gold)s (%(gold_wow)s WoW); silver at "
               "%(silver)s (%(silver_wow)s).",
               gold=_level(moves, "COMEX.GC", lang),
               gold_wow=_pct(moves.loc["COMEX.GC", "wow_pct"], lang),
               silver=_level(moves, "COMEX.SI", lang),
               silver_wow=_pct(moves.loc["COMEX.SI", "wow_pct"], lang))]  # fmt: skip


def _largest_mover_id(moves: pd.DataFrame) -> str | None:
    cand = moves[(moves["group"].isin(["precious", "industrial", "strategic"]))
                 & (moves["kind"] == "price") & (moves["status"] == "ok")
                 & moves["wow_pct"].notna()]  # fmt: skip
    return None if cand.empty else str(cand["wow_pct"].abs().idxmax())


def largest_mover(moves: pd.DataFrame, lang: str) -> list[str]:
    """The largest weekly move among metal prices with fresh data."""
    iid = _largest_mover_id(moves)
    if iid is None:
        return []
    value = moves.loc[iid, "wow_pct"]
    msg = (N_("%(name)s rose %(pct)s this week to %(level)s, the largest move among the metals "
              "tracked.") if value > 0 else
           N_("%(name)s fell %(pct)s this week to %(level)s, the largest move among the metals "
              "tracked."))  # fmt: skip
    return [tr(lang, msg, name=registry.get(iid).name(lang),
               pct=number(abs(value), 2, lang) + "%", level=_level(moves, iid, lang))]


def inventory_change(moves: pd.DataFrame, lang: str) -> list[str]:
    """The largest inventory build or draw of the week, in tonnes (or the unit) and %."""
    cand = [i for i in INVENTORY_IDS if _ok(moves, i)]
    if not cand:
        return []
    iid = max(cand, key=lambda i: abs(moves.loc[i, "wow_pct"]))
    m, inst = moves.loc[iid], registry.get(iid)
    msg = (N_("%(name)s rose by %(change)s %(unit)s (%(pct)s) to %(level)s.") if m["change"] > 0
           else N_("%(name)s fell by %(change)s %(unit)s (%(pct)s) to %(level)s."))  # fmt: skip
    return [tr(lang, msg, name=inst.name(lang), unit=unit(inst.unit, lang),
               change=number(abs(m["change"]), inst.decimals, lang),
               pct=_pct(m["wow_pct"], lang), level=_level(moves, iid, lang))]  # fmt: skip


def venue_divergence(moves: pd.DataFrame, lang: str, threshold: float = 1.5) -> list[str]:
    """SHFE and LME moving apart: opposite signs, or a gap of ``threshold`` points or more."""
    out = []
    for metal, shfe, lme in METAL_PAIRS:
        if not (_ok(moves, shfe) and _ok(moves, lme)):
            continue
        a, b = moves.loc[shfe, "wow_pct"], moves.loc[lme, "wow_pct"]
        if (a > 0) != (b > 0) or abs(a - b) >= threshold:
            out.append(tr(lang, "%(metal)s: SHFE %(shfe)s against LME %(lme)s this week, a gap "
                          "of %(gap)s percentage points.", metal=tr(lang, metal.capitalize()),
                          shfe=_pct(a, lang), lme=_pct(b, lang),
                          gap=number(abs(a - b), 2, lang)))  # fmt: skip
    return out[:1]


def gold_silver_ratio(moves: pd.DataFrame, lang: str, ratio: pd.Series | None = None) -> list[str]:
    """The COMEX gold/silver ratio (daily closes), flagged at a 52-week high or low."""
    if ratio is None or ratio.empty or not (_ok(moves, "COMEX.GC") and _ok(moves, "COMEX.SI")):
        return []
    now = ratio.iloc[-1]
    year = ratio[ratio.index > ratio.index[-1] - pd.Timedelta(days=364)]
    if now <= year.min():
        msg = N_("The gold/silver ratio fell to %(ratio)s, its lowest in 52 weeks.")
    elif now >= year.max():
        msg = N_("The gold/silver ratio rose to %(ratio)s, its highest in 52 weeks.")
    else:
        msg = N_("The gold/silver ratio stands at %(ratio)s (52-week range %(low)s–%(high)s).")
    return [tr(lang, msg, ratio=number(now, 2, lang), low=number(year.min(), 2, lang),
               high=number(year.max(), 2, lang))]  # fmt: skip


def _name(iid: str, lang: str) -> str:
    try:
        return registry.get(iid).name(lang)
    except LookupError:
        return iid


def _extreme_move(rec: dict, lang: str) -> str:
    up = rec["value"] > 0
    if rec.get("rank_weeks") and rec["rank_weeks"] >= 8:
        msg = (N_("%(name)s's weekly gain of %(pct)s is the largest in %(weeks)s weeks "
                  "(z = %(z)s against %(n)s weekly moves).") if up else
               N_("%(name)s's weekly drop of %(pct)s is the largest in %(weeks)s weeks "
                  "(z = %(z)s against %(n)s weekly moves)."))  # fmt: skip
    else:
        msg = (N_("%(name)s's weekly gain of %(pct)s is unusually large: z = %(z)s, "
                  "%(pctile)s percentile of %(n)s weekly moves.") if up else
               N_("%(name)s's weekly drop of %(pct)s is unusually large: z = %(z)s, "
                  "%(pctile)s percentile of %(n)s weekly moves."))  # fmt: skip
    return tr(lang, msg, name=_name(rec["instrument"], lang),
              pct=number(abs(rec["value"]), 2, lang) + "%", weeks=rec.get("rank_weeks"),
              z=number(rec["z"], 2, lang), n=rec["n"],
              pctile=number(rec["percentile"], 1, lang))  # fmt: skip


def _inventory_vs_norm(rec: dict, lang: str) -> str:
    d = rec["detail"]
    msg = (N_("%(name)s are %(pct)s above their seasonal norm (%(stock)s against %(norm)s "
              "%(unit)s).") if rec["value"] > 0 else
           N_("%(name)s are %(pct)s below their seasonal norm (%(stock)s against %(norm)s "
              "%(unit)s)."))  # fmt: skip
    return tr(lang, msg, name=_name(rec["instrument"], lang),
              pct=number(abs(rec["value"]), 1, lang) + "%", stock=number(d["stock"], 0, lang),
              norm=number(d["norm"], 0, lang), unit=unit(d.get("stock_unit", "t"), lang))


def _import_window(rec: dict, lang: str) -> str:
    d = rec["detail"]
    msg = (N_("%(metal)s import window open: %(pl)s CNY/t (SHFE %(shfe)s against LME "
              "3-month %(lme)s at USD/CNY %(fx)s).") if rec["value"] > 0 else
           N_("%(metal)s import window closed: %(pl)s CNY/t (SHFE %(shfe)s against LME "
              "3-month %(lme)s at USD/CNY %(fx)s)."))  # fmt: skip
    return tr(lang, msg, metal=tr(lang, str(rec["metal"]).capitalize()),
              pl=("+" if rec["value"] > 0 else "") + number(rec["value"], 0, lang),
              shfe=number(d["shfe"], 0, lang), lme=number(d["lme"], 1, lang),
              fx=number(d["usdcny"], 4, lang))  # fmt: skip


def _gold_premium(rec: dict, lang: str) -> str:
    msg = (N_("Shanghai gold traded %(value)s USD/oz above London, the widest premium in "
              "%(weeks)s weeks.") if rec["value"] > 0 else
           N_("Shanghai gold traded %(value)s USD/oz below London, the widest discount in "
              "%(weeks)s weeks."))  # fmt: skip
    return tr(lang, msg, value=number(abs(rec["value"]), 2, lang), weeks=rec.get("rank_weeks"))


CONTEXT_RULES = {
    "extreme_move": _extreme_move,
    "inventory_vs_norm": _inventory_vs_norm,
    "import_window": _import_window,
    "gold_premium": _gold_premium,
}
#: Context facts the core views may cite, at most this many, strongest first.
MAX_CONTEXT_VIEWS = 2


def from_context(records: list[dict], lang: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """Sentences for the strongest notable context records the rules know how to say.

    ``gold_premium`` is cited only when it is the most extreme in 26 weeks or more; records
    about an instrument in ``skip`` (already the subject of another view) are passed over.
    """
    out = []
    for rec in records:
        rule = CONTEXT_RULES.get(rec.get("kind", ""))
        if rule is None or not rec.get("notable") or rec.get("instrument") in skip:
            continue
        if rec["kind"] == "gold_premium" and (rec.get("rank_weeks") or 0) < 26:
            continue
        out.append(rule(rec, lang))
        if len(out) == MAX_CONTEXT_VIEWS:
            break
    return out


Rule = Callable[..., list[str]]


def core_views(moves: pd.DataFrame, lang: str, *, ratio: pd.Series | None = None,
               context: list[dict] | None = None) -> list[str]:  # fmt: skip
    """The generated core views for a week, in order, at most :data:`MAX_VIEWS`."""
    views: list[str] = []
    mover = largest_mover(moves, lang)
    views += mover
    views += precious_summary(moves, lang)
    top = {_largest_mover_id(moves)} if mover else set()
    views += from_context(context or [], lang, skip=frozenset(top))
    views += venue_divergence(moves, lang)
    views += inventory_change(moves, lang)
    views += gold_silver_ratio(moves, lang, ratio)
    return views[:MAX_VIEWS]
