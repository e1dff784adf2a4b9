"""Which week a report covers: weeks end on Friday."""

from __future__ import annotations

import pandas as pd

from metalwatch.dates import parse_date
from metalwatch.errors import NoDataError

FRIDAY = 4
#: Groups whose daily series define "the latest week the data covers".
MARKET_GROUPS = ("precious", "industrial")


def week_ending(value: str | pd.Timestamp) -> pd.Timestamp:
    """The Friday on or before ``value`` (a Friday maps to itself)."""
    ts = parse_date(value, "week")
    return ts - pd.Timedelta(days=(ts.weekday() - FRIDAY) % 7)


def latest_week(last_dates: pd.Series) -> pd.Timestamp:
    """The latest Friday on or before the newest observation among ``last_dates``.

    Parameters
    ----------
    last_dates
        Last observation date per market series (daily precious and industrial prices).
    """
    if last_dates.empty:
        raise NoDataError("the store holds no market prices")
    return week_ending(pd.Timestamp(last_dates.max()))
