"""``mw.curve`` and ``metalwatch curve`` on replayed exchange reports; expiry rules; the M1-M3
spread and its weekly change worked by hand (tests/fixtures/futures_curve/PROVENANCE.md)."""

from __future__ import annotations

import pandas as pd
import pytest
import responses

import metalwatch as mw
from metalwatch import contracts, frame, registry
from metalwatch.analytics.curves import m1_m3, spread_series, weekly_spread_change
from metalwatch.cli import main
from metalwatch.errors import InvalidInputError, NoDataError
from metalwatch.ingest import update
from metalwatch.sources.futures_calendar import trading_days
from tests.sources.replay import fast_policy
from tests.sources.test_futures_curve import CU_1212, NOW, exchanges

#: cu2512..cu2611 last trading days by SHFE's rule (the 15th, else the next trading day):
#: 2026-02-15 is a Sunday in the Spring Festival closure (02-16..02-23), so 02-24.
EXPIRY = {
    "2512": ("2025-12-15", 3), "2601": ("2026-01-15", 34), "2602": ("2026-02-24", 74),
    "2603": ("2026-03-16", 94), "2604": ("2026-04-15", 124), "2605": ("2026-05-15", 154),
    "2606": ("2026-06-15", 185), "2607": ("2026-07-15", 215), "2608": ("2026-08-17", 248),
    "2609": ("2026-09-15", 277), "2610": ("2026-10-15", 307), "2611": ("2026-11-16", 339),
}  # fmt: skip


@pytest.fixture
def curve_store(store_path):
    """The seeded store after ``metalwatch update`` of the SHFE copper and GFEX lithium curves
    from the reports of 2025-12-05 and 2025-12-12."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        exchanges(rsps)
        report = update(
            ["SHFE.CU.CURVE", "GFEX.LC.CURVE"],
            since="2025-12-05",
            store=store_path,
            policy=fast_policy(),
            now=NOW,
        )
    assert not report.failed
    return store_path


def test_curve_is_the_days_settlements_by_expiry(curve_store) -> None:
    cv = mw.curve("SHFE.CU", date="2025-12-12", store=curve_store)
    assert list(cv.columns) == ["contract", "expiry", "settle", "days_to_expiry"]
    assert list(cv["contract"]) == [f"SHFE.CU.{m}" for m in CU_1212]
    assert list(cv["settle"]) == [float(v) for v in CU_1212.values()]
    assert [f"{e:%Y-%m-%d}" for e in cv["expiry"]] == [e for e, _ in EXPIRY.values()]
    assert list(cv["days_to_expiry"]) == [d for _, d in EXPIRY.values()]
    assert cv.attrs["unit"] == "CNY/t" and cv.attrs["estimated"] == []
    px = mw.prices(["SHFE.CU.2601", "SHFE.CU"], start="2025-12-05", store=curve_store)
    assert px.loc["2025-12-12", "SHFE.CU.2601"] == 93640  # a contract reads like any series
    assert px.attrs["units"] == {"SHFE.CU.2601": "CNY/t", "SHFE.CU": "CNY/t"}
    latest = mw.curve("SHFE.CU.CURVE", store=curve_store)  # default: the latest day held
    assert latest.attrs["date"] == pd.Timestamp("2025-12-12")
    assert latest.equals(cv)


def test_lithium_expiry_is_the_fifth_trading_day(curve_store) -> None:
    cv = mw.curve("GFEX.LC", date="2025-12-05", store=curve_store)
    first = cv.iloc[0]
    # December 2025: 1, 2, 3, 4, 5 -> lc2512's last day is the report's own day
    assert (first["contract"], first["expiry"], first["days_to_expiry"]) == (
        "GFEX.LC.2512",
        pd.Timestamp("2025-12-05"),
        0,
    )
    # January 2026: the 1st and 2nd are New Year holidays: 5, 6, 7, 8, 9
    assert cv.set_index("contract").loc["GFEX.LC.2601", "expiry"] == pd.Timestamp("2026-01-09")


def test_curve_errors(curve_store, store_path) -> None:
    with pytest.raises(
        NoDataError,
        match="^no SHFE.CU contracts stored on 2025-12-13; the last day held is 2025-12-12$",
    ):
        mw.curve("SHFE.CU", date="2025-12-13", store=curve_store)
    with pytest.raises(
        InvalidInputError, match="^no futures curve for 'SHFE.AO' \\(curves: SHFE.CU"
    ):
        mw.curve("SHFE.AO", store=curve_store)
    with pytest.raises(NoDataError, match="metalwatch update SHFE.AL.CURVE fetches them"):
        mw.curve("SHFE.AL", store=curve_store)


def test_cli_prints_the_curve_and_its_m1_m3(curve_store, capsys) -> None:
    code = main(["--store", str(curve_store), "curve", "SHFE.CU", "--date", "2025-12-12"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "SHFE.CU futures curve, 2025-12-12 (settlement, CNY/t)" in out
    lines = [" ".join(ln.replace("│", " ").split()) for ln in out.splitlines()]
    assert "CU2512 2025-12-15 93,580 3" in lines
    assert "CU2602 2026-02-24 93,700 74" in lines
    assert "CU2611 2026-11-16 93,820 339" in lines
    assert "M1-M3 (CU2512-CU2602): -120 CNY/t (-0.13 % of M1), contango" in lines
    assert main(["--store", str(curve_store), "curve", "SHFE.ZZ"]) == 2
    assert capsys.readouterr().err.startswith("metalwatch: error: no futures curve for 'SHFE.ZZ'")


def test_contract_ids_are_derived_from_their_root() -> None:
    inst = registry.get("SHFE.AU.2602")
    assert (inst.unit, inst.currency, inst.field, inst.calendar) == (
        "CNY/g",
        "CNY",
        "settle",
        "SHFE",
    )
    assert inst.name_en == "SHFE gold futures 2602" and inst.name_zh == "沪金2602"
    assert contracts.parse("SHFE.AU.2613") is None  # no 13th month
    with pytest.raises(mw.UnknownInstrumentError):
        registry.get("SHFE.AO.2601")  # alumina: no curve tracked
    with pytest.raises(InvalidInputError, match="not a contract id"):
        contracts.expiry("SHFE.CU", trading_days())
    day, estimated = contracts.expiry("SHFE.CU.2701", trading_days())  # past akshare's calendar
    assert (day, estimated) == (pd.Timestamp("2027-01-15"), True)


# -- M1-M3 by hand ------------------------------------------------------------------------------
def rows(settles: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Canonical settle rows: {date: {yymm: settle}} of SHFE copper."""
    out = [
        {"instrument": f"SHFE.CU.{m}", "field": "settle", "date": d, "value": v,
         "unit": "CNY/t", "currency": "CNY", "source": "test"}
        for d, day in settles.items()
        for m, v in day.items()
    ]  # fmt: skip
    return frame.validate(pd.DataFrame(out))


def test_m1_m3_and_its_week_from_the_replayed_reports(curve_store) -> None:
    stored = mw.series([f"SHFE.CU.{m}" for m in CU_1212], fields=["settle"], store=curve_store)
    s = m1_m3(stored, pd.Timestamp("2025-12-12"))
    assert (s.front, s.third, s.m1, s.m3) == ("SHFE.CU.2512", "SHFE.CU.2602", 93580, 93700)
    assert s.spread == -120 and s.structure == "contango"
    assert s.pct_of_m1 == pytest.approx(-120 / 93580 * 100)  # -0.12823...
    change = weekly_spread_change(stored, pd.Timestamp("2025-12-12"), root="SHFE.CU", unit="CNY/t")
    assert change.before.spread == 91520 - 91620  # -100 on 2025-12-05, same contracts
    assert change.change == -20
    assert change.sentence() == (
        "SHFE.CU: contango (CU2512-CU2602) widened by 20 CNY/t to 120 CNY/t (0.13 % of M1)."
    )


def test_a_roll_is_named_and_the_same_contracts_are_compared() -> None:
    df = rows(
        {
            "2025-12-12": {"2512": 100.0, "2601": 103.0, "2602": 104.0, "2603": 106.0},
            "2025-12-19": {"2601": 110.0, "2602": 109.0, "2603": 107.0},  # 2512 expired
        }
    )
    change = weekly_spread_change(df, pd.Timestamp("2025-12-19"), root="SHFE.CU", unit="CNY/t")
    assert (change.now.front, change.now.third) == ("SHFE.CU.2601", "SHFE.CU.2603")
    assert change.before.spread == 103 - 106 and change.now.spread == 110 - 107
    assert change.rolled_from == ("SHFE.CU.2512", "SHFE.CU.2602")
    assert change.sentence() == (
        "SHFE.CU: CU2601-CU2603 turned from contango to backwardation to 3 CNY/t (2.73 % of M1); "
        "a week earlier M1-M3 was CU2512-CU2602, the same contracts are compared."
    )
    series = spread_series(df)
    assert list(series["front"]) == ["SHFE.CU.2512", "SHFE.CU.2601"]
    assert list(series["spread"]) == [100 - 104, 110 - 107]
    assert list(series["structure"]) == ["contango", "backwardation"]


def test_no_like_for_like_week_is_said_not_guessed() -> None:
    df = rows(
        {
            "2025-12-12": {"2601": 100.0, "2602": 101.0},
            "2025-12-19": {"2601": 100.0, "2602": 101.0, "2603": 99.0},
        }
    )
    change = weekly_spread_change(df, pd.Timestamp("2025-12-19"), root="SHFE.CU", unit="CNY/t")
    assert change.before is None and pd.isna(change.change)
    assert change.sentence().endswith(
        "no settlement of both contracts a week earlier to compare with."
    )
    assert (
        weekly_spread_change(df, pd.Timestamp("2025-12-12"), root="SHFE.CU", unit="CNY/t") is None
    )
