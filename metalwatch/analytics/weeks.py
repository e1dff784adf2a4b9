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


def resolve_week(week: str | pd.Timestamp | None, spans: list[tuple[str, str]]) -> pd.Timestamp:
    """The Friday a report covers: ``week`` (or the Friday before it), else the latest covered.

    Parameters
    ----------
    week
        Any date, or None for the latest week the data covers.
    spans
        First and last date of each market series (daily precious and industrial prices).

    Raises
    ------
    NoDataError
        If there are no market prices, or ``week`` is outside the weeks they cover.
    """
    if not spans:
        raise NoDataError("the store holds no market prices")
    newest = latest_week(pd.to_datetime(pd.Series([last for _, last in spans])))
    if week is None:
        return newest
    w = week_ending(week)
    first = pd.to_datetime(pd.Series([f for f, _ in spans])).min()
    if w < first or w > newest + pd.Timedelta(days=6):
        raise NoDataError(
            f"no market data for the week ending {w:%Y-%m-%d}: the store covers weeks "
            f"{week_ending(first + pd.Timedelta(days=6)):%Y-%m-%d} to {newest:%Y-%m-%d}"
        )
    return w


#: How far back :func:`fresh_week` looks for a week whose cover figures are all fresh.
MAX_FRESH_LOOKBACK_WEEKS = 520
#: The ``week`` argument that asks for the newest week the data covers, fresh or not.
LATEST = "latest"


def stale_ids(
    dates: dict[str, pd.DatetimeIndex], stale_after: dict[str, int], week: pd.Timestamp
) -> dict[str, pd.Timestamp | None]:
    """The series of ``dates`` that are stale for ``week``, with their last date on or before it.

    A series is stale when its last observation on or before ``week`` is more than its
    ``stale_after`` days old (``None``: no observation at all).
    """
    out: dict[str, pd.Timestamp | None] = {}
    for iid, days in dates.items():
        before = days[days <= week]
        if before.empty:
            out[iid] = None
        elif (week - before.max()).days > stale_after[iid]:
            out[iid] = pd.Timestamp(before.max())
    return out


def fresh_week(
    dates: dict[str, pd.DatetimeIndex], stale_after: dict[str, int], newest: pd.Timestamp
) -> pd.Timestamp | None:
    """The latest Friday on or before ``newest`` for which no series of ``dates`` is stale.

    Parameters
    ----------
    dates
        Observation dates per series (the cover's key figures).
    stale_after
        Calendar days after which each series' last observation is stale.
    newest
        The newest week the data covers.

    Returns None when no week in the last :data:`MAX_FRESH_LOOKBACK_WEEKS` qualifies.
    """
    week = week_ending(newest)
    for _ in range(MAX_FRESH_LOOKBACK_WEEKS):
        if not stale_ids(dates, stale_after, week):
            return week
        week -= pd.Timedelta(days=7)
    return None
