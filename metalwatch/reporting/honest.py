"""Honest staleness: a figure that is not this week's never shows a change.

The weekly moves (:func:`metalwatch.analytics.moves.compute_moves`) compute every change the
data allows. What the report may *print* is narrower, and decided here once for every table,
the cover and the core views:

* a stale series (older than its ``stale_after_days``, or whose update failed) shows its level
  and its as-of date, and a dash for every change (weekly, 5-day, month and year to date);
* a series that did not trade this week shows no weekly or 5-day change (the 5-day change would
  be last week's move read as this week's);
* a year-to-date change whose close is its own base (the last quote is from before the year
  began) is a dash, never ``0.00%``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Every change column of the moves frame.
CHANGE_COLUMNS = ("change", "wow_pct", "d5_pct", "mtd_pct", "ytd_pct")
#: The changes a series that did not trade this week cannot show.
WEEK_COLUMNS = ("change", "wow_pct", "d5_pct")
#: Days before the week's Friday that still belong to its week (Saturday to Friday).
WEEK_SPAN_DAYS = 6


def honest_moves(moves: pd.DataFrame, week: pd.Timestamp) -> pd.DataFrame:
    """A copy of ``moves`` with the changes the report must not print set to NaN."""
    out = moves.copy()
    has = out["status"] != "no data"
    stale = has & out["stale"].astype(bool)
    idle = has & (out["status"] == "no trading this week")
    out.loc[stale, list(CHANGE_COLUMNS)] = np.nan
    out.loc[idle, list(WEEK_COLUMNS)] = np.nan
    close = pd.to_datetime(out["close_date"])
    base = pd.to_datetime(out["ytd_base_date"])
    out.loc[has & base.notna() & (close <= base), "ytd_pct"] = np.nan
    return out


def this_week(day: object, week: pd.Timestamp) -> bool:
    """Whether ``day`` falls in the week ending ``week`` (its Saturday to its Friday)."""
    if day is None or pd.isna(day):  # type: ignore[call-overload]
        return False
    ts = pd.Timestamp(day)  # type: ignore[arg-type]
    return bool(week - pd.Timedelta(days=WEEK_SPAN_DAYS) <= ts <= week)
