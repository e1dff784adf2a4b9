"""Dates typed by users (``--since``, ``--week``, ``start=``): one parser, one error."""

from __future__ import annotations

import pandas as pd

from metalwatch.errors import InvalidInputError

#: Years a user-typed date may fall in; anything else is a typo.
YEARS = range(1900, 2201)


def parse_date(value: str | pd.Timestamp, what: str = "date") -> pd.Timestamp:
    """A date from user input (time of day and time zone dropped), or a one-line error.

    Parameters
    ----------
    value
        ``"2025-12-12"`` or anything :class:`pandas.Timestamp` reads, or a timestamp.
    what
        How the message names the input (``"--since"``, ``"week"``).

    Raises
    ------
    InvalidInputError
        Not a date, or a year outside 1900-2200.
    """
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"{what} {value!r} is not a date (use YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise InvalidInputError(f"{what} {value!r} is not a date (use YYYY-MM-DD)")
    if ts.year not in YEARS:
        raise InvalidInputError(f"{what} {value!r} is out of range")
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


__all__ = ["parse_date"]
