"""The spreads pivot the frame once, on their legs alone, and the 2025-12-12 values are unchanged.

Expected values are the hand computations of tests/test_analytics_spreads.py, from the raw
bundled closes of 2025-12-12.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.analytics import spread_catalogue as sp
from metalwatch.analytics.context import weekly_context
from tests.snapshot_data import FX_1212, WEEK, analytics_ids, loaded


@pytest.fixture(scope="module")
def everything() -> pd.DataFrame:
    """Every bundled series the analytics consider (the legs are 15 of them)."""
    return loaded(analytics_ids())


def test_all_spreads_pivot_once_on_the_legs(everything, monkeypatch):
    pivoted: list[list[str]] = []
    real = frame.to_wide

    def counting(df, field=None):
        out = real(df, field)
        pivoted.append(list(out.columns))
        return out

    monkeypatch.setattr(frame, "to_wide", counting)
    got = sp.all_spreads(everything)
    assert len(pivoted) == 1
    assert sorted(pivoted[0]) == sorted(sp.LEGS)
    assert len(everything["instrument"].unique()) > 3 * len(sp.LEGS)
    assert list(got.columns) == list(sp.SPREADS)


def test_spread_values_of_the_2025_12_12_weekly_are_unchanged(everything):
    tidy = sp.all_spreads(everything)
    wide = sp.all_spreads(frame.to_wide(everything))  # every series pivoted: the former path
    pd.testing.assert_frame_equal(tidy, wide)
    day = tidy.loc[WEEK]
    assert day["CU.SHFE/LME"] == pytest.approx(94170.0 / (11800.0 * FX_1212), rel=1e-12)
    assert day["AL.SHFE/LME"] == pytest.approx(22170.0 / (2876.0 * FX_1212), rel=1e-12)
    assert day["SN.SHFE/LME"] == pytest.approx(333000.0 / (41850.0 * FX_1212), rel=1e-12)
    # copper: no duty, 13 % VAT, no premium or fees
    assert day["CU.IMPORT"] == pytest.approx(94170.0 - 11800.0 * FX_1212 * 1.13, rel=1e-12)


def test_weekly_context_spread_levels_match_the_spreads(everything):
    ctx = weekly_context(everything, WEEK)
    levels = ctx[ctx["kind"].isin({s.kind for s in sp.SPREADS.values() if s.kind})]
    spreads = sp.all_spreads(everything)
    assert len(levels) >= 5
    for rec in levels.itertuples():
        assert rec.value == pytest.approx(spreads.loc[rec.date, rec.instrument], rel=1e-12)
