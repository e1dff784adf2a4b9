"""The session clock: the venue's calendar date at a UTC time, and whether its day is over.

A daily bar is final once the venue's session has closed; until then the day's bar is live
and is held back (:func:`metalwatch.sources.base.finish` counts it). No holiday calendar is
kept on purpose: a holiday simply has no bar.
"""

from __future__ import annotations

from datetime import time as dtime

import pandas as pd

#: Venue calendar -> (time zone, local time after which the day's bar is final).
SESSION_CLOSE: dict[str, tuple[str, dtime]] = {
    "CME": ("America/New_York", dtime(17, 0)),
    "ICE": ("America/New_York", dtime(17, 0)),
    # Yahoo's FX bars are London calendar days (00:00-24:00 London), not New York 17:00
    # sessions: a bar is final only once the London day is over.
    "FX": ("Europe/London", dtime(23, 59, 59)),
    "NYSE": ("America/New_York", dtime(16, 15)),
    "LME": ("Europe/London", dtime(17, 30)),
    "LBMA": ("Europe/London", dtime(15, 30)),
    "SHFE": ("Asia/Shanghai", dtime(15, 30)),
    "GFEX": ("Asia/Shanghai", dtime(15, 30)),
    "SGE": ("Asia/Shanghai", dtime(15, 45)),
    "SSE": ("Asia/Shanghai", dtime(15, 30)),
    "CN": ("Asia/Shanghai", dtime(18, 0)),
    "ASX": ("Australia/Sydney", dtime(16, 30)),
}
#: Calendars not listed close at 23:59 UTC.
DEFAULT_CLOSE: tuple[str, dtime] = ("UTC", dtime(23, 59))


def venue_today(calendar: str, now: pd.Timestamp) -> pd.Timestamp:
    """The calendar date at the venue at UTC time ``now``."""
    tz = SESSION_CLOSE.get(calendar, DEFAULT_CLOSE)[0]
    return _utc(now).tz_convert(tz).tz_localize(None).normalize()


def session_closed(calendar: str, day: pd.Timestamp, now: pd.Timestamp) -> bool:
    """Whether the venue's session for ``day`` had closed at UTC time ``now``."""
    tz, close = SESSION_CLOSE.get(calendar, DEFAULT_CLOSE)
    closes = pd.Timestamp.combine(pd.Timestamp(day).date(), close).tz_localize(tz)
    return bool(_utc(now) >= closes)


def _utc(ts: pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
