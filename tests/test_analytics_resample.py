"""Weekly resampling on each venue's own calendar, checked against the raw bundled files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.resample import (
    as_wide,
    week_label,
    weekly_close_dates,
    weekly_closes,
    weekly_returns,
)
from metalwatch.errors import InvalidInputError
from tests.snapshot_data import loaded, raw


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return loaded(["SHFE.CU", "LME.CA.3M", "LME.CA.STOCK", "FX.USDCNY"])


def test_week_label_is_the_friday_ending_a_saturday_to_friday_week():
    days = pd.DatetimeIndex(["2025-12-06", "2025-12-08", "2025-12-12", "2025-12-13", "2025-12-14"])
    assert week_label(days).strftime("%Y-%m-%d").tolist() == [
        "2025-12-12",
        "2025-12-12",
        "2025-12-12",
        "2025-12-19",
        "2025-12-19",
    ]


def test_weekly_close_is_the_venues_last_trading_day(data):
    closes = weekly_closes(data)
    dates = weekly_close_dates(data)
    # Spring Festival 2024: SHFE shut 2024-02-09..02-18, LME open
    assert closes.at[pd.Timestamp("2024-02-09"), "SHFE.CU"] == 67960.0  # Thursday 02-08
    assert dates.at[pd.Timestamp("2024-02-09"), "SHFE.CU"] == pd.Timestamp("2024-02-08")
    assert np.isnan(closes.at[pd.Timestamp("2024-02-16"), "SHFE.CU"])  # empty, not filled
    assert pd.isna(dates.at[pd.Timestamp("2024-02-16"), "SHFE.CU"])
    lme = raw("LME.CA.3M")
    assert closes.at[pd.Timestamp("2024-02-16"), "LME.CA.3M"] == lme.loc["2024-02-16"]
    # UK bank holiday Monday 2025-08-25 does not matter for the week's close
    assert closes.at[pd.Timestamp("2025-08-29"), "LME.CA.3M"] == lme.loc["2025-08-29"]
    assert closes.attrs["units"]["SHFE.CU"] == "CNY/t"


def test_weekly_closes_match_an_independent_pandas_resample(data):
    closes = weekly_closes(data)
    for iid in ("SHFE.CU", "LME.CA.3M", "FX.USDCNY"):
        ref = raw(iid).resample("W-FRI").last()  # Saturday..Friday bins labelled by Friday
        got = closes[iid].loc[ref.index[0] : ref.index[-1]]
        pd.testing.assert_series_equal(
            got, ref, check_names=False, check_freq=False, check_index_type=False
        )
    stock = raw("LME.CA.STOCK", "stock").resample("W-FRI").last()
    assert np.allclose(closes["LME.CA.STOCK"].loc[stock.index], stock, equal_nan=True)


def test_weeks_are_consecutive_fridays(data):
    idx = weekly_closes(data).index
    assert (idx.day_of_week == 4).all()
    assert (np.diff(idx.to_numpy()) == np.timedelta64(7, "D")).all()


def test_tidy_weekly_closes(data):
    tidy = weekly_closes(data, tidy=True)
    assert list(tidy.columns) == ["series", "week", "date", "value", "unit", "n_obs"]
    row = tidy[(tidy["series"] == "SHFE.CU") & (tidy["week"] == "2025-12-12")].iloc[0]
    assert (row["date"], row["value"], row["unit"], row["n_obs"]) == (
        pd.Timestamp("2025-12-12"),
        94170.0,
        "CNY/t",
        5,
    )
    assert not ((tidy["series"] == "SHFE.CU") & (tidy["week"] == "2024-02-16")).any()


def test_weekly_returns_span_a_week_without_trading_like_moves(data):
    rets = weekly_returns(weekly_closes(data))
    assert np.isnan(rets.at[pd.Timestamp("2024-02-16"), "SHFE.CU"])
    after = rets.at[pd.Timestamp("2024-02-23"), "SHFE.CU"]
    assert after == pytest.approx(np.log(69370.0 / 67960.0))
    for week in ("2024-02-23", "2025-12-12", "2025-08-29"):
        mv = compute_moves(data, pd.Timestamp(week), ["SHFE.CU", "LME.CA.3M"])
        for iid in ("SHFE.CU", "LME.CA.3M"):
            got = np.expm1(rets.at[pd.Timestamp(week), iid]) * 100
            assert got == pytest.approx(mv.at[iid, "wow_pct"], rel=1e-12)


def test_as_wide_rejects_a_frame_without_dates():
    with pytest.raises(InvalidInputError, match="DatetimeIndex"):
        as_wide(pd.DataFrame({"x": [1.0]}))
