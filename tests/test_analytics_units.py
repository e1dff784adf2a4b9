"""Units and FX: exact mass factors, dated VAT, USD/CNY as-of join with a staleness limit.

Expected values are computed here by hand from the raw bundled snapshot files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import metalwatch
from metalwatch.analytics import units as u
from metalwatch.errors import InvalidInputError, NoDataError
from tests.snapshot_data import FX_1212, raw


def test_mass_factors_are_exact_definitions():
    assert u.mass_factor("oz", "g") == pytest.approx(31.1034768, rel=1e-15)
    assert u.mass_factor("lb", "kg") == pytest.approx(0.45359237, rel=1e-15)
    assert u.mass_factor("short t", "t") == pytest.approx(0.90718474, rel=1e-15)
    assert u.mass_factor("t", "lb") == pytest.approx(1000 / 0.45359237, rel=1e-15)
    assert u.mass_factor("kg", "oz") == pytest.approx(1 / 0.0311034768, rel=1e-15)


def test_conversion_table_is_consistent():
    tab = u.conversion_table()
    assert np.allclose(np.diag(tab), 1.0)
    assert np.allclose(tab.to_numpy() * tab.T.to_numpy(), 1.0)
    assert tab.loc["t", "short t"] == pytest.approx(1000 / 907.18474)


def test_unknown_mass_unit_is_an_error():
    with pytest.raises(InvalidInputError, match="unknown mass unit 'ton'"):
        u.mass_factor("ton", "t")


@pytest.mark.parametrize(
    ("text", "currency", "mass"),
    [
        ("USD/oz", "USD", "oz"),
        ("CNY/t", "CNY", "t"),
        ("short t", None, "short t"),
        ("CNY/USD", "CNY", None),
        ("index", None, None),
        ("CNY/kg", "CNY", "kg"),
    ],
)
def test_parse_unit(text, currency, mass):
    unit = u.parse_unit(text)
    assert (unit.currency, unit.mass) == (currency, mass)


def test_vat_is_dated_and_only_where_included():
    days = pd.DatetimeIndex(["2018-04-30", "2018-05-01", "2019-03-29", "2019-04-01", "2025-12-12"])
    assert u.vat_rate("SHFE.CU", days).tolist() == [0.17, 0.16, 0.16, 0.13, 0.13]
    assert u.vat_rate("SHFE.AG", days).tolist() == [0.17, 0.16, 0.16, 0.13, 0.13]
    assert u.vat_rate("SHFE.AU", days).tolist() == [0.0] * 5  # exchange gold is VAT-exempt
    assert u.vat_rate("LME.CA.3M", days).tolist() == [0.0] * 5
    assert u.vat_rate("COMEX.GC", days).tolist() == [0.0] * 5


@pytest.mark.parametrize(
    ("days", "rates"),
    [
        (["1993-12-31", "1994-01-01"], [np.nan, 0.17]),  # before the schedule: unknown
        (["2018-04-30", "2018-05-01"], [0.17, 0.16]),
        (["2019-03-31", "2019-04-01"], [0.16, 0.13]),
    ],
)
def test_vat_changes_on_its_effective_date(days, rates):
    got = u.vat_rate("SHFE.CU", pd.DatetimeIndex(days))
    np.testing.assert_array_equal(got.to_numpy(), rates)


def test_fx_asof_takes_the_last_rate_within_the_limit():
    fx = raw("FX.USDCNY")
    days = pd.DatetimeIndex(["2025-12-12", "2025-12-13", "2025-12-17", "2026-08-21", "2003-08-01"])
    got = u.fx_asof(days, fx, max_age_days=5)
    assert got.loc["2025-12-12", "usdcny"] == FX_1212
    assert got.loc["2025-12-13", "usdcny"] == FX_1212  # Saturday: Friday's rate, 1 day old
    assert got.loc["2025-12-13", "fx_age_days"] == 1
    expected = fx.loc[:"2025-12-17"].iloc[-1]
    assert got.loc["2025-12-17", "usdcny"] == expected
    # the bundled CNY=X ends in February 2026 and has a gap 2003-04-29..2003-12-01: no rate
    assert np.isnan(got.loc["2026-08-21", "usdcny"])
    assert np.isnan(got.loc["2003-08-01", "usdcny"])
    assert pd.isna(got.loc["2026-08-21", "fx_date"])
    assert got.attrs["fx"] == {"instrument": "FX.USDCNY", "max_age_days": 5}


def test_fx_asof_keeps_the_order_and_duplicates_of_dates():
    fx = raw("FX.USDCNY")
    days = pd.DatetimeIndex(["2025-12-12", "2025-12-08", "2025-12-12"])
    got = u.fx_asof(days, fx)
    assert got["usdcny"].tolist() == [FX_1212, fx.loc["2025-12-08"], FX_1212]


def test_fx_series_needs_rates():
    with pytest.raises(NoDataError, match="FX.USDCNY"):
        u.fx_series(metalwatch.frame.empty())
    with pytest.raises(NoDataError, match="FX.USDCNY"):
        u.fx_series(pd.DataFrame({"LME.CA.3M": [1.0]}, index=pd.DatetimeIndex(["2025-12-12"])))


def _one(iid: str, value: float, day: str = "2025-12-12") -> pd.DataFrame:
    wide = pd.DataFrame({iid: [value]}, index=pd.DatetimeIndex([day]))
    wide.attrs["units"] = {iid: metalwatch.registry.get(iid).unit}
    return wide


@pytest.mark.parametrize(
    ("iid", "to", "expected"),
    [
        # SHFE copper, VAT-inclusive CNY/t -> VAT-exclusive USD/t
        ("SHFE.CU", "USD/t", 94170 / 1.13 / FX_1212),
        # COMEX copper USD/lb -> USD/t
        ("COMEX.HG", "USD/t", 5.2835001945495605 * 1000 / 0.45359237),
        # SHFE gold CNY/g -> USD/oz, no VAT on exchange gold
        ("SHFE.AU", "USD/oz", 970.66 * 31.1034768 / FX_1212),
        # SHFE silver CNY/kg (VAT-inclusive) -> USD/oz
        ("SHFE.AG", "USD/oz", 14892 / 1.13 * 0.0311034768 / FX_1212),
        # LME copper USD/t -> CNY/t
        ("LME.CA.3M", "CNY/t", 11800 * FX_1212),
        # LBMA gold USD/oz -> CNY/g
        ("LBMA.AU.PM", "CNY/g", 4346.95 / 31.1034768 * FX_1212),
    ],
)
def test_convert_wide_prices(iid, to, expected):
    src = raw(iid, "fix" if iid.startswith("LBMA") else "close")
    wide = _one(iid, src.loc["2025-12-12"])
    got = u.convert_wide(wide, to, fx=raw("FX.USDCNY"))
    assert got.iloc[0, 0] == pytest.approx(expected, rel=1e-12)
    assert got.attrs["units"] == {iid: to}
    assert got.attrs["fx"]["values_without_rate"] == 0


def test_convert_keeps_vat_when_asked():
    got = u.convert_wide(_one("SHFE.CU", 94170.0), "USD/t", fx=raw("FX.USDCNY"), ex_vat=False)
    assert got.iloc[0, 0] == pytest.approx(94170 / FX_1212)
    assert got.attrs["vat_removed"] == {}


def test_convert_vat_follows_the_date():
    wide = _one("SHFE.CU", 50000.0, "2018-06-01")
    got = u.convert_wide(wide, "CNY/t")
    assert got.iloc[0, 0] == pytest.approx(50000 / 1.16)
    assert "SHFE.CU" in got.attrs["vat_removed"]


def test_convert_quantities():
    wide = _one("COMEX.HG.STOCK", 607344.0, "2026-04-27")
    got = u.convert_wide(wide, "t")
    assert got.iloc[0, 0] == pytest.approx(607344 * 0.90718474)
    assert got.attrs["fx"]["instrument"] is None  # no currency involved


def test_stale_rate_gives_nan_and_is_counted():
    got = u.convert_wide(_one("SHFE.CU", 100000.0, "2026-08-21"), "USD/t", fx=raw("FX.USDCNY"))
    assert np.isnan(got.iloc[0, 0])
    assert got.attrs["fx"]["values_without_rate"] == 1


def test_explicit_constant_rate_is_recorded():
    got = u.convert_wide(_one("LME.CA.3M", 10000.0), "CNY/t", fx=7.0)
    assert got.iloc[0, 0] == pytest.approx(70000.0)
    assert got.attrs["fx"]["instrument"] == "explicit constant"
    assert got.attrs["fx"]["usdcny"] == 7.0


def test_no_silent_conversions():
    with pytest.raises(InvalidInputError, match="needs a dated USD/CNY rate"):
        u.convert_wide(_one("LME.CA.3M", 10000.0), "CNY/t")
    with pytest.raises(InvalidInputError, match="price vs quantity"):
        u.convert_wide(_one("LME.CA.3M", 10000.0), "t")
    with pytest.raises(InvalidInputError, match="not a mass-based unit"):
        u.convert_wide(_one("ICE.DXY", 98.4), "USD/t")
    wide = _one("LME.CA.3M", 10000.0)
    wide.attrs = {}
    with pytest.raises(InvalidInputError, match="no unit"):
        u.convert_wide(wide, "USD/lb")
