"""What to fetch: the routes of each series and the window each route asks for."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metalwatch import contracts, registry
from metalwatch.sources import catalog
from metalwatch.sources.base import REBASED_FIELDS, Fetcher

#: Days re-fetched before the last stored date, per cadence, to catch upstream revisions.
OVERLAP_DAYS = {"daily": 7, "weekly": 14, "sparse": 30, "monthly": 62}
#: Start of "all history" for sources that take a start date.
EARLIEST = pd.Timestamp("1990-01-01")


@dataclass(frozen=True)
class Job:
    """One series to update: its routes, primary first, and its last stored date."""

    instrument: str
    routes: tuple[catalog.Route, ...]
    last_stored: pd.Timestamp | None


def plan(
    instruments: list[str] | None, last_dates: dict[tuple[str, str], str]
) -> tuple[list[Job], list[str]]:
    """Jobs for ``instruments`` (default: every live one), and the ids with no live source."""
    ids = (
        catalog.live_instruments()
        if instruments is None
        else [i.id for i in registry.resolve(instruments)]
    )
    jobs, skipped = [], []
    for iid in dict.fromkeys(ids):
        routes = tuple(catalog.routes(iid))
        if not routes:
            skipped.append(iid)
            continue
        field = registry.get(iid).field
        last = contracts.last_stored(iid, field, last_dates)
        jobs.append(Job(iid, routes, pd.Timestamp(last) if last else None))
    return jobs, skipped


def window_start(
    fetcher: type[Fetcher] | Fetcher,
    instrument: str,
    last_dates: dict[tuple[str, str], str],
    now: pd.Timestamp,
    *,
    since: pd.Timestamp | None = None,
    force: bool = False,
) -> pd.Timestamp:
    """First date a route asks for.

    ``since`` wins; ``force`` asks for the default history whatever is stored; otherwise the
    earliest last-stored date among the fields the fetcher writes (rebased fields aside; a
    curve's, the latest of its contracts: :func:`metalwatch.contracts.last_stored`),
    minus the cadence's overlap; with nothing stored, the fetcher's default history.
    """
    if since is not None:
        return pd.Timestamp(since).normalize()
    today = pd.Timestamp(now).tz_localize(None) if pd.Timestamp(now).tzinfo else pd.Timestamp(now)
    default = (
        today.normalize() - pd.Timedelta(days=fetcher.default_history_days)
        if fetcher.default_history_days
        else EARLIEST
    )
    if force:
        return default
    fields = [f for f in fetcher.fields if f not in REBASED_FIELDS]
    stored = [contracts.last_stored(instrument, f, last_dates) for f in fields]
    lasts = [pd.Timestamp(day) for day in stored if day]
    if not lasts:
        return default
    overlap = OVERLAP_DAYS.get(registry.get(instrument).cadence, 7)
    return min(lasts) - pd.Timedelta(days=overlap)
