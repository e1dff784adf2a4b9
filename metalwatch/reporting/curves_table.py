"""The futures-curves table of the weekly: each stored curve's M1-M3 spread and its weekly change.

A row per tracked curve (:data:`metalwatch.contracts.CURVES`) with contract settlements in the
week's data (:attr:`~metalwatch.store.week.WeekData.curves`): the two contracts measured, the
structure (contango when M3 > M1), M1 - M3 in the quote unit and as a percentage of M1, and
its change over the week on the same two contracts (:mod:`metalwatch.analytics.curves`). A
curve whose last settlement is not from this week shows its date and no change; no curve
stored, no table (the bundled history holds none: ``metalwatch update`` fetches them).
"""

from __future__ import annotations

import pandas as pd

from metalwatch import contracts, registry
from metalwatch.analytics.curves import label, weekly_spread_change
from metalwatch.reporting.derived import as_of_cell
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.honest import this_week
from metalwatch.reporting.i18n import N_, tr, unit

SECTION = "recap"
COLUMNS = (
    N_("Curve"),
    N_("M1–M3 contracts"),
    N_("Structure"),
    N_("M1–M3"),
    N_("Unit"),
    N_("% of M1"),
    N_("Weekly change"),
    N_("As of"),
)
STRUCTURES = {
    "contango": N_("Contango"),
    "backwardation": N_("Backwardation"),
    "flat": N_("Flat"),
}
FORMULA = N_(
    "M1–M3 = settlement of the nearest listed contract − settlement of the third; negative in "
    "contango. Weekly change: the same two contracts a week earlier (after a roll the earlier "
    "pair is named in the note, never spliced)."
)


def curves_table(rows: pd.DataFrame, week: pd.Timestamp, book: FigureBook) -> Table | None:
    """The table, or None when no contract of a tracked curve is stored for the weeks read."""
    lang = book.lang
    out = []
    notes = []
    for root, curve in contracts.CURVES.items():
        mine = rows[rows["instrument"].astype(str).str.startswith(f"{root}.")]
        mine = mine[[contracts.parse(str(i)) is not None for i in mine["instrument"]]]
        if mine.empty:
            continue
        inst = registry.get(root)
        change = weekly_spread_change(mine, week, root=root, unit=inst.unit)
        if change is None:
            continue
        now, iid = change.now, f"{root}.M1M3"
        fresh = this_week(now.date, week)
        name = curve.name_zh if lang == "zh" else curve.name_en
        pair = f"{label(now.front)}–{label(now.third)}"
        delta = change.change if fresh else None
        out.append(
            [
                Cell(name),
                Cell(pair, "text id"),
                Cell(tr(lang, STRUCTURES[now.structure])),
                book.change(SECTION, iid, "m1_m3", now.spread, inst.decimals, inst.unit, now.date),
                Cell(unit(inst.unit, lang)),
                book.pct(SECTION, iid, "m1_m3_pct_of_m1", now.pct_of_m1, now.date),
                book.change(SECTION, iid, "m1_m3_wow", delta, inst.decimals, inst.unit, now.date),
                as_of_cell(now.date, week),
            ]
        )
        if fresh and change.rolled_from is not None:
            old = "–".join(label(c) for c in change.rolled_from)
            notes.append(
                tr(lang, "%(curve)s rolled from %(old)s during the week.", curve=name, old=old)
            )
    if not out:
        return None
    return Table(
        "curves",
        tr(lang, "Futures curves: M1–M3 calendar spreads"),
        [Cell(tr(lang, c)) for c in COLUMNS],
        out,
        note=" ".join(notes),
        formula=tr(lang, FORMULA),
    )


__all__ = ["curves_table"]
