"""Licensed prices from a CSV or Excel sheet: layout, unit normalisation, errors, the CLI path."""

from __future__ import annotations

import pandas as pd
import pytest

from metalwatch.cli import main
from metalwatch.errors import InvalidInputError, UnitScaleError, UnknownInstrumentError
from metalwatch.ingest import update
from metalwatch.sources.file_prices import read_prices, unit_factor
from metalwatch.store import Store
from tests.sources.replay import FIX

SMM = FIX / "file_import" / "smm_2025-12.csv"


@pytest.mark.parametrize(
    ("unit", "registered", "factor"),
    [
        ("万元/吨", "CNY/t", 1e4),
        ("元/公斤", "CNY/t", 1e3),
        ("元/千克", "CNY/t", 1e3),
        ("元/吨", "CNY/t", 1.0),
        ("CNY/kg", "CNY/t", 1e3),
        ("元/克", "CNY/kg", 1e3),
        ("USD/lb", "USD/t", 2204.62262185),
        (" rmb / T ", "CNY/t", 1.0),
    ],
)
def test_unit_factors(unit: str, registered: str, factor: float) -> None:
    assert unit_factor(unit, registered) == pytest.approx(factor)


def test_units_are_normalised_to_cny_per_tonne() -> None:
    df = read_prices(SMM)
    wide = df.pivot_table(index=["instrument", "date"], columns="field", values="value")
    dec11 = wide.xs(pd.Timestamp("2025-12-11"), level="date")
    assert dec11.loc["CN.PRND_OXIDE"].to_dict() == {"high": 580000, "low": 577000, "mid": 578500}
    assert dec11.loc["CN.DY_OXIDE", "mid"] == 1380000  # 1,360-1,400 CNY/kg
    assert dec11.loc["CN.TB_OXIDE", "mid"] == 6315000
    assert set(df["unit"]) == {"CNY/t"} and set(df["source"]) == {"file:SMM"}


def test_excel_with_english_headers_and_a_single_price(tmp_path) -> None:
    path = tmp_path / "desk.xlsx"
    pd.DataFrame(
        {
            "Date": [pd.Timestamp("2025-12-11")],
            "Product": ["PrNd oxide"],
            "Price": ["578,500"],
            "Unit": ["CNY/t"],
        }
    ).to_excel(path, index=False)
    df = read_prices(path)
    assert df[["instrument", "field", "value", "source"]].values.tolist() == [
        ["CN.PRND_OXIDE", "mid", 578500.0, "file:desk.xlsx"]
    ]


def test_every_bad_row_is_listed(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,instrument,price,unit\n"
        "2025-12-11,氧化镨钕,57.8,万元/斤\n"
        "2025-12-11,氧化钬,100,元/吨\n"
        "2025-12-11,CN.TB_OXIDE,800,USD/kg\n"
        "not-a-date,氧化铽,6300000,元/吨\n"
        "2025-12-11,氧化镝,,元/吨\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as err:
        read_prices(path)
    msg = str(err.value)
    for bit in (
        "line 2: unit '万元/斤' not understood",
        "line 3: product '氧化钬'",
        "line 4: unit 'USD/kg' is in USD",
        "line 5: date 'not-a-date'",
        "line 6: no price, and no low/high pair",
    ):
        assert bit in msg, bit
    with pytest.raises(UnknownInstrumentError):
        from metalwatch.sources.file_prices import _instrument

        _instrument("no such thing")


def test_missing_columns(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,price\n2025-12-11,1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="lacks column"):
        read_prices(path)


def test_cli_loads_a_file_and_logs_each_series(store_path, capsys) -> None:
    assert main(["--store", str(store_path), "update", "--from-file", str(SMM), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "CN.PRND_OXIDE" in out  # the source column shows from 120 columns (the log has it)
    with Store(store_path) as st:
        log = st.last_fetches().set_index("instrument")
        mid = st.read(["CN.TB_OXIDE"], fields=["mid"], start="2025-12-11", end="2025-12-11")
    assert log.loc["CN.TB_OXIDE", "source"] == "file:SMM"
    assert log.loc["CN.TB_OXIDE", "status"] == "ok"
    assert mid["value"].iloc[0] == 6315000


def test_a_unit_slip_in_a_sheet_is_caught(store_path, tmp_path) -> None:
    path = tmp_path / "slip.csv"  # 万元/吨 figures labelled 元/吨: 10,000x too small
    path.write_text("日期,品种,价格,单位\n2025-12-12,氧化镨钕,57.8,元/吨\n", encoding="utf-8")
    report = update(store=store_path, files=[path])
    [out] = report.outcomes
    assert out.status == "failed" and isinstance(out.error, UnitScaleError)
    assert (out.error.series, out.error.source, out.error.field) == (
        "CN.PRND_OXIDE",
        "file:slip.csv",
        "mid",
    )
    assert out.error.ratio == pytest.approx(57.8 / 578_500)
    assert out.message.startswith("file:slip.csv CN.PRND_OXIDE: mid 2025-12-12 value 57.8 is ")
    with Store(store_path) as st:
        assert st.read(["CN.PRND_OXIDE"], start="2025-12-12", end="2025-12-12").empty
