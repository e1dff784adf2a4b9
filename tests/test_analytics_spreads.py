"""Spreads and arbitrage, each checked against a hand computation from the raw bundled files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import metalwatch
from metalwatch.analytics import spread_catalogue as catalogue
from metalwatch.analytics import spreads as sp
from metalwatch.errors import InvalidInputError, NoDataError
from tests.snapshot_data import FX_1212, loaded, raw, rows
from tests.snapshot_data import WEEK as DAY


@pytest.fixture(scope="module")
def tidy() -> pd.DataFrame:
    return loaded([*catalogue.LEGS, "SHFE.AG"])


@pytest.fixture(scope="module")
def data(tidy) -> pd.DataFrame:
    """The same, pivoted once: every function takes a tidy or a wide frame."""
    return metalwatch.frame.to_wide(tidy)


@pytest.mark.parametrize(
    ("code", "shfe", "lme"),
    [("CU", 94170.0, 11800.0), ("AL", 22170.0, 2876.0), ("SN", 333000.0, 41850.0)],
)
def test_shfe_lme_ratio(data, code, shfe, lme):
    got = sp.shfe_lme_ratio(data, code).loc[DAY]
    assert got["ratio"] == pytest.approx(shfe / (lme * FX_1212), rel=1e-12)
    assert got["usdcny"] == FX_1212
    assert got["fx_date"] == DAY
    assert got["parity"] == pytest.approx(1.13 * (1.03 if code == "SN" else 1.0))


def test_shfe_lme_ratio_on_the_cash_leg(data):
    got = sp.shfe_lme_ratio(data, "CU", tenor="CASH").loc[DAY, "ratio"]
    assert got == pytest.approx(94170 / (11816 * FX_1212))


def test_legs_join_on_the_same_day_without_filling(data):
    ratio = sp.shfe_lme_ratio(data, "CU")
    # 2025-08-25 is a UK bank holiday: SHFE traded, LME did not
    assert pd.Timestamp("2025-08-25") in raw("SHFE.CU").index
    assert pd.Timestamp("2025-08-25") not in ratio.index
    assert pd.Timestamp("2025-08-26") in ratio.index


def test_import_pl_defaults(data):
    got = sp.import_pl(data, "CU").loc[DAY]
    cost = 11800 * FX_1212 * 1.13
    assert got["cost"] == pytest.approx(cost, rel=1e-12)
    assert got["pl"] == pytest.approx(94170 - cost, rel=1e-12)
    assert got["open"]  # +60 CNY/t


def test_import_pl_every_term_is_a_parameter(data):
    got = sp.import_pl(
        data, "CU", tenor="CASH", vat=0.1, duty=0.02, premium_usd=100, fees_cny=150
    ).loc[DAY]
    cost = (11816 + 100) * FX_1212 * 1.02 * 1.1 + 150
    assert got["pl"] == pytest.approx(94170 - cost, rel=1e-12)
    assert not got["open"]


def test_import_pl_uses_dated_vat_and_duty(data):
    al = sp.import_pl(data, "AL")
    day = pd.Timestamp("2024-12-13")  # aluminium duty 5 % until 2024, VAT 13 %
    fx = raw("FX.USDCNY").loc[day]
    expected = raw("SHFE.AL").loc[day] - raw("LME.AH.3M").loc[day] * fx * 1.05 * 1.13
    assert al.loc[day, "pl"] == pytest.approx(expected, rel=1e-12)
    assert al.loc[pd.Timestamp("2025-12-12"), "duty"] == 0.0
    cu = sp.import_pl(data, "CU")
    day = pd.Timestamp("2018-06-01")  # VAT 16 %
    fx = raw("FX.USDCNY").loc[:day].iloc[-1]
    expected = raw("SHFE.CU").loc[day] - raw("LME.CA.3M").loc[day] * fx * 1.16
    assert cu.loc[day, "pl"] == pytest.approx(expected, rel=1e-12)
    sn = sp.import_pl(data, "SN").loc[DAY]
    assert sn["pl"] == pytest.approx(333000 - 41850 * FX_1212 * 1.03 * 1.13, rel=1e-12)
    assert not sn["open"]


@pytest.mark.parametrize(
    ("code", "effective", "vat", "before", "after"),
    [("AL", "2025-01-01", 0.13, 0.05, 0.0), ("CU", "2008-01-01", 0.17, 0.02, 0.0)],
)
def test_duty_changes_on_its_effective_date(code, effective, vat, before, after):
    """Every duty change falls on 1 January, when no exchange trades: legs built by hand."""
    m = sp.METALS[code]
    days = [f"{pd.Timestamp(effective) - pd.Timedelta(days=1):%Y-%m-%d}", effective]
    data = pd.concat(
        [
            rows(m.shfe, days, [20000.0, 20000.0]),
            rows(m.lme_3m, days, [2500.0, 2500.0]),
            rows("FX.USDCNY", days, [7.0, 7.0]),
        ]
    )
    pl = sp.import_pl(data, code)
    assert pl["duty"].tolist() == [before, after]
    assert pl["vat"].tolist() == [vat, vat]
    expected = [20000 - 2500 * 7.0 * (1 + d) * (1 + vat) for d in (before, after)]
    assert pl["pl"].to_numpy() == pytest.approx(expected, rel=1e-12)
    parity = sp.shfe_lme_ratio(data, code)["parity"]
    assert parity.to_numpy() == pytest.approx([(1 + vat) * (1 + before), 1 + vat], rel=1e-12)


def test_import_pl_without_a_fresh_rate_is_missing_not_guessed(data):
    late = sp.import_pl(data, "CU").loc[pd.Timestamp("2026-08-21")]  # CNY=X ends 2026-02
    assert np.isnan(late["usdcny"]) and np.isnan(late["pl"])
    assert pd.isna(late["open"])
    loose = sp.import_pl(data, "CU", max_fx_age_days=400).loc[pd.Timestamp("2026-08-21")]
    assert loose["fx_date"] == raw("FX.USDCNY").index[-1]


def test_gold_silver_ratio(data):
    got = sp.gold_silver_ratio(data).loc[DAY]
    assert got["ratio"] == pytest.approx(4300.1 / 61.36, rel=1e-12)


def test_gold_silver_ratio_in_shanghai_strips_silver_vat(data):
    got = sp.gold_silver_ratio(data, "SHFE.AU", "SHFE.AG").loc[DAY]
    gold_cny_oz = 970.66 * 31.1034768
    silver_cny_oz = 14892 / 1.13 * 0.0311034768
    assert got["ratio"] == pytest.approx(gold_cny_oz / silver_cny_oz, rel=1e-12)
    with pytest.raises(InvalidInputError, match="different currencies"):
        sp.gold_silver_ratio(data, "SHFE.AU", "COMEX.SI")


@pytest.mark.parametrize(("london", "price"), [("LBMA.AU.PM", 4346.95), ("COMEX.GC", 4300.1)])
def test_gold_premium(data, london, price):
    got = sp.gold_premium(data, london=london).loc[DAY]
    shanghai_usd = 970.66 / FX_1212 * 31.1034768
    assert got["shanghai_usd"] == pytest.approx(shanghai_usd, rel=1e-12)
    assert got["premium"] == pytest.approx(shanghai_usd - price, rel=1e-12)
    assert got["premium_pct"] == pytest.approx((shanghai_usd / price - 1) * 100, rel=1e-10)


def test_cash_3m(data):
    cu = sp.cash_3m(data, "CU").loc[DAY]
    assert (cu["spread"], cu["structure"]) == (11816.0 - 11800.0, "backwardation")
    al = sp.cash_3m(data, "AL").loc[DAY]
    assert (al["spread"], al["structure"]) == (2845.5 - 2876.0, "contango")


def test_all_spreads_headlines_and_units(data):
    wide = catalogue.all_spreads(data)
    assert list(wide.columns) == list(catalogue.SPREADS)
    assert isinstance(wide.index, pd.DatetimeIndex)
    assert wide.attrs["units"]["CU.IMPORT"] == "CNY/t"
    assert wide.attrs["units"]["AU.SH-LDN"] == "USD/oz"
    assert wide.loc[DAY, "CU.SHFE/LME"] == pytest.approx(94170 / (11800 * FX_1212))
    assert wide.loc[DAY, "AU/AG"] == pytest.approx(4300.1 / 61.36)
    assert wide.loc[DAY, "SN.CASH-3M"] == 41905.0 - 41850.0
    prem = catalogue.all_spreads(data, ["CU.IMPORT"], premium_usd=100.0)
    assert prem.loc[DAY, "CU.IMPORT"] == pytest.approx(94170 - 11900 * FX_1212 * 1.13)


def test_tidy_and_wide_inputs_agree(tidy, data):
    pd.testing.assert_frame_equal(sp.import_pl(tidy, "SN"), sp.import_pl(data, "SN"))


def test_all_spreads_skips_what_it_cannot_compute(tidy, data):
    no_lbma = tidy[tidy["instrument"] != "LBMA.AU.PM"]
    wide = catalogue.all_spreads(no_lbma)
    assert "AU.SH-LDN" not in wide.columns
    assert "LBMA.AU.PM" in wide.attrs["skipped"]["AU.SH-LDN"]
    with pytest.raises(InvalidInputError, match="unknown spread"):
        catalogue.all_spreads(data, ["CU.NOPE"])


def test_bad_arguments(tidy, data):
    with pytest.raises(InvalidInputError, match="unknown metal"):
        sp.import_pl(data, "ZN")
    with pytest.raises(InvalidInputError, match="tenor"):
        sp.shfe_lme_ratio(data, "CU", tenor="15M")
    with pytest.raises(NoDataError, match="FX.USDCNY"):
        sp.import_pl(tidy[tidy["instrument"] != "FX.USDCNY"], "CU")
    with pytest.raises(NoDataError, match="FX.USDCNY"):
        sp.import_pl(data.drop(columns="FX.USDCNY"), "CU")
