"""The contract every fetcher keeps, checked on one fetch (test code: plain asserts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch import frame, registry
from metalwatch.sources.base import REBASED_FIELDS, Fetched, Fetcher, Query


def check_contract(fetcher: Fetcher, query: Query, got: Fetched) -> pd.DataFrame:
    """The validated frame of ``got``; AssertionError (or SchemaError) if the contract breaks.

    The output passes :func:`metalwatch.frame.validate`; it holds only the queried
    instrument, with its registered unit and currency, the fetcher's source label, fields
    the fetcher declares, dates inside the window (rebased fields may start earlier), and the
    registered moves field whenever it holds any row.
    """
    df = frame.validate(got.frame, today=query.end)
    inst = registry.get(query.instrument)
    assert not df.empty, f"{fetcher.label} returned no rows for {query.instrument}"
    assert set(df["instrument"]) == {inst.id}, set(df["instrument"])
    assert set(df["unit"]) == {inst.unit}, (set(df["unit"]), inst.unit)
    currencies = set(df["currency"].fillna(""))
    assert currencies == {inst.currency}, (currencies, inst.currency)
    assert set(df["source"]) == {fetcher.label}, set(df["source"])
    assert set(df["field"]) <= set(fetcher.fields), (set(df["field"]), fetcher.fields)
    assert inst.field in set(df["field"]), f"registered field {inst.field} missing"
    windowed = ~df["field"].isin(REBASED_FIELDS)
    assert (df.loc[windowed, "date"] >= query.start).all()
    assert (df["date"] <= query.end).all()
    assert np.isfinite(df["value"].to_numpy()).all()
    assert got.source == fetcher.label
    return df
