"""Fuzz every source payload parser: damaged payloads end in a typed error or a clean frame.

Two levels, for every adapter of the catalog:

- the parse step: the real fixture, as ``fetch_raw`` returns it (akshare's frame, yfinance's
  frame, KOMIS's JSON), is damaged by hypothesis (cells overwritten with odd values, columns
  dropped, renamed or retyped, rows repeated or dropped, JSON nodes replaced or deleted) and
  fed through ``Fetcher.fetch`` (normalise, trim, melt);
- the wire: the fixture's bytes, damaged or replaced by arbitrary bytes, are replayed through
  the real akshare / yfinance function with ``responses``.

Either way the only exceptions allowed are :class:`~metalwatch.errors.MetalwatchError`
subclasses with a one-line message, and a frame that comes back must pass the canonical
validation (or fail it with a typed :class:`~metalwatch.errors.SchemaError`) and keep to the
queried instrument and window. Warnings are recorded, not raised: in a real run they are
printed, not fatal. ``METALWATCH_FUZZ_EXAMPLES`` scales the number of examples.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metalwatch import frame
from metalwatch.errors import MetalwatchError, SchemaError, SourceFormatError
from metalwatch.sources import catalog
from metalwatch.sources.base import REBASED_FIELDS, Fetched, Query
from tests.faults.fuzz import (
    damaged_bytes,
    damaged_frame,
    damaged_json,
    json_bytes,
    raw_payload,
)
from tests.faults.harness import reset_yfinance
from tests.sources.replay import Case, cases, fast_policy

CASES = {c.name: c for c in cases()}
SCALE = float(os.environ.get("METALWATCH_FUZZ_EXAMPLES", "1"))
FUZZ = settings(
    deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
)


def examples(n: int) -> settings:
    return settings(FUZZ, max_examples=max(1, int(n * SCALE)))


@pytest.fixture(scope="module", autouse=True)
def _yfinance_cache(tmp_path_factory) -> None:
    import yfinance as yf

    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yf-fuzz")))


def query(case: Case) -> tuple[Any, Query]:
    fetcher = catalog.adapter_class(case.key, case.function)()
    return fetcher, fetcher.build_query(
        case.instrument, case.symbol, pd.Timestamp(case.start), case.now
    )


def settle(case: Case, q: Query, call) -> None:
    """Run ``call`` (a fetch); it must end in a typed error or a clean, in-window frame."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            got = call()
        except MetalwatchError as exc:
            assert "\n" not in str(exc), str(exc)
            return
        assert isinstance(got, Fetched)
        try:
            df = frame.validate(got.frame, today=q.end)
        except SchemaError as exc:
            assert "\n" not in str(exc), str(exc)
            return
    if df.empty:
        return
    assert set(df["instrument"]) == {case.instrument}
    assert (df["date"] <= q.end).all()
    fetcher = catalog.adapter_class(case.key, case.function)
    windowed = ~df["field"].isin(REBASED_FIELDS)
    assert (df.loc[windowed, "date"] >= q.start).all()
    assert set(df["field"]) <= set(fetcher.fields)


# -- the parse step ----------------------------------------------------------------------------
def damage(raw: Any, data: st.DataObject) -> Any:
    """Damage a ``fetch_raw`` result of any adapter's shape."""
    if isinstance(raw, pd.DataFrame):
        return data.draw(damaged_frame(raw))
    if isinstance(raw, list):  # SHFE weekly: [(report day, frame), ...]
        return [(day, data.draw(damaged_frame(df))) for day, df in raw]
    if isinstance(raw, dict) and all(isinstance(v, pd.DataFrame) for v in raw.values()):
        return {k: data.draw(damaged_frame(v)) for k, v in raw.items()}  # A-shares
    return data.draw(damaged_json(raw))  # KOMIS: criterion, options and prices JSON


@pytest.mark.parametrize("name", list(CASES))
def test_parse_step_on_damaged_payloads(name: str) -> None:
    case = CASES[name]
    raw = raw_payload(case)

    @examples(60)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        fetcher, q = query(case)
        damaged = damage(raw, data)
        fetcher.fetch_raw = lambda _q: damaged  # type: ignore[method-assign]
        settle(case, q, lambda: fetcher.fetch(q, fast_policy()))

    run()


# -- the wire ----------------------------------------------------------------------------------
def _sina_json(raw: bytes) -> tuple[str, Any]:
    head, rest = raw.decode().split("=(", 1)
    return head, json.loads(rest.rsplit(");", 1)[0])


def wire_bodies(case: Case) -> st.SearchStrategy[bytes]:
    """Damaged versions of the case's wire body: bytes-level, and JSON-level where it parses."""
    raw = case.normal
    if raw.lstrip().startswith((b"/*", b"var")):  # Sina JSONP
        head, rows = _sina_json(raw)
        as_json = damaged_json(rows).map(
            lambda doc: f"{head}=({json.dumps(doc, ensure_ascii=False)});".encode()
        )
    else:
        as_json = damaged_json(json.loads(raw)).map(json_bytes)
    return st.one_of(damaged_bytes(raw), as_json, as_json)


@pytest.mark.parametrize("name", list(CASES))
def test_wire_bodies_through_the_real_library(name: str) -> None:
    import responses

    case = CASES[name]

    @examples(12 if case.key == "yfinance" else 25)
    @given(body=wire_bodies(case))
    def run(body: bytes) -> None:
        fetcher, q = query(case)
        reset_yfinance()
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            case.register(rsps, [body])
            settle(case, q, lambda: fetcher.fetch(q, fast_policy()))

    run()


# -- what the fuzzer found, pinned --------------------------------------------------------------
def _parse(name: str, raw: Any) -> Fetched:
    case = CASES[name]
    fetcher, q = query(case)
    fetcher.fetch_raw = lambda _q: raw  # type: ignore[method-assign]
    return fetcher.fetch(q, fast_policy())


def test_found_a_column_twice_is_a_format_error() -> None:
    raw = raw_payload(CASES["sina_lme"])
    raw = pd.concat([raw, raw[["close"]]], axis=1)  # a second "close" column
    with pytest.raises(SourceFormatError, match="column 'close' appears twice in the payload"):
        _parse("sina_lme", raw)


def test_found_infinite_values_are_left_out_and_counted() -> None:
    raw = raw_payload(CASES["sina_lme"]).astype({"close": object})
    raw.loc[raw["date"].astype(str) == "2025-12-10", "close"] = "1e400"
    got = _parse("sina_lme", raw)
    assert got.dropped["unreadable close values"] == 1
    closes = got.frame[got.frame["field"] == "close"]
    assert len(closes) == 9 and pd.Timestamp("2025-12-10") not in set(closes["date"])


def test_found_a_blank_row_name_keeps_the_shfe_weekly_message() -> None:
    [(day, df)] = raw_payload(CASES["shfe_weekly"])
    df = df.astype({"商品": object})
    df.loc[df["商品"] == "锡", "商品"] = None
    with pytest.raises(SourceFormatError, match="no row '锡' in the report of 2019-06-28"):
        _parse("shfe_weekly", [(day, df)])


# -- the adapters of issue 10 (own HTTP, or payload shapes outside the cases) -----------------
def _new_sources() -> dict[str, tuple[Any, Any]]:
    """name -> (case-like description, the fetch_raw result of the fixture)."""
    from types import SimpleNamespace

    from tests.sources.replay import FIX, NOW

    now = pd.Timestamp("2026-01-10 12:00", tz="UTC")
    cftc = json.loads((FIX / "cftc" / "kh3c-gbw2_088691.json").read_text())
    fred = (FIX / "fred" / "DFF.csv").read_text()
    page = pd.DataFrame(
        {
            "VARNAME": ["铜", "铜"],
            "REGNAME": ["上海", ""],
            "WHABBRNAME": ["某库", "总计"],
            "WRTWGHTS": [1000.0, 32563.0],
            "WRTCHANGE": [10.0, 1102.0],
            "ROWSTATUS": ["0", "2"],
        }
    )
    day = pd.Timestamp("2025-12-12")
    return {
        "fred": (
            SimpleNamespace(
                key="fred",
                function="",
                instrument="FRED.DFF",
                symbol="DFF",
                start="2025-12-01",
                now=NOW,
            ),
            fred,
        ),
        "cftc": (
            SimpleNamespace(
                key="cftc",
                function="",
                instrument="CFTC.GC.COMBINED",
                symbol="kh3c-gbw2:088691",
                start="2025-11-01",
                now=now,
            ),
            cftc,
        ),
        "shfe_receipt": (
            SimpleNamespace(
                key="akshare",
                function="futures_shfe_warehouse_receipt",
                instrument="SHFE.CU.WARRANT",
                symbol="铜",
                start="2025-12-12",
                now=NOW,
            ),
            [(day, {"铜": page})],
        ),
    }


NEW_SOURCES = _new_sources()


def _damage_new(name: str, raw: Any, data: st.DataObject) -> Any:
    if name == "fred":
        lines = raw.splitlines()
        edited = data.draw(
            st.lists(
                st.one_of(st.sampled_from(lines), st.text(max_size=40)), min_size=0, max_size=20
            )
        )
        return "\n".join(data.draw(st.sampled_from([lines[:1], []])) + edited)
    if name == "shfe_receipt":
        return [(d, {k: data.draw(damaged_frame(v)) for k, v in rep.items()}) for d, rep in raw]
    return data.draw(damaged_json(raw))


@pytest.mark.parametrize("name", list(NEW_SOURCES))
def test_new_parsers_on_damaged_payloads(name: str) -> None:
    case, raw = NEW_SOURCES[name]

    @examples(60)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        fetcher, q = query(case)
        damaged = _damage_new(name, raw, data)
        fetcher.fetch_raw = lambda _q: damaged  # type: ignore[method-assign]
        settle(case, q, lambda: fetcher.fetch(q, fast_policy()))

    run()
