"""Futures curves: a day's curve, the M1-M3 calendar spread and its weekly change (pure).

Inputs are canonical rows of one curve's contracts (``SHFE.CU.2601`` ..., field ``settle``; see
:mod:`metalwatch.contracts`) and the exchange's trading days. M1 is the nearest listed contract
of the day, M3 the third; the spread is **M1 - M3** in the quote unit (negative in contango,
when M3 > M1) and as a percentage of M1. A week's change compares the **same two contracts**
a week apart: across a roll the pair is the one at the week's end, and the pair a week earlier
is named, never spliced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metalwatch import contracts

CURVE_COLUMNS = ("contract", "expiry", "settle", "days_to_expiry")


def label(contract: str) -> str:
    """``SHFE.CU.2601`` -> ``CU2601`` (how a desk names a contract)."""
    _venue, product, yymm = contract.split(".")
    return f"{product}{yymm}"


def settles(rows: pd.DataFrame) -> pd.DataFrame:
    """Dates x contracts of the settlements in ``rows`` (columns in delivery order)."""
    s = rows[rows["field"] == contracts.FIELD]
    wide = s.pivot_table(index="date", columns="instrument", values="value", aggfunc="last")
    wide.columns = wide.columns.astype(str)
    return wide.reindex(columns=sorted(wide.columns, key=lambda c: c.rsplit(".", 1)[1]))


def curve_on(rows: pd.DataFrame, day: pd.Timestamp, trading_days: pd.DatetimeIndex) -> pd.DataFrame:
    """The curve of ``day``: contract, expiry, settle, days_to_expiry, sorted by expiry.

    ``days_to_expiry`` counts calendar days from ``day`` to the last trading day. The contracts
    whose expiry was reckoned on weekdays (past the calendar) are in ``attrs['estimated']``.
    Empty if ``rows`` hold no settlement on ``day``.
    """
    wide = settles(rows)
    day = pd.Timestamp(day).normalize()
    if day not in wide.index:
        return pd.DataFrame(columns=list(CURVE_COLUMNS))
    on = wide.loc[day].dropna()
    ends = [contracts.expiry(c, trading_days) for c in on.index]
    out = pd.DataFrame(
        {
            "contract": [str(c) for c in on.index],
            "expiry": pd.DatetimeIndex([e for e, _ in ends]),
            "settle": on.to_numpy(dtype=float),
        }
    )
    out["days_to_expiry"] = (out["expiry"] - day).dt.days.astype("int64")
    out = out.sort_values(["expiry", "contract"], ignore_index=True)
    out.attrs["date"] = day
    out.attrs["estimated"] = [str(c) for c, (_, est) in zip(on.index, ends, strict=True) if est]
    return out


@dataclass(frozen=True)
class CalendarSpread:
    """M1 - M3 of one day, with the contracts it was measured on."""

    date: pd.Timestamp
    front: str
    third: str
    m1: float
    m3: float

    @property
    def spread(self) -> float:
        """M1 - M3 in the quote unit (negative in contango)."""
        return self.m1 - self.m3

    @property
    def pct_of_m1(self) -> float:
        """The spread as a percentage of M1."""
        return self.spread / self.m1 * 100

    @property
    def structure(self) -> str:
        """``contango`` (M3 > M1), ``backwardation`` (M3 < M1) or ``flat``."""
        if self.m3 > self.m1:
            return "contango"
        return "backwardation" if self.m3 < self.m1 else "flat"


def spread_of(curve: pd.DataFrame, day: pd.Timestamp) -> CalendarSpread | None:
    """M1-M3 of one day's curve (``contract``, ``settle``, nearest first); None under three."""
    if len(curve) < 3:
        return None
    c, v = curve["contract"], curve["settle"]
    return CalendarSpread(
        pd.Timestamp(day), str(c.iloc[0]), str(c.iloc[2]), float(v.iloc[0]), float(v.iloc[2])
    )


def m1_m3(rows: pd.DataFrame, day: pd.Timestamp) -> CalendarSpread | None:
    """The M1-M3 spread of ``day`` (None with fewer than three contracts settled that day)."""
    wide = settles(rows)
    day = pd.Timestamp(day).normalize()
    if day not in wide.index:
        return None
    on = wide.loc[day].dropna()  # columns in delivery order
    return spread_of(pd.DataFrame({"contract": on.index, "settle": on.to_numpy()}), day)


def spread_series(rows: pd.DataFrame) -> pd.DataFrame:
    """The daily M1-M3 series: front, third, m1, m3, spread, pct_of_m1, structure by date.

    Every row names its contracts, so a roll shows as a change of ``front``/``third``.
    """
    wide = settles(rows)
    out = []
    for day in wide.index:
        s = m1_m3(rows, day) if wide.loc[day].notna().sum() >= 3 else None
        if s is not None:
            out.append(
                {
                    "date": day,
                    "front": s.front,
                    "third": s.third,
                    "m1": s.m1,
                    "m3": s.m3,
                    "spread": s.spread,
                    "pct_of_m1": s.pct_of_m1,
                    "structure": s.structure,
                }
            )
    return pd.DataFrame(out).set_index("date") if out else pd.DataFrame()


@dataclass(frozen=True)
class SpreadChange:
    """The week's change of the M1-M3 spread on the same two contracts."""

    root: str
    unit: str
    now: CalendarSpread
    before: CalendarSpread | None
    #: The pair a week earlier when the curve rolled in between (else None).
    rolled_from: tuple[str, str] | None

    @property
    def change(self) -> float:
        """Change of M1 - M3 over the week (NaN without a like-for-like comparison)."""
        return np.nan if self.before is None else self.now.spread - self.before.spread

    def sentence(self) -> str:
        """'SHFE.CU: contango (CU2512-CU2602) widened by 20 CNY/t to 120 CNY/t (0.13 % of M1).'"""
        pair = f"{label(self.now.front)}-{label(self.now.third)}"
        width = abs(self.now.spread)
        tail = f" to {width:,.6g} {self.unit} ({abs(self.now.pct_of_m1):.2f} % of M1)"
        roll = ""
        if self.rolled_from is not None:
            old = "-".join(label(c) for c in self.rolled_from)
            roll = f"; a week earlier M1-M3 was {old}, the same contracts are compared"
        if self.before is None:
            return (
                f"{self.root}: {self.now.structure} ({pair}){tail}; no settlement of both "
                f"contracts a week earlier to compare with{roll}."
            )
        if self.before.structure != self.now.structure:
            return (
                f"{self.root}: {pair} turned from {self.before.structure} to "
                f"{self.now.structure}{tail}{roll}."
            )
        delta = width - abs(self.before.spread)
        verb = "widened" if delta > 0 else "narrowed" if delta < 0 else "was unchanged"
        by = f" by {abs(delta):,.6g} {self.unit}" if delta else ""
        return f"{self.root}: {self.now.structure} ({pair}) {verb}{by}{tail}{roll}."


def weekly_spread_change(
    rows: pd.DataFrame, week: pd.Timestamp, *, root: str, unit: str
) -> SpreadChange | None:
    """M1-M3 at the last day on or before ``week`` against the same contracts a week earlier.

    "A week earlier" is the last day with settlements on or before ``week`` - 7 days. None when
    no day on or before ``week`` has three settled contracts.
    """
    wide = settles(rows)
    week = pd.Timestamp(week).normalize()
    days = wide.index[(wide.index <= week) & (wide.notna().sum(axis=1) >= 3).to_numpy()]
    if not len(days):
        return None
    now = m1_m3(rows, days[-1])
    assert now is not None
    earlier = wide.index[wide.index <= days[-1] - pd.Timedelta(days=7)]
    before, rolled = None, None
    if len(earlier):
        prior = wide.loc[earlier[-1]]
        m1, m3 = prior.get(now.front, np.nan), prior.get(now.third, np.nan)
        if pd.notna(m1) and pd.notna(m3):
            before = CalendarSpread(earlier[-1], now.front, now.third, float(m1), float(m3))
        then = m1_m3(rows, earlier[-1])
        if then is not None and (then.front, then.third) != (now.front, now.third):
            rolled = (then.front, then.third)
    return SpreadChange(root, unit, now, before, rolled)
