"""Derived figures for the report, each as of its own last complete day on or before the week's
end: the gold/silver ratio table here; the SHFE/LME figures in
:mod:`metalwatch.reporting.crossvenue`.

Every input leg printed (SHFE and LME prices, the USD/CNY rate, the gold and silver closes) is
recorded in the figure book like the results, so the appendix holds it with its date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics import spreads
from metalwatch.errors import MetalwatchError
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, iso_date, tr

PRECIOUS_COLUMNS = (
    N_("Measure"),
    N_("Value"),
    N_("Unit"),
    N_("WoW change"),
    N_("Inputs"),
    N_("As of"),
)
#: A derived figure older than this many days at the week's end is marked stale.
STALE_DAYS = 10
#: The gold/silver ratio's decimals wherever it is printed.
AU_AG_DECIMALS = 2


def at(df: pd.DataFrame, col: str, week: pd.Timestamp) -> tuple[pd.Series | None, float]:
    """The last complete row on or before ``week`` and the value a week earlier.

    A row from before the week (a stale ratio) has no weekly change: its earlier value is NaN,
    never the row itself (which would print a ``0.00`` change).
    """
    ok = df.loc[:week].dropna(subset=[col])
    if ok.empty:
        return None, float("nan")
    row = ok.iloc[-1]
    last_week = week - pd.Timedelta(days=7)
    if pd.Timestamp(row.name) <= last_week:  # type: ignore[arg-type]
        return row, float("nan")
    prev = ok.loc[:last_week, col]
    return row, float(prev.iloc[-1]) if len(prev) else float("nan")


def latest(
    compute: Callable[[pd.DataFrame], pd.DataFrame],
    data: pd.DataFrame,
    col: str,
    week: pd.Timestamp,
    skipped: dict[str, str],
    what: str,
) -> tuple[pd.Series | None, float]:
    """``at`` of ``compute(data)``, or ``(None, nan)`` with the reason in ``skipped``."""
    try:
        row, prev = at(compute(data), col, week)
    except MetalwatchError as exc:
        skipped[what] = str(exc)
        return None, float("nan")
    if row is None:
        skipped[what] = "no day on or before the week with every leg"
    return row, prev


def as_of_cell(day: pd.Timestamp, week: pd.Timestamp) -> Cell:
    """The as-of date cell of a derived row, marked stale after :data:`STALE_DAYS`."""
    stale = (week - pd.Timestamp(day)).days > STALE_DAYS
    return Cell(iso_date(day), "num stale" if stale else "num")


def precious_table(
    wide: pd.DataFrame, week: pd.Timestamp, book: FigureBook, skipped: dict[str, str]
) -> Table:
    """The gold/silver ratio (COMEX closes of one day); no Shanghai-London premium (its legs
    are not struck at comparable times: the note under the table says so).

    A row whose legs are missing is left out and named in ``skipped`` with the reason.
    """
    lang = book.lang
    t = Table(
        "precious-derived",
        tr(lang, "Gold/silver ratio"),
        [
            Cell(tr(lang, c), "text" if i in (0, 2, 4) else "num")
            for i, c in enumerate(PRECIOUS_COLUMNS)
        ],
    )
    row, prev = latest(spreads.gold_silver_ratio, wide, "ratio", week, skipped, "AU/AG")
    if row is not None:
        day = cast(pd.Timestamp, row.name)
        gold = book.number(
            "precious",
            "COMEX.GC",
            "close",
            row["gold"],
            registry.get("COMEX.GC").decimals,
            "USD/oz",
            day,
            "ratio leg: COMEX gold close of that day",
        )
        silver = book.number(
            "precious",
            "COMEX.SI",
            "close",
            row["silver"],
            registry.get("COMEX.SI").decimals,
            "USD/oz",
            day,
            "ratio leg: COMEX silver close of that day",
        )
        t.rows.append(
            [
                Cell(tr(lang, "Gold/silver ratio (COMEX)"), "text name"),
                book.num(
                    "precious",
                    "AU/AG",
                    "ratio",
                    row["ratio"],
                    AU_AG_DECIMALS,
                    "oz/oz",
                    day,
                    "COMEX.GC / COMEX.SI close",
                ),
                Cell(tr(lang, "oz of silver per oz of gold")),
                book.change(
                    "precious",
                    "AU/AG",
                    "wow_change",
                    row["ratio"] - prev,
                    AU_AG_DECIMALS,
                    "oz/oz",
                    day,
                    "ratio - ratio a week earlier",
                ),
                Cell(f"{gold} / {silver}", "text"),
                as_of_cell(day, week),
            ]
        )
    t.note = tr(
        lang,
        "No Shanghai-London gold premium is printed: the SHFE gold close (Beijing afternoon) "
        "and the LBMA PM fix (London afternoon, hours later) are not struck at comparable "
        "times, and the store holds no London price at the Shanghai close.",
    )
    return t
