"""The scale check: reject a batch whose values jump by an order of magnitude.

An upstream unit change (CNY/t to 万元/t, USD/lb to cents/lb, kg to t) shows as a jump of
10x to 10,000x against the stored history. Each batch is compared, per field, with the stored
values of the dates it overlaps and with the last stored value before it, and each value with
the one before it. Prices may not move by more than ``PRICE_FACTOR`` from one observation to
the next, quantities (stocks) by more than ``QUANTITY_FACTOR``; volume and open interest are
not checked. A jump raises :class:`~metalwatch.errors.UnitScaleError` and nothing of the series
is stored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch.errors import UnitScaleError
from metalwatch.frame import NON_PRICE_FIELDS
from metalwatch.store import Store

PRICE_FACTOR = 10.0
QUANTITY_FACTOR = 50.0
UNCHECKED = frozenset({"volume", "open_interest"})
LOOKBACK = pd.Timedelta(days=400)


def check_scale(store: Store, df: pd.DataFrame) -> None:
    """Raise UnitScaleError if ``df`` (one instrument, canonical) jumps in scale."""
    new = df.loc[~df["field"].isin(UNCHECKED), ["field", "date", "value"]]
    if new.empty:
        return
    inst = str(df["instrument"].iloc[0])
    fields = sorted(set(new["field"].astype(str)))
    old = store.read([inst], fields=fields, start=new["date"].min() - LOOKBACK)
    old = old[["field", "date", "value"]].astype({"field": "string"})
    new = new.astype({"field": "string"}).sort_values(["field", "date"], ignore_index=True)
    limit = np.where(new["field"].isin(NON_PRICE_FIELDS), QUANTITY_FACTOR, PRICE_FACTOR)
    same = new.assign(limit=limit).merge(old, on=["field", "date"], suffixes=("", "_ref"))
    _raise_if_jump(inst, same.assign(date_ref=same["date"]), "stored")
    first = new.groupby("field")["date"].min().rename("first")
    before = old.join(first, on="field")
    prior = before[before["date"] < before["first"]].groupby("field").tail(1)
    seq = pd.concat([prior[["field", "date", "value"]], new], ignore_index=True)
    seq = seq.sort_values(["field", "date"], ignore_index=True)
    grouped = seq.groupby("field")
    seq["value_ref"] = grouped["value"].shift()
    seq["date_ref"] = grouped["date"].shift()
    seq["limit"] = np.where(seq["field"].isin(NON_PRICE_FIELDS), QUANTITY_FACTOR, PRICE_FACTOR)
    _raise_if_jump(inst, seq.dropna(subset=["value_ref"]), "previous")


def _raise_if_jump(inst: str, pairs: pd.DataFrame, what: str) -> None:
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
        f"{inst} {row['field']}: {pd.Timestamp(row['date']):%Y-%m-%d} value {a[i]:,.6g} is "
        f"{ratio[i]:,.4g}x the {what} {b[i]:,.6g} of {pd.Timestamp(row['date_ref']):%Y-%m-%d}: "
        "an upstream unit change? nothing stored for this series"
    )
