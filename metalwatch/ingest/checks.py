"""Checks on a fetched batch against itself and the stored history, before anything is written.

Scale
-----

An upstream unit change (CNY/t to 万元/t, USD/lb to cents/lb, kg to t) shows as a jump of
10x to 10,000x against the stored history. Each batch is compared, per field, with the stored
values of the dates it overlaps and with the last stored value before it, and each value with
the one before it. Prices may not move by more than ``PRICE_FACTOR`` from one observation to
the next, quantities (stocks) by more than ``QUANTITY_FACTOR``; volume and open interest are
not checked, nor are signed series (:data:`~metalwatch.frame.SIGNED_FIELDS` such as CFTC net
positions, and instruments of :data:`~metalwatch.frame.SIGNED_KINDS` such as yields): a value
crossing zero is no unit change, and a ratio near zero means nothing. A jump raises
:class:`~metalwatch.errors.UnitScaleError` and nothing of the series
is stored.

Bars
----
High below low on more than :data:`~metalwatch.sources.bars.MAX_INCONSISTENT` of a batch's
bars means the upstream swapped or mislabelled its columns (:func:`check_bars`, the bar rule
of :mod:`metalwatch.sources.bars` on a canonical batch).

Overlap
-------
Each run re-fetches a few days already stored, so a batch can be compared with what the store
holds for the same dates (:func:`check_overlap`). Revisions are allowed, but two patterns are
not: the stored values reappearing one calendar day early or late (a time-zone slip in the
upstream's timestamps), and most overlapping values differing by more than a few per cent
(a payload for another symbol: SHFE aluminium served for copper is only 4x off, inside the
scale limit). Forward-adjusted closes
(:data:`~metalwatch.sources.base.REBASED_FIELDS`) are rewritten whole by every dividend and
are not compared. Both raise :class:`~metalwatch.errors.SourceFormatError`; nothing of the
series is stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch import registry
from metalwatch.errors import SourceFormatError, UnitScaleError
from metalwatch.frame import NON_PRICE_FIELDS, SIGNED_FIELDS, SIGNED_KINDS
from metalwatch.sources.bars import check_ohlc
from metalwatch.sources.base import REBASED_FIELDS
from metalwatch.store import Store

PRICE_FACTOR = 10.0
QUANTITY_FACTOR = 50.0
UNCHECKED = frozenset({"volume", "open_interest"})
LOOKBACK = pd.Timedelta(days=400)
#: Relative difference under which two values are "the same print" (float32 round trips).
SAME = 1e-6
#: Minimum overlapping values that must reappear shifted before dates are called shifted.
MIN_SHIFTED = 3
#: Relative difference from the stored value beyond which an overlapping value is "other".
PRICE_MISMATCH = 0.05
QUANTITY_MISMATCH = 0.20


def stored_history(store: Store, df: pd.DataFrame) -> pd.DataFrame:
    """The stored rows both checks compare ``df`` with, read once (field, date, value).

    Every checked field of ``df``'s instrument, from ``LOOKBACK`` before its first date on.
    """
    new = df.loc[~df["field"].isin(UNCHECKED)]
    if new.empty:
        return pd.DataFrame(
            {
                "field": pd.Series(dtype="string"),
                "date": pd.Series(dtype="datetime64[ns]"),
                "value": pd.Series(dtype=float),
            }
        )
    old = store.read(
        [str(df["instrument"].iloc[0])],
        fields=sorted(set(new["field"].astype(str))),
        start=new["date"].min() - LOOKBACK,
    )
    return old[["field", "date", "value"]].astype({"field": "string"})


def check_scale(store: Store, df: pd.DataFrame, old: pd.DataFrame | None = None) -> None:
    """Raise UnitScaleError if ``df`` (one instrument, canonical) jumps in scale.

    ``old`` is :func:`stored_history` of ``df`` (read here when not given).
    """
    if df.empty:
        return
    inst, source = str(df["instrument"].iloc[0]), str(df["source"].iloc[0])
    if registry.get(inst).kind in SIGNED_KINDS:
        return
    new = df.loc[~df["field"].isin(UNCHECKED | SIGNED_FIELDS), ["field", "date", "value"]]
    if new.empty:
        return
    old = stored_history(store, df) if old is None else old
    old = old[~old["field"].isin(SIGNED_FIELDS)]
    new = new.astype({"field": "string"}).sort_values(["field", "date"], ignore_index=True)
    limit = np.where(new["field"].isin(NON_PRICE_FIELDS), QUANTITY_FACTOR, PRICE_FACTOR)
    same = new.assign(limit=limit).merge(old, on=["field", "date"], suffixes=("", "_ref"))
    _raise_if_jump(inst, source, same.assign(date_ref=same["date"]), "stored")
    first = new.groupby("field")["date"].min().rename("first")
    before = old.join(first, on="field")
    prior = before[before["date"] < before["first"]].groupby("field").tail(1)
    seq = pd.concat([prior[["field", "date", "value"]], new], ignore_index=True)
    seq = seq.sort_values(["field", "date"], ignore_index=True)
    grouped = seq.groupby("field")
    seq["value_ref"] = grouped["value"].shift()
    seq["date_ref"] = grouped["date"].shift()
    seq["limit"] = np.where(seq["field"].isin(NON_PRICE_FIELDS), QUANTITY_FACTOR, PRICE_FACTOR)
    _raise_if_jump(inst, source, seq.dropna(subset=["value_ref"]), "previous")


def _raise_if_jump(inst: str, source: str, pairs: pd.DataFrame, what: str) -> None:
    a = pairs["value"].to_numpy(dtype=float)
    b = pairs["value_ref"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((a > 0) & (b > 0), a / b, 1.0)
    limit = pairs["limit"].to_numpy(dtype=float)
    bad = (ratio > limit) | (ratio < 1 / limit)
    if not bad.any():
        return
    i = int(np.argmax(bad))
    row = pairs.iloc[i]
    raise UnitScaleError(
        f"{row['field']} {pd.Timestamp(row['date']):%Y-%m-%d} value {a[i]:,.6g} is "
        f"{ratio[i]:,.4g}x the {what} {b[i]:,.6g} of {pd.Timestamp(row['date_ref']):%Y-%m-%d}: "
        "an upstream unit change? nothing stored for this series",
        series=inst,
        source=source,
        field=str(row["field"]),
        ratio=float(ratio[i]),
    )


def check_bars(df: pd.DataFrame) -> None:
    """Raise SourceFormatError if high < low on too many bars of ``df`` (one instrument).

    The bar rule of :func:`metalwatch.sources.bars.check_ohlc`, ``low <= high`` only: a
    futures close (the settlement) may fall outside the day's range.
    """
    hl = df[df["field"].isin(["high", "low"])]
    if hl.empty:
        return
    bars = hl.pivot(index="date", columns="field", values="value")
    inst, source = str(df["instrument"].iloc[0]), str(df["source"].iloc[0])
    check_ohlc(bars, series=inst, source=source, within=())


def check_overlap(store: Store, df: pd.DataFrame, old: pd.DataFrame | None = None) -> None:
    """Raise SourceFormatError if ``df`` contradicts the stored rows of the dates it overlaps.

    See the module docstring: shifted dates, or values of another series. ``old`` is
    :func:`stored_history` of ``df`` (read here when not given).
    """
    new = df.loc[~df["field"].isin(UNCHECKED | REBASED_FIELDS), ["field", "date", "value"]]
    if new.empty:
        return
    inst, source = str(df["instrument"].iloc[0]), str(df["source"].iloc[0])
    day = pd.Timedelta(days=1)
    old = stored_history(store, df) if old is None else old
    near = (old["date"] >= new["date"].min() - day) & (old["date"] <= new["date"].max() + day)
    old = old[near & old["field"].isin(set(new["field"].astype(str)))]
    if old.empty:
        return
    new = new.astype({"field": "string"})

    def pairs(shift: int) -> pd.DataFrame:
        moved = new.assign(date=new["date"] + shift * day)
        both = moved.merge(old, on=["field", "date"], suffixes=("", "_old"))
        a, b = both["value"].to_numpy(float), both["value_old"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(b != 0, np.abs(a / b - 1), np.where(a == 0, 0.0, np.inf))
        return both.assign(rel=rel)

    same = pairs(0)
    matched = int((same["rel"] <= SAME).sum())
    for shift in (-1, 1):
        moved = pairs(shift)
        hits = int((moved["rel"] <= SAME).sum())
        if hits >= MIN_SHIFTED and hits >= 0.8 * len(moved) and matched < 0.5 * len(same):
            first = moved.loc[moved["rel"] <= SAME, "date"].min()
            late = "late" if shift == -1 else "early"
            raise SourceFormatError(
                f"dates look one day {late}: {hits} of {len(moved)} values match the stored "
                f"ones of the day {'before' if shift == -1 else 'after'} (from "
                f"{first:%Y-%m-%d}): a time-zone slip upstream? nothing stored for this series",
                series=inst,
                source=source,
            )
    if same.empty:
        return
    limit = np.where(same["field"].isin(NON_PRICE_FIELDS), QUANTITY_MISMATCH, PRICE_MISMATCH)
    off = same["rel"].to_numpy() > limit
    if off.sum() >= 2 and off.sum() > 0.5 * len(same):
        i = int(np.argmax(off))
        row = same.iloc[i]
        raise SourceFormatError(
            f"{int(off.sum())} of {len(same)} values on dates already stored differ from them "
            f"by more than {limit[i]:.0%} (e.g. {row['field']} {row['date']:%Y-%m-%d}: "
            f"{row['value']:,.6g}, stored {row['value_old']:,.6g}): a payload for another "
            "symbol? nothing stored for this series",
            series=inst,
            source=source,
        )
