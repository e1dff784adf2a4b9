"""Hypothesis strategies that damage real payloads: parsed frames, JSON documents and bytes.

The starting points are the replay fixtures (tests/fixtures), parsed the way each adapter
receives them (:func:`raw_payload` replays a fixture through the real akshare / yfinance call
once and keeps what ``fetch_raw`` returned). The strategies then drop, rename, retype,
duplicate and overwrite parts of them, or replace the body with arbitrary bytes.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pandas as pd
import responses
from hypothesis import strategies as st

from metalwatch.sources import catalog
from tests.faults.harness import reset_yfinance
from tests.sources.replay import Case, fast_policy

#: Cell values an upstream might send where a number or a date belongs.
ODD_TEXT = [
    "",
    "-",
    "--",
    "null",
    "None",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "0",
    "-1",
    "1,234.5",
    "１２３",
    "2025-13-45",
    "2025-12-08T00:00:00+08:00",
    "20251208",
    "12/08/2025",
    "0000-00-00",
    "9999-12-31",
    "1677-09-21",
    "<html>",
    "💥",
]

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=12),
    st.datetimes(
        min_value=pd.Timestamp("1600-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2300-01-01").to_pydatetime(),
    ),
)

json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=10),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


# -- frames ------------------------------------------------------------------------------------
FRAME_OPS = [
    "set_cell",
    "set_cell",
    "set_column",
    "drop_column",
    "rename_column",
    "repeat_row",
    "drop_rows",
    "reverse",
    "empty",
    "retype_column",
]


@st.composite
def damaged_frame(draw: st.DrawFn, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with up to four kinds of damage applied."""
    df = df.copy()
    for op in draw(st.lists(st.sampled_from(FRAME_OPS), min_size=1, max_size=4)):
        cols = list(df.columns)
        if op == "empty":
            df = df.iloc[0:0]
        elif not cols or df.empty:
            continue
        elif op == "set_cell":
            r = draw(st.integers(0, len(df) - 1))
            c = draw(st.sampled_from(cols))
            df = df.astype({c: object})
            df.iat[r, cols.index(c)] = draw(cells)
        elif op == "set_column":
            c = draw(st.sampled_from(cols))
            df[c] = pd.Series([draw(cells)] * len(df), index=df.index, dtype=object)
        elif op == "drop_column":
            df = df.drop(columns=draw(st.sampled_from(cols)))
        elif op == "rename_column":
            c = draw(st.sampled_from(cols))
            df = df.rename(columns={c: draw(st.sampled_from(["", "date", "close", "x", 0]))})
        elif op == "repeat_row":
            r = draw(st.integers(0, len(df) - 1))
            df = pd.concat([df, df.iloc[[r]]])
        elif op == "drop_rows":
            keep = draw(st.lists(st.booleans(), min_size=len(df), max_size=len(df)))
            df = df[np.array(keep, dtype=bool)]
        elif op == "reverse":
            df = df.iloc[::-1]
        elif op == "retype_column":
            c = draw(st.sampled_from(cols))
            df[c] = df[c].astype(str)
    return df


# -- JSON documents ----------------------------------------------------------------------------
def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:6]):  # the first rows are enough to reach every shape
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def damaged_json(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with one to three nodes replaced, deleted or duplicated."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            return draw(json_values)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[f"{key}_"] = copy.deepcopy(parent[key])
    return doc


# -- bytes -------------------------------------------------------------------------------------
@st.composite
def damaged_bytes(draw: st.DrawFn, raw: bytes) -> bytes:
    """``raw`` truncated, with bytes flipped or junk inserted; or arbitrary bytes."""
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "arbitrary"]))
    if kind == "arbitrary":
        return draw(st.binary(max_size=300))
    at = draw(st.integers(0, len(raw)))
    if kind == "truncate":
        return raw[:at]
    if kind == "flip":
        at = min(at, len(raw) - 1)
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    return raw[:at] + draw(st.binary(min_size=1, max_size=20)) + raw[at:]


def json_bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, allow_nan=False).encode()


# -- real payloads, as fetch_raw returns them ----------------------------------------------------
_RAW: dict[str, Any] = {}


def raw_payload(case: Case) -> Any:
    """What ``fetch_raw`` returns for ``case``'s normal fixture (replayed once, then kept)."""
    if case.name not in _RAW:
        fetcher = catalog.adapter_class(case.key, case.function)()
        q = fetcher.build_query(case.instrument, case.symbol, pd.Timestamp(case.start), case.now)
        reset_yfinance()
        from metalwatch.sources.request_guard import guard

        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            case.register(rsps, [case.normal])
            with guard(fast_policy(), raise_status=fetcher.raise_status):
                _RAW[case.name] = fetcher.fetch_raw(q)
    return _RAW[case.name]
