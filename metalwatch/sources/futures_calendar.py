"""China's futures trading days (akshare's bundled calendar) and the days a daily page is due.

Adapters that ask an exchange-day page per trading day (100ppi spot, the exchanges' daily
reports) walk the same calendar the same way: a day past the calendar's end is an error (akshare
answers nothing for it: upgrade akshare), a holiday or a session not yet closed is skipped.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

import pandas as pd

from metalwatch import registry
from metalwatch.sources.base import Fetcher, Query
from metalwatch.sources.session import session_closed


@functools.cache
def trading_days() -> pd.DatetimeIndex:
    """China's futures trading days from akshare's bundled calendar (read without importing it).

    Empty if akshare is not installed.
    """
    spec = importlib.util.find_spec("akshare")
    if spec is None or not spec.submodule_search_locations:
        return pd.DatetimeIndex([])
    path = Path(next(iter(spec.submodule_search_locations))) / "file_fold" / "calendar.json"
    try:
        days = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return pd.DatetimeIndex([])
    return pd.DatetimeIndex(pd.to_datetime(days, format="%Y%m%d")).sort_values()


def closed_days(fetcher: Fetcher, query: Query) -> list[pd.Timestamp]:
    """The trading days of ``query``'s window whose session (the series' calendar) has closed.

    Raises
    ------
    SourceFormatError
        A weekday of the window lies past the calendar's end.
    """
    calendar = trading_days()
    last = calendar[-1] if len(calendar) else pd.Timestamp.min
    cal = registry.get(query.instrument).calendar
    out = []
    for day in pd.bdate_range(query.start, query.end):
        if day > last:
            raise fetcher.format_error(
                query,
                f"akshare's trading calendar ends {last:%Y-%m-%d}, so its {fetcher.function} "
                f"answers nothing for {day:%Y-%m-%d}: upgrade akshare",
            )
        if day in calendar and session_closed(cal, day, query.now):
            out.append(day)
    return out


__all__ = ["closed_days", "trading_days"]
