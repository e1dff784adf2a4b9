"""The event study: each series' move over N sessions around an event, on the bundled series.

Expected moves are computed here by hand from the real stored closes on the dates listed
explicitly (each series' own trading days, counted in the comments), never by the code tested.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import metalwatch as mw
from metalwatch import frame
from metalwatch.analytics.event_study import COLUMNS, event_window
from metalwatch.errors import InvalidInputError, NotFoundError, UnknownInstrumentError
from metalwatch.event import parse_event
from metalwatch.store import Store

IDS = ["KOMIS.PR", "COMEX.GC", "LBMA.AU.PM", "CN.PRND_OXIDE"]
PACT = pd.Timestamp("2025-12-11")
FED_CUT = pd.Timestamp("2025-12-10")


@pytest.fixture(scope="module")
def rows(seeded_path: Path) -> pd.DataFrame:
    with Store(seeded_path) as st:
        return st.read(IDS)


def close(rows: pd.DataFrame, iid: str, day: str) -> float:
    """The stored registered-field value of ``iid`` on ``day`` (exactly one row)."""
    mine = frame.registered(rows)
    hit = mine[(mine["instrument"] == iid) & (mine["date"] == pd.Timestamp(day))]
    assert len(hit) == 1, (iid, day)
    return float(hit["value"].iloc[0])


def pct(now: float, base: float) -> float:
    return (now / base - 1) * 100


def row_of(table: pd.DataFrame, iid: str) -> pd.Series:
    return table.set_index("instrument").loc[iid]


def test_komis_pr_five_sessions_around_the_pact(rows):
    # Base: 2025-12-10, the last KOMIS close before the pact day. After: sessions on or after
    # 2025-12-11: 11, 12, 15, 16, 17 -> 2025-12-17. Before: 09, 08, 05, 04, 03 -> 2025-12-03.
    out = event_window(rows, PACT, window=5)
    assert list(out.columns) == COLUMNS
    pr = row_of(out, "KOMIS.PR")
    assert close(rows, "KOMIS.PR", "2025-12-10") == 94.37
    assert close(rows, "KOMIS.PR", "2025-12-17") == 95.07
    assert close(rows, "KOMIS.PR", "2025-12-03") == 95.19
    assert pr["base_date"] == pd.Timestamp("2025-12-10") and pr["base_value"] == 94.37
    assert pr["after_date"] == pd.Timestamp("2025-12-17") and pr["after_value"] == 95.07
    assert pr["before_date"] == pd.Timestamp("2025-12-03") and pr["before_value"] == 95.19
    assert pr["after_pct"] == pytest.approx(pct(95.07, 94.37))
    assert round(pr["after_pct"], 2) == 0.74
    assert pr["before_pct"] == pytest.approx(pct(94.37, 95.19))
    assert round(pr["before_pct"], 2) == -0.86
    assert (pr["sessions_before"], pr["sessions_after"], pr["window"]) == (5, 5, 5)
    assert pr["unit"] == "USD/kg"


def test_gold_around_the_fed_cut_each_venue_on_its_own_days(rows):
    # COMEX.GC: base 2025-12-09 (4206.7); sessions 10, 11, 12, 15, 16 -> 2025-12-16 (4304.5);
    # before: 08, 05, 04, 03, 02 -> 2025-12-02 (4186.6). LBMA PM fix the same days.
    out = event_window(rows, FED_CUT, window=5)
    gc, pm = row_of(out, "COMEX.GC"), row_of(out, "LBMA.AU.PM")
    assert (gc["base_value"], gc["after_value"], gc["before_value"]) == (4206.7, 4304.5, 4186.6)
    assert round(gc["after_pct"], 2) == round(pct(4304.5, 4206.7), 2) == 2.32
    assert round(gc["before_pct"], 2) == round(pct(4206.7, 4186.6), 2) == 0.48
    expected = pct(close(rows, "LBMA.AU.PM", "2025-12-16"), close(rows, "LBMA.AU.PM", "2025-12-09"))
    assert pm["after_pct"] == pytest.approx(expected)
    assert round(pm["after_pct"], 2) == 3.01
    assert pm["after_date"] == pd.Timestamp("2025-12-16")


def test_a_window_of_one_is_the_event_day_against_the_day_before(rows):
    out = event_window(rows, PACT, window=1)
    pr = row_of(out, "KOMIS.PR")
    assert pr["after_date"] == PACT and pr["before_date"] == pd.Timestamp("2025-12-09")
    assert pr["after_pct"] == pytest.approx(pct(94.72, 94.37))


def test_a_month_event_counts_from_the_month_first_day(rows):
    # China's April 2025 export controls are known to the month: base = 2025-03-31, the last
    # COMEX close before April; sessions from 04-01: 01, 02, 03, 04, 07 -> 2025-04-07.
    out = event_window(rows, pd.Timestamp("2025-04-01"), window=5, precision="month")
    gc = row_of(out, "COMEX.GC")
    assert gc["base_date"] == pd.Timestamp("2025-03-31")
    assert gc["after_date"] == pd.Timestamp("2025-04-07")
    assert round(gc["after_pct"], 2) == round(pct(2951.3, 3122.8), 2) == -5.49
    assert gc["before_date"] == pd.Timestamp("2025-03-24")
    assert round(gc["before_pct"], 2) == round(pct(3122.8, 3013.1), 2) == 3.64
    # any day of the month gives the same window: the month is the event's resolution
    mid_month = event_window(rows, pd.Timestamp("2025-04-17"), window=5, precision="month")
    pd.testing.assert_frame_equal(mid_month, out)
    assert out.attrs["event_day"] == pd.Timestamp("2025-04-01")
    assert out.attrs["precision"] == "month"


def test_a_window_past_the_data_end_is_nan_with_the_sessions_there_were(rows):
    # KOMIS.PR's last close is 2026-09-24: from 2026-09-22 there are three sessions (22, 23, 24).
    mine = frame.registered(rows)
    assert mine.loc[mine["instrument"] == "KOMIS.PR", "date"].max() == pd.Timestamp("2026-09-24")
    pr = row_of(event_window(rows, pd.Timestamp("2026-09-22"), window=5), "KOMIS.PR")
    assert pr["sessions_after"] == 3
    assert np.isnan(pr["after_pct"]) and np.isnan(pr["after_value"])
    assert pd.isna(pr["after_date"])
    assert pr["base_date"] == pd.Timestamp("2026-09-21") and pr["sessions_before"] == 5
    assert not np.isnan(pr["before_pct"])


def test_a_window_before_the_data_start_is_nan_with_the_sessions_there_were(rows):
    # KOMIS.PR starts 2024-01-02; an event on 2024-01-04 has two sessions before it (02, 03).
    pr = row_of(event_window(rows, pd.Timestamp("2024-01-04"), window=5), "KOMIS.PR")
    assert pr["base_date"] == pd.Timestamp("2024-01-03") and pr["base_value"] == 63.95
    assert pr["sessions_before"] == 1  # 2024-01-02 only, before the base
    assert np.isnan(pr["before_pct"]) and pd.isna(pr["before_date"])
    assert pr["sessions_after"] == 5 and not np.isnan(pr["after_pct"])
    # an event before any observation: no base, so no move either side
    none = row_of(event_window(rows, pd.Timestamp("2023-06-01"), window=5), "KOMIS.PR")
    assert pd.isna(none["base_date"]) and np.isnan(none["after_pct"])
    assert (none["sessions_before"], none["sessions_after"]) == (0, 5)


def test_a_weekend_event_day_takes_the_friday_before_as_base(rows):
    # 2025-12-13 is a Saturday: base Friday 2025-12-12 (94.99); sessions 15..19 -> 2025-12-19.
    assert pd.Timestamp("2025-12-13").day_name() == "Saturday"
    pr = row_of(event_window(rows, pd.Timestamp("2025-12-13"), window=5), "KOMIS.PR")
    assert pr["base_date"] == pd.Timestamp("2025-12-12") and pr["base_value"] == 94.99
    assert pr["after_date"] == pd.Timestamp("2025-12-19") and pr["after_value"] == 95.11
    assert round(pr["after_pct"], 2) == round(pct(95.11, 94.99), 2) == 0.13


def test_a_sparse_series_is_left_out_and_named(rows):
    out = event_window(rows, PACT, window=5)
    assert "CN.PRND_OXIDE" not in set(out["instrument"])
    assert out.attrs["skipped"] == {
        "CN.PRND_OXIDE": "sparse series: its observations are not trading sessions"
    }
    # The "PrNd oxide -1.53 %" is this weekly SMM quote on the pact day against the
    # quote a week before (587500 -> 578500 CNY/t), not a five-session move after the pact.
    assert round(pct(close(rows, "CN.PRND_OXIDE", "2025-12-11"), 587500.0), 2) == -1.53


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (0, "window 0 is outside 1..60 sessions"),
        (61, "window 61 is outside 1..60 sessions"),
        (2.5, "window must be a whole number of sessions, not 2.5"),
    ],
)
def test_a_bad_window_is_one_line(rows, window, message):
    with pytest.raises(InvalidInputError) as err:
        event_window(rows, PACT, window=window)
    assert str(err.value) == message


def test_a_bad_precision_is_one_line(rows):
    with pytest.raises(InvalidInputError, match=r"^precision 'week' is not one of day, month$"):
        event_window(rows, PACT, precision="week")


def test_mw_event_study_of_an_event_measures_its_metals_daily_series(store_path):
    pact = parse_event(
        {
            "date": "2025-12-11",
            "region": "US",
            "kind": "alliance",
            "metals": "rare_earths",
            "text_en": "US signs a critical-minerals pact with eight countries",
            "source": "搜狐财经 2025-12-13 17:40",
        }
    )
    out = mw.event_study(pact, store=store_path)
    ids = list(out["instrument"])
    assert {"KOMIS.PR", "KOMIS.ND", "KOMIS.DY", "KOMIS.TB", "KOMIS.CE", "SSE.600111"} <= set(ids)
    assert "CN.PRND_OXIDE" not in ids  # sparse: not a series of sessions
    nd = row_of(out, "KOMIS.ND")
    # KOMIS.ND: 2025-12-10 96.11 -> 2025-12-17 96.83
    assert round(nd["after_pct"], 2) == round(pct(96.83, 96.11), 2) == 0.75
    assert round(row_of(out, "KOMIS.PR")["after_pct"], 2) == 0.74
    assert out.attrs["event"] == "2025-12-11.US.alliance.rare_earths"
    assert out.attrs["when"] == "2025-12-11" and out.attrs["window"] == 5


def test_mw_event_study_of_a_month_text_is_month_precision(store_path):
    out = mw.event_study("2025-04", ids=["COMEX.GC", "KOMIS.PR"], store=store_path)
    assert list(out["instrument"]) == ["COMEX.GC", "KOMIS.PR"]
    assert out.attrs["when"] == "2025-04" and out.attrs["precision"] == "month"
    gc = row_of(out, "COMEX.GC")
    assert gc["base_date"] == pd.Timestamp("2025-03-31")
    assert round(gc["after_pct"], 2) == -5.49
    # each venue on its own days: KOMIS did not quote on 2025-04-04, COMEX did
    assert gc["after_date"] == pd.Timestamp("2025-04-07")
    assert row_of(out, "KOMIS.PR")["after_date"] == pd.Timestamp("2025-04-08")


def test_no_observations_give_an_empty_table_with_the_columns():
    out = event_window(frame.empty(), PACT, window=5)
    assert list(out.columns) == COLUMNS and out.empty
    assert str(out["after_date"].dtype) == "datetime64[ns]"
    assert str(out["after_pct"].dtype) == "float64"
    assert out.attrs["skipped"] == {}


def test_mw_event_study_of_a_day_text(store_path):
    out = mw.event_study("2025-12-10", ids="LBMA.AU.PM", window=5, store=store_path)
    assert round(row_of(out, "LBMA.AU.PM")["after_pct"], 2) == round(pct(4324.20, 4198.00), 2)
    assert out.attrs["event"] is None and out.attrs["precision"] == "day"


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (
            ("2025-12-11",),
            {},
            InvalidInputError,
            "ids are required when the event is a date (name the series)",
        ),
        (
            ("2025-12-11",),
            {"ids": "CN.PRND_OXIDE"},
            InvalidInputError,
            "not daily series, their observations are not sessions: CN.PRND_OXIDE (sparse)",
        ),
        (("2025-12-11",), {"ids": "NOPE"}, UnknownInstrumentError, "unknown instrument 'NOPE'"),
        (
            ("2025-12-11",),
            {"ids": "KOMIS.PR", "window": 61},
            InvalidInputError,
            "window 61 is outside 1..60 sessions",
        ),
        (
            ("2025-13-01",),
            {"ids": "KOMIS.PR"},
            InvalidInputError,
            "event date '2025-13-01' is not a date (use YYYY-MM-DD)",
        ),
        (
            (20251211,),
            {"ids": "KOMIS.PR"},
            InvalidInputError,
            "event_or_date must be an Event, an event id or a date, not int",
        ),
    ],
)
def test_mw_event_study_bad_input_is_one_line(store_path, args, kwargs, error, message):
    with pytest.raises(error) as err:
        mw.event_study(*args, store=store_path, **kwargs)
    assert type(err.value) is error
    assert str(err.value) == message


def test_mw_event_study_of_a_stored_event_id(store_path):
    pact = mw.event_study("2025-12-11.US.alliance.rare_earths", store=store_path)
    assert round(row_of(pact, "KOMIS.PR")["after_pct"], 2) == round(pct(95.07, 94.37), 2)
    assert pact.attrs["event"] == "2025-12-11.US.alliance.rare_earths"
    fed = mw.event_study(
        "2025-12-10.US.monetary.gold+silver+copper+aluminium+tin", store=store_path
    )
    assert round(row_of(fed, "COMEX.GC")["after_pct"], 2) == round(pct(4304.5, 4206.7), 2)
    assert {"LBMA.AU.PM", "LME.CA.3M", "SHFE.SN", "COMEX.SI"} <= set(fed["instrument"])
    assert not {"COMEX.GC.STOCK", "CFTC.GC.FUT", "WB.AU"} & set(fed["instrument"])


def test_mw_event_study_of_a_stored_month_event_counts_from_the_month(store_path):
    out = mw.event_study("2025-04-01.CN.export_control.rare_earths", store=store_path)
    assert out.attrs["when"] == "2025-04" and out.attrs["precision"] == "month"
    pr = row_of(out, "KOMIS.PR")
    # KOMIS sessions from 2025-04-01: 01, 02, 03, 07, 08 (Qingming on the 4th) -> 2025-04-08
    assert pr["base_date"] == pd.Timestamp("2025-03-31")
    assert pr["after_date"] == pd.Timestamp("2025-04-08")
    expected = pct(close_on(store_path, "KOMIS.PR", "2025-04-08"), 64.52)
    assert round(pr["after_pct"], 2) == round(expected, 2) == -0.98


def close_on(path: Path, iid: str, day: str) -> float:
    with Store(path) as st:
        return close(st.read([iid], start=pd.Timestamp(day), end=pd.Timestamp(day)), iid, day)


def test_mw_event_study_of_an_unknown_event_id(store_path):
    with pytest.raises(NotFoundError) as err:
        mw.event_study("2025-12-11.XX.alliance.gold", store=store_path)
    assert str(err.value) == "no stored event with id '2025-12-11.XX.alliance.gold'"


def test_mw_event_study_looks_the_event_up_as_of(store_path):
    with pytest.raises(NotFoundError, match="^no stored event with id '2025-12-11.US.alliance"):
        mw.event_study("2025-12-11.US.alliance.rare_earths", as_of="2001-01-01", store=store_path)
