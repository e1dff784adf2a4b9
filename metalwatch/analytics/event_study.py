"""How each series moved in the N sessions before and after an event day.

Every series is read on its own trading days (its own observation dates); nothing is
forward-filled and no series borrows another venue's calendar:

- **base**: the last observation strictly before the event day;
- **after**: the N-th observation on or after the event day; ``after_pct = after / base - 1``;
- **before**: the N-th observation before the base; ``before_pct = base / before - 1``.

A month-precision event is known to the month only, so the month is its resolution: the event
day is the month's first day, the base is the last observation before the month and "after"
counts sessions from the month's first day.

When a side has fewer than N sessions (the data ends, or starts, too close to the event) its
pct is NaN and ``sessions_before`` / ``sessions_after`` say how many there were: a window is
never silently shorter than the one stated. A series with no observation before the event day
has no base, so both pcts are NaN whatever the session counts.

Only daily series (registry cadence ``daily``) are measured: a weekly, sparse or monthly
series' N observations are not N sessions. Those are left out and named, with the reason, in
``.attrs['skipped']``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import InvalidInputError

#: Result columns, one row per instrument.
COLUMNS = [
    "instrument",
    "unit",
    "window",
    "base_date",
    "base_value",
    "before_date",
    "before_value",
    "before_pct",
    "after_date",
    "after_value",
    "after_pct",
    "sessions_before",
    "sessions_after",
]
#: The one cadence whose observations are trading sessions.
SESSION_CADENCE = "daily"
#: Kinds of series an event's default study measures (prices and listed miners, not stocks).
DEFAULT_KINDS = ("price", "equity")
#: Largest window (sessions each side) accepted: about a quarter of trading days.
MAX_WINDOW = 60


def event_day(day: pd.Timestamp, precision: str = "day") -> pd.Timestamp:
    """The day sessions are counted from: ``day``, or its month's first day for a month event.

    Raises
    ------
    InvalidInputError
        ``precision`` is not ``"day"`` or ``"month"``.
    """
    if precision == "month":
        return pd.Timestamp(day).normalize().replace(day=1)
    if precision != "day":
        raise InvalidInputError(f"precision {precision!r:.20} is not one of day, month")
    return pd.Timestamp(day).normalize()


def check_window(window: int) -> int:
    """``window`` if it is a whole number of sessions in 1..:data:`MAX_WINDOW`.

    Raises
    ------
    InvalidInputError
        Not an integer, or outside 1..60.
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise InvalidInputError(f"window must be a whole number of sessions, not {window!r:.20}")
    if not 1 <= window <= MAX_WINDOW:
        raise InvalidInputError(f"window {window} is outside 1..{MAX_WINDOW} sessions")
    return int(window)


def _pct(now: float, base: float) -> float:
    return (now / base - 1.0) * 100.0 if base and not np.isnan(base) else np.nan


def _window_row(
    iid: str, unit: str, dates: np.ndarray, values: np.ndarray, day: np.datetime64, n: int
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, np.nan)
    row.update(instrument=iid, unit=unit, window=n)
    for key in ("base_date", "before_date", "after_date"):
        row[key] = pd.NaT
    first_on_or_after = int(np.searchsorted(dates, day, side="left"))
    base = first_on_or_after - 1
    row["sessions_after"] = min(len(dates) - first_on_or_after, n)
    row["sessions_before"] = min(max(base, 0), n)
    if base < 0:
        return row
    row.update(base_date=pd.Timestamp(dates[base]), base_value=float(values[base]))
    if row["sessions_before"] == n:
        before = base - n
        row.update(before_date=pd.Timestamp(dates[before]), before_value=float(values[before]))
        row["before_pct"] = _pct(row["base_value"], row["before_value"])
    if row["sessions_after"] == n:
        after = first_on_or_after + n - 1
        row.update(after_date=pd.Timestamp(dates[after]), after_value=float(values[after]))
        row["after_pct"] = _pct(row["after_value"], row["base_value"])
    return row


def event_window(
    observations: pd.DataFrame, day: pd.Timestamp, *, window: int = 5, precision: str = "day"
) -> pd.DataFrame:
    """Each series' move over the ``window`` sessions before and after an event day.

    Parameters
    ----------
    observations
        Canonical long rows (:data:`metalwatch.frame.COLUMNS`); each instrument's registered
        field is used, other fields are ignored.
    day
        The event's date (for a month event, any day of the month).
    window
        Sessions each side, 1..:data:`MAX_WINDOW`.
    precision
        ``"day"`` or ``"month"`` (sessions then count from the month's first day).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per daily instrument, in the order they first appear;
        percentages in percent. ``.attrs``: ``event_day``, ``precision``, ``window`` and
        ``skipped`` (``{id: reason}`` for the non-daily series left out).
    """
    n = check_window(window)
    start = event_day(day, precision)
    reg = registry.all_instruments()
    rows = frame.registered(observations) if not observations.empty else observations
    rows = rows.dropna(subset=["value"]) if not rows.empty else rows
    out: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    order: list[str] = [] if rows.empty else list(pd.unique(rows["instrument"].astype(str)))
    for iid in order:
        inst = reg[iid]
        if inst.cadence != SESSION_CADENCE:
            skipped[iid] = f"{inst.cadence} series: its observations are not trading sessions"
            continue
        one = rows[rows["instrument"] == iid].sort_values("date")
        dates = one["date"].to_numpy(dtype="datetime64[ns]")
        values = one["value"].to_numpy(dtype=float)
        out.append(_window_row(iid, inst.unit, dates, values, np.datetime64(start, "ns"), n))
    table = pd.DataFrame(out, columns=COLUMNS)
    table = table.astype(
        {
            **dict.fromkeys(("instrument", "unit"), "string"),
            **dict.fromkeys(("base_date", "before_date", "after_date"), "datetime64[ns]"),
            **dict.fromkeys(("base_value", "before_value", "before_pct"), "float64"),
            **dict.fromkeys(("after_value", "after_pct"), "float64"),
            **dict.fromkeys(("window", "sessions_before", "sessions_after"), "int64"),
        }
    )
    table.attrs = {"event_day": start, "precision": precision, "window": n, "skipped": skipped}
    return table


__all__ = [
    "COLUMNS",
    "DEFAULT_KINDS",
    "MAX_WINDOW",
    "SESSION_CADENCE",
    "check_window",
    "event_day",
    "event_window",
]
