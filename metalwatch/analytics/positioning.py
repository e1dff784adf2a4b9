"""CFTC managed-money positioning as a weekly report may cite it.

The CFTC's Commitments of Traders report gives positions as of a Tuesday and is released on the
Friday of the same week at 15:30 Eastern time, so a weekly ending on Friday ``W`` can use the
report as of ``W - 3`` days (or earlier), never a later one. Two reports exist for the same
market, futures only and futures and options combined; a series never mixes them: the weekly
uses the futures-only report while it is published up to the week, else the combined report,
each with its own history.

Pure functions of a long frame of CFTC rows (``instrument``, ``field``, ``date``, ``value``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Days from a report's Tuesday as-of date to its Friday release.
RELEASE_LAG_DAYS = 3
#: Weekly reports the percentile of the managed-money net is measured over (3 years).
PERCENTILE_WEEKS = 156
#: A report older than this many days at the last public as-of date is not used.
MAX_AGE_DAYS = 10
FIELDS = ("mm_long", "mm_short", "mm_net", "open_interest")


@dataclass(frozen=True)
class Positioning:
    """Managed money in one market from one report, as of its Tuesday."""

    instrument: str
    as_of: pd.Timestamp
    released: pd.Timestamp
    long: float
    short: float
    net: float
    open_interest: float
    prev_net: float
    prev_as_of: pd.Timestamp | None
    percentile: float
    weeks: int

    @property
    def pct_oi(self) -> float:
        """The net as a percent of open interest."""
        return self.net / self.open_interest * 100.0 if self.open_interest else float("nan")

    @property
    def change(self) -> float:
        """The net against the previous report's."""
        return self.net - self.prev_net


def last_public_as_of(week: pd.Timestamp) -> pd.Timestamp:
    """The latest as-of Tuesday whose report is public by the end of the week ending ``week``."""
    return pd.Timestamp(week) - pd.Timedelta(days=RELEASE_LAG_DAYS)


def _wide(rows: pd.DataFrame, iid: str, until: pd.Timestamp) -> pd.DataFrame:
    sub = rows[(rows["instrument"] == iid) & (rows["date"] <= until)]
    wide = sub.pivot_table(index="date", columns="field", values="value", aggfunc="last")
    return wide.reindex(columns=list(FIELDS)).dropna(subset=["mm_net", "open_interest"])


def managed_money(
    rows: pd.DataFrame, week: pd.Timestamp, reports: tuple[str, ...]
) -> Positioning | None:
    """Managed money of one market for the week ending ``week``, from the first of ``reports``
    (instrument ids, preferred first) public and fresh by then; None when none is.

    The percentile is the share of the last :data:`PERCENTILE_WEEKS` reports of the same
    series (to the as-of date, inclusive) whose net is at or below this one, in percent.
    """
    public = last_public_as_of(week)
    for iid in reports:
        wide = _wide(rows, iid, public)
        if wide.empty:
            continue
        as_of = pd.Timestamp(wide.index[-1])
        if (public - as_of).days > MAX_AGE_DAYS:
            continue
        last = wide.iloc[-1]
        window = wide["mm_net"].iloc[-PERCENTILE_WEEKS:]
        net = float(last["mm_net"])
        prev_ok = len(wide) > 1
        return Positioning(
            instrument=iid,
            as_of=as_of,
            released=as_of + pd.Timedelta(days=RELEASE_LAG_DAYS),
            long=float(last["mm_long"]),
            short=float(last["mm_short"]),
            net=net,
            open_interest=float(last["open_interest"]),
            prev_net=float(wide["mm_net"].iloc[-2]) if prev_ok else float("nan"),
            prev_as_of=pd.Timestamp(wide.index[-2]) if prev_ok else None,
            percentile=float((window <= net).mean() * 100.0),
            weeks=len(window),
        )
    return None
