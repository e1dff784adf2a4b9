"""Weekly moves against values read by hand from the real bundled data (shared/data CSVs)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import metalwatch as mw
from metalwatch import registry
from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.weeks import week_ending
from metalwatch.errors import InvalidInputError, NoDataError, UnknownInstrumentError
from metalwatch.sources import bundled


def pct(now: float, base: float) -> float:
    return (now / base - 1) * 100


@pytest.fixture
def dec12(store):
    return mw.moves(week="2025-12-12", store=store)


def test_week_of_2025_12_12_lme_copper(dec12):
    m = dec12.loc["LME.CA.3M"]
    assert m["close"] == 11800.0 and m["close_date"] == pd.Timestamp("2025-12-12")
    assert m["prev_close"] == 11617.0 and m["prev_date"] == pd.Timestamp("2025-12-05")
    assert m["wow_pct"] == pytest.approx(pct(11800, 11617))
    assert m["d5_pct"] == pytest.approx(pct(11800, 11617))  # no LME holiday that week
    assert m["mtd_pct"] == pytest.approx(pct(11800, 10985.5))  # 2025-11-28
    assert m["ytd_pct"] == pytest.approx(pct(11800, 8821.5))  # 2024-12-31
    assert (m["high_52w"], m["low_52w"]) == (11800.0, 8590.0)
    assert not m["stale"] and m["status"] == "ok"


def test_week_of_2025_12_12_shfe_and_inventory(dec12):
    cu = dec12.loc["SHFE.CU"]
    assert cu["close"] == 94170 and cu["unit"] == "CNY/t"
    assert cu["wow_pct"] == pytest.approx(pct(94170, 92780))
    assert cu["ytd_pct"] == pytest.approx(pct(94170, 73770))
    stock = dec12.loc["LME.CA.STOCK"]
    assert stock["close"] == 165900 and stock["unit"] == "t"
    assert stock["change"] == 165900 - 162550
    assert stock["wow_pct"] == pytest.approx(pct(165900, 162550))


def test_week_of_2025_12_12_sparse_rare_earth_quote(dec12):
    prnd = dec12.loc["CN.PRND_OXIDE"]
    # SMM weekly reviews: 2025-12-11 577,000-580,000; 2025-12-04 585,000-590,000 (mid of range)
    assert prnd["close"] == 578500 and prnd["close_date"] == pd.Timestamp("2025-12-11")
    assert prnd["wow_pct"] == pytest.approx(pct(578500, 587500))


def test_national_day_week_shfe_closed(store):
    # SHFE closed 2025-10-01..08: the week's close is Tuesday 2025-09-30, nothing carried forward
    m = mw.moves(week="2025-10-03", ids=["SHFE.CU"], store=store).loc["SHFE.CU"]
    assert m["close"] == 83110 and m["close_date"] == pd.Timestamp("2025-09-30")
    assert m["wow_pct"] == pytest.approx(pct(83110, 82470))
    assert not m["stale"]
    after = mw.moves(week="2025-10-10", ids=["SHFE.CU"], store=store).loc["SHFE.CU"]
    assert after["prev_close"] == 83110 and after["prev_date"] == pd.Timestamp("2025-09-30")
    assert after["wow_pct"] == pytest.approx(pct(85910, 83110))
    # five observations back crosses the holiday: 10-09, 09-30, 09-29, 09-26, 09-25
    assert after["d5_pct"] == pytest.approx(pct(85910, 82710))
    assert after["d5_date"] == pd.Timestamp("2025-09-25")


def test_year_boundary_week(store):
    mv = mw.moves(week="2026-01-02", ids=["SHFE.CU", "LME.CA.3M"], store=store)
    shfe, lme = mv.loc["SHFE.CU"], mv.loc["LME.CA.3M"]
    # SHFE shut 2026-01-01..02: close is 2025-12-31, which is also the YTD base
    assert shfe["close_date"] == pd.Timestamp("2025-12-31") and shfe["ytd_pct"] == 0.0
    assert shfe["ytd_base_date"] == pd.Timestamp("2025-12-31")
    assert shfe["wow_pct"] == pytest.approx(pct(98240, 98720))
    assert lme["close"] == 12511 and lme["ytd_pct"] == pytest.approx(pct(12511, 12466))
    assert lme["mtd_pct"] == pytest.approx(lme["ytd_pct"])
    assert lme["wow_pct"] == pytest.approx(pct(12511, 12220))  # base 2025-12-24
    assert lme["d5_pct"] == pytest.approx(pct(12511, 12041))  # 2025-12-23, 5 LME days back


def test_no_trading_week_is_empty_not_forward_filled():
    week = pd.Timestamp("2025-10-10")
    data = pd.DataFrame(
        {
            "instrument": "SHFE.CU",
            "field": "close",
            "date": pd.to_datetime(["2025-09-26", "2025-09-30"]),
            "value": [82470.0, 83110.0],
            "unit": "CNY/t",
            "currency": "CNY",
            "source": "t",
        }
    )
    m = compute_moves(data, week).loc["SHFE.CU"]
    assert math.isnan(m["wow_pct"]) and m["status"] == "no trading this week"
    assert m["close_date"] == pd.Timestamp("2025-09-30")
    stale = compute_moves(data, pd.Timestamp("2025-10-17")).loc["SHFE.CU"]
    assert stale["stale"] and stale["status"] == "stale"


def test_week_ending_maps_any_day_to_friday():
    assert week_ending("2025-12-12") == pd.Timestamp("2025-12-12")
    assert week_ending("2025-12-14") == pd.Timestamp("2025-12-12")  # Sunday
    assert week_ending("2025-12-18") == pd.Timestamp("2025-12-12")  # Thursday
    with pytest.raises(InvalidInputError, match="'12/40/2025' is not a date"):
        week_ending("12/40/2025")


def test_default_week_is_latest_friday_covered(store):
    mv = mw.moves(store=store)
    assert mv.attrs["week"] == pd.Timestamp("2026-08-21")
    # COMEX's bundled history ends in May 2026: flagged, with its real last date
    gc = mv.loc["COMEX.GC"]
    assert gc["stale"] and gc["close_date"] == pd.Timestamp("2026-05-07")


def test_week_without_data_is_a_clear_error(store):
    with pytest.raises(NoDataError, match="no market data for the week ending 1960-01-08"):
        mw.moves(week="1960-01-08", store=store)
    with pytest.raises(NoDataError, match="2031-01-03"):
        mw.moves(week="2031-01-03", store=store)


def test_registered_instrument_without_history_has_a_no_data_row(store):
    assert registry.get("SGE.AU9999").venue == "SGE"  # registered...
    assert "SGE.AU9999" in bundled.missing()  # ...but the snapshot holds no history for it
    mv = mw.moves(week="2025-12-12", ids=["SGE.AU9999"], store=store)
    row = mv.loc["SGE.AU9999"]
    assert (row["status"], row["stale"], row["unit"]) == ("no data", True, "CNY/g")
    assert math.isnan(row["close"]) and pd.isna(row["close_date"])


def test_unregistered_instrument_is_an_error(store):
    with pytest.raises(UnknownInstrumentError, match=r"unknown instrument 'SGE\.AU999'.*AU9999"):
        mw.moves(week="2025-12-12", ids=["SGE.AU999"], store=store)


def one_close(iid: str, day: str, value: float = 100.0) -> pd.DataFrame:
    inst = registry.get(iid)
    return pd.DataFrame(
        {
            "instrument": [iid],
            "field": inst.field,
            "date": pd.to_datetime([day]),
            "value": value,
            "unit": inst.unit,
            "currency": inst.currency,
            "source": "t",
        }
    )


@pytest.mark.parametrize(
    ("iid", "limit", "close_date", "week", "status"),
    [
        ("SHFE.CU", 10, "2025-10-07", "2025-10-17", "no trading this week"),  # 10 days old
        ("SHFE.CU", 10, "2025-10-06", "2025-10-17", "stale"),  # 11 days
        ("LME.CA.3M", 5, "2025-12-07", "2025-12-12", "ok"),
        ("LME.CA.3M", 5, "2025-12-06", "2025-12-12", "stale"),
        ("WB.CU", 45, "2025-10-28", "2025-12-12", "no trading this week"),  # monthly: 45 days
        ("WB.CU", 45, "2025-10-27", "2025-12-12", "stale"),
    ],
)
def test_stale_limit_boundary(iid, limit, close_date, week, status):
    """A close exactly ``stale_after_days`` before the week is not stale; a day older is."""
    assert registry.get(iid).stale_after_days == limit
    stale = status == "stale"
    assert (pd.Timestamp(week) - pd.Timestamp(close_date)).days == limit + stale
    m = compute_moves(one_close(iid, close_date), pd.Timestamp(week)).loc[iid]
    assert (m["stale"], m["status"], m["close"]) == (stale, status, 100.0)


def test_row_order_does_not_matter(store):
    data = store.read(["SHFE.CU", "LME.CA.3M", "LME.CA.STOCK"], end="2025-12-12")
    week = pd.Timestamp("2025-12-12")
    expected = compute_moves(data, week)
    shuffled = compute_moves(data.sample(frac=1.0, random_state=3), week)
    pd.testing.assert_frame_equal(shuffled, expected)
    assert expected.loc["SHFE.CU", "close"] == 94170


def test_series_dead_for_over_a_year_is_stale_not_an_error():
    data = pd.DataFrame(
        {
            "instrument": "SGE.AU9999",
            "field": "close",
            "date": pd.to_datetime(["2007-01-05", "2007-01-08"]),
            "value": [160.0, 161.5],
            "unit": "CNY/g",
            "currency": "CNY",
            "source": "t",
        }
    )
    m = compute_moves(data, pd.Timestamp("2025-12-12")).loc["SGE.AU9999"]
    assert m["stale"] and m["close"] == 161.5 and m["close_date"] == pd.Timestamp("2007-01-08")
    assert math.isnan(m["high_52w"]) and math.isnan(m["low_52w"]) and math.isnan(m["wow_pct"])


@pytest.mark.parametrize("week", ["2025-12-12", "2026-01-02", "2024-12-31"])
def test_moves_read_window_gives_what_the_whole_history_gives(store_path, week) -> None:
    """``mw.moves`` reads LOOKBACK_DAYS of each daily series, not the weekly's ten years: every
    figure (52-week range, YTD base of a year-end week) is the same as from the whole history."""
    from metalwatch.analytics.moves import LOOKBACK_DAYS
    from metalwatch.store import Store
    from metalwatch.store.week import read_observations

    ids, w = registry.market_ids(), week_ending(pd.Timestamp(week))
    with Store(store_path) as st:
        whole = compute_moves(read_observations(st, w, ids, history_days=3700), w, ids)
        window = read_observations(st, w, ids, history_days=LOOKBACK_DAYS)
    pd.testing.assert_frame_equal(compute_moves(window, w, ids), whole)
    pd.testing.assert_frame_equal(mw.moves(week, store=store_path), whole)
    assert window["date"].min() < w - pd.Timedelta(days=LOOKBACK_DAYS)  # sparse series in full
