"""The sanity rule of a daily bar, in one place: ``low <= open, close <= high``.

Two callers apply it:

- :mod:`.sina_futures`, on a payload whose columns akshare names *by position*: a reordered
  body would be mislabelled, and the full rule catches it;
- :func:`metalwatch.ingest.checks.check_bars`, on every fetched batch before it is written,
  with ``low <= high`` only: Yahoo's futures close is the settlement price, which falls
  outside the day's traded range on one bar in ten (COMEX silver, 2025), so open and close are
  not held to the range there.

Upstream histories have a few bad bars, so a payload is rejected only when more than
:data:`MAX_INCONSISTENT` of its bars break the rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from metalwatch.errors import SourceFormatError

#: Share of bars allowed to break the rule before the columns are called mislabelled.
MAX_INCONSISTENT = 0.05
#: The price columns of a bar, in the order messages show them.
OHLC = ("open", "high", "low", "close")
#: Absolute slack for float round trips.
EPSILON = 1e-9


def broken_bars(bars: pd.DataFrame, within: Iterable[str] = ("open", "close")) -> pd.Series:
    """Per judged bar, whether it breaks ``low <= <within> <= high`` (and always low <= high).

    Bars with a missing, non-positive or infinite price are not judged (they are left out of
    the result: :func:`metalwatch.sources.base.finish` counts them).
    """
    px = _judged(bars)
    inside = [c for c in within if c in px.columns]
    floor = px[[*inside, "high"]].min(axis=1)
    ceiling = px[[*inside, "low"]].max(axis=1)
    return (px["low"] > floor + EPSILON) | (px["high"] < ceiling - EPSILON)


def check_ohlc(
    bars: pd.DataFrame,
    *,
    series: str,
    source: str,
    within: Iterable[str] = ("open", "close"),
) -> None:
    """Raise SourceFormatError if more than :data:`MAX_INCONSISTENT` of ``bars`` break the rule.

    Parameters
    ----------
    bars
        One row per bar, indexed by date; columns ``high`` and ``low`` and any of ``open`` and
        ``close`` (other columns are ignored). Without high and low there is nothing to check.
    series, source
        The instrument id and source label the error names.
    within
        The columns that must lie inside ``[low, high]``; ``()`` checks ``low <= high`` only.
    """
    if not {"high", "low"} <= set(bars.columns):
        return
    within = tuple(within)
    bad = broken_bars(bars, within)
    if bad.empty or bad.mean() <= MAX_INCONSISTENT:
        return
    first = int(np.argmax(bad.to_numpy()))
    row = _judged(bars).iloc[first]
    day = bad.index[first]
    when = f"{day:%Y-%m-%d}" if isinstance(day, pd.Timestamp) else str(day)
    example = ", ".join(f"{c} {row[c]:,.6g}" for c in OHLC if c in row.index)
    rule = f"low <= {', '.join(within)} <= high" if within else "low <= high"
    raise SourceFormatError(
        f"{int(bad.sum())} of {len(bad)} bars break {rule} (e.g. {when}: {example}): the "
        "payload's columns look swapped or out of order",
        series=series,
        source=source,
    )


def _judged(bars: pd.DataFrame) -> pd.DataFrame:
    """The bars' prices as numbers, without the bars that hold an unusable price."""
    px: pd.DataFrame = bars[[c for c in OHLC if c in bars.columns]].apply(
        pd.to_numeric, errors="coerce"
    )
    px = px.dropna()
    return px.loc[((px > 0) & np.isfinite(px)).all(axis=1)]
