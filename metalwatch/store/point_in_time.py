"""Moments in the store: write times as stored, user input read as a moment, and the SQL that
reads a stored row as it was at a past moment (``as_of``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from metalwatch.errors import InvalidInputError

DateLike = str | pd.Timestamp | datetime


def now_text() -> str:
    """The write time stored: UTC ISO text to the microsecond (sorts as time does)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_as_of(value: DateLike, what: str = "as_of") -> pd.Timestamp:
    """A point in time from user input, in UTC, or a one-line error.

    A time without a zone is UTC; a date alone is its midnight (the store as the day began).

    Parameters
    ----------
    value
        ``"2025-12-12T10:30:00+08:00"``, ``"2025-12-12 02:30"``, a timestamp or a datetime.
    what
        How the message names the input (``"--as-of"``).

    Raises
    ------
    InvalidInputError
        Not a time.
    """
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"{what} {value!r:.60} is not a time (use YYYY-MM-DD[THH:MM[:SS]][+HH:MM])"
        ) from exc
    if pd.isna(ts):
        raise InvalidInputError(f"{what} {value!r:.60} is not a time")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def as_of_text(as_of: DateLike) -> str:
    """``as_of`` as the stored write times are written: UTC ISO text to the microsecond.

    Stored times written to the second (before microseconds were kept) compare correctly
    with it: ``"...:00+00:00"`` sorts before ``"...:00.000000+00:00"``.
    """
    return parse_as_of(as_of).to_pydatetime().isoformat(timespec="microseconds")


#: The value of a stored row as it was at ``as_of`` (the first placeholder): its old value in
#: the first revision made after then, else the stored one. ``{col}`` is value or source; the
#: row's write time is ``w.at`` (``observations o JOIN writes w``).
THEN = (
    "CASE WHEN w.at <= ? THEN o.{col} ELSE COALESCE((SELECT r.old_{col} FROM revisions r "
    "WHERE r.series = o.series AND r.day = o.day "
    "AND r.revised_at > ? ORDER BY r.revised_at, r.id LIMIT 1), o.{col}) END"
)
#: Whether a stored row existed at ``as_of`` (three placeholders): written by then and not
#: changed since, or revised since from a value written by then. Only the first revision after
#: ``as_of`` can have its old value written by then (each old value is the previous new one).
#: A revision made by schema 1 does not know when its old value was written: taken as by then.
KNOWN = (
    "(w.at <= ? OR EXISTS (SELECT 1 FROM revisions r WHERE r.series = o.series "
    "AND r.day = o.day AND r.revised_at > ? "
    "AND (r.old_updated_at IS NULL OR r.old_updated_at <= ?)))"
)
#: The write time of each observation, joined when a read looks at a past moment.
WRITES = " JOIN writes w ON w.id = o.written"
