"""Canonical frame: dtypes, validation (vectorised), wide view."""

from __future__ import annotations

import pandas as pd
import pytest

import metalwatch as mw
from metalwatch import frame, registry
from metalwatch.errors import SchemaError, UnknownInstrumentError


def good() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instrument": ["SHFE.CU", "SHFE.CU", "LME.CA.STOCK"],
            "field": ["close", "close", "stock"],
            "date": ["2025-12-11", "2025-12-12", "2025-12-12"],
            "value": [92310, 94170, 0],
            "unit": ["CNY/t", "CNY/t", "t"],
            "currency": ["CNY", "CNY", ""],
            "source": "test",
        }
    )


def test_validate_coerces_dtypes():
    df = frame.validate(good())
    assert list(df.columns) == list(frame.COLUMNS)
    assert str(df["date"].dtype) == "datetime64[ns]"
    assert df["value"].dtype == "float64"
    assert df["currency"].isna().tolist() == [False, False, True]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"instrument": ["XX.CU", "SHFE.CU", "SHFE.CU"]}, "unregistered instrument"),
        ({"field": ["close", "close", "bogus"]}, "unknown field"),
        ({"date": ["2025-12-12", "2025-12-12", "2025-12-12"]}, "duplicate date 2025-12-12"),
        ({"value": [92310, float("nan"), 1]}, "missing value on 2025-12-12"),
        ({"value": [0, 94170, 1]}, "non-positive value 0 on 2025-12-11"),
        ({"date": ["2025-12-11", "2099-01-01", "2025-12-12"]}, "future date 2099-01-01"),
        ({"date": ["2025-12-11", "2999-01-01", "2025-12-12"]}, "date column: Out of bounds"),
        ({"date": ["2025-12-11", "12/40/2025", "2025-12-12"]}, "date column"),
        ({"value": [1, "n/a", 2]}, "value column"),
    ],
)
def test_validate_rejects(change, message):
    with pytest.raises(SchemaError, match=message):
        frame.validate(good().assign(**change))


def test_stock_may_be_zero_but_not_negative():
    frame.validate(good())
    with pytest.raises(SchemaError, match="negative value -5"):
        frame.validate(good().assign(value=[92310, 94170, -5]))


def _one(
    instrument: str, field: str, value: float, unit: str, currency: str | None
) -> pd.DataFrame:
    row = {
        "instrument": instrument,
        "field": field,
        "date": "2025-12-12",
        "value": value,
        "unit": unit,
        "currency": currency,
        "source": "test",
    }
    return pd.DataFrame([row])


def test_signs_follow_what_a_value_is():
    """Real yields and net positions go negative; long positions and prices never do."""
    frame.validate(_one("FRED.DFII10", "close", -1.06, "percent", None))  # 2020-12-31
    frame.validate(_one("CFTC.SI.FUT", "mm_net", -8000, "contracts", None))
    frame.validate(_one("CFTC.SI.COMBINED", "other_short", 0, "contracts", None))
    with pytest.raises(SchemaError, match="CFTC.GC.FUT mm_long: negative value -1 on 2025-12-12"):
        frame.validate(_one("CFTC.GC.FUT", "mm_long", -1, "contracts", None))
    with pytest.raises(SchemaError, match="SHFE.CU close: non-positive value -1 on 2025-12-12"):
        frame.validate(_one("SHFE.CU", "close", -1, "CNY/t", "CNY"))


def test_missing_column():
    with pytest.raises(SchemaError, match="lacks canonical column.*source"):
        frame.coerce(good().drop(columns="source"))


def test_registry_entries():
    gc = registry.get("COMEX.GC")
    assert (gc.unit, gc.currency, gc.field, gc.venue) == ("USD/oz", "USD", "close", "COMEX")
    assert registry.get("COMEX.HG").unit == "USD/lb"
    assert registry.get("SHFE.AU").unit == "CNY/g"
    assert registry.get("COMEX.HG.STOCK").unit == "short t"
    reg = mw.instruments()
    assert reg.loc["LME.CA.3M", "name_zh"] == "伦铜三个月"
    assert {"SSE.601899", "CN.PRND_OXIDE", "FX.USDCNY", "ICE.DXY"} <= set(reg.index)


def test_unknown_instrument_suggests():
    with pytest.raises(UnknownInstrumentError, match=r"unknown instrument 'COMEX\.G'.*COMEX\.GC"):
        registry.get("COMEX.G")
    with pytest.raises(UnknownInstrumentError, match="unknown instrument 'NOPE.X'"):
        mw.series("NOPE.X")


def test_prices_wide_and_series_tidy(store):
    px = mw.prices(["COMEX.GC", "SHFE.CU"], start="2025-12-08", end="2025-12-12", store=store)
    assert list(px.columns) == ["COMEX.GC", "SHFE.CU"]
    assert isinstance(px.index, pd.DatetimeIndex)
    assert px.loc["2025-12-12", "COMEX.GC"] == pytest.approx(4300.1)
    assert px.loc["2025-12-12", "SHFE.CU"] == 94170
    assert px.attrs["units"] == {"COMEX.GC": "USD/oz", "SHFE.CU": "CNY/t"}
    tidy = mw.series("LME.CA.3M", start="2025-12-12", end="2025-12-12", store=store)
    assert tidy[["field", "value", "unit", "currency"]].values.tolist() == [
        ["close", 11800.0, "USD/t", "USD"]
    ]


def test_prices_do_not_forward_fill_holidays(store):
    px = mw.prices(["SHFE.CU", "LME.CA.3M"], start="2025-10-01", end="2025-10-08", store=store)
    assert px["SHFE.CU"].isna().all()  # SHFE closed for National Day
    assert px["LME.CA.3M"].notna().sum() == 6


def test_wide_units_are_shared_read_only_labels():
    import copy
    import pickle

    from metalwatch.frame import ColumnLabels

    rows = pd.DataFrame(
        {
            "instrument": ["COMEX.GC", "SHFE.CU"],
            "field": ["close", "close"],
            "date": pd.to_datetime(["2025-12-12", "2025-12-12"]),
            "value": [4300.0, 94170.0],
            "unit": ["USD/oz", "CNY/t"],
            "currency": ["USD", "CNY"],
            "source": ["test", "test"],
        }
    )
    wide = frame.to_wide(frame.coerce(rows))
    units = wide.attrs["units"]
    assert isinstance(units, ColumnLabels) and units == {"COMEX.GC": "USD/oz", "SHFE.CU": "CNY/t"}
    # a derived frame shares the map (pandas deep-copies attrs on every operation)
    assert wide["COMEX.GC"].attrs["units"] is units and copy.deepcopy(units) is units
    back = pickle.loads(pickle.dumps(wide))
    assert type(back.attrs["units"]) is ColumnLabels and back.attrs["units"] == units
    with pytest.raises(TypeError, match="column labels are read-only"):
        units["COMEX.GC"] = "t"
    with pytest.raises(TypeError, match="column labels are read-only"):
        units.update({"X": "t"})
    assert dict(units) | {"X": "t"} == {"COMEX.GC": "USD/oz", "SHFE.CU": "CNY/t", "X": "t"}
