"""Property tests: hostile analyst files and CSV imports never raise anything but our errors."""

from __future__ import annotations

import re
import string
import time
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from metalwatch.errors import MetalwatchError
from metalwatch.reporting import yaml_bounds
from metalwatch.reporting.analyst import TOP_KEYS, AnalystInput, load_analyst
from metalwatch.store.transfer import read_canonical_csv

keys = st.sampled_from([*TOP_KEYS, "ratng", "en", "zh", "status", "mode", "gold", "precious"])
scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.sampled_from(["SSE.600547", "LME.CA.3M", "replace", "red-up"]),
)
yamlish = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=st.dictionaries(keys, yamlish, max_size=6))
def test_structured_analyst_files(tmp_path: Path, doc: dict[str, object]) -> None:
    import yaml

    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        load_analyst(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=string.printable + "：稀土—", max_size=200))
def test_arbitrary_analyst_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_analyst(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc)


TOKENS = [
    "LME.CA.3M",
    "COMEX.HG",
    "NOPE",
    "close",
    "stock",
    "USD/t",
    "USD/lb",
    "2025-12-12",
    "2099-01-01",
    "1e308",
    "-1",
    "nan",
    "",
]
cells = st.one_of(st.sampled_from(TOKENS), st.text(alphabet=string.printable, max_size=8))
header = st.sampled_from(
    [
        "instrument,field,date,value",
        "instrument,field,date,value,unit",
        "instrument,date,value",
        "a,b,c,d",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(head=header, rows=st.lists(st.lists(cells, min_size=3, max_size=6), max_size=6))
def test_csv_import_parser(tmp_path: Path, head: str, rows: list[list[str]]) -> None:
    path = tmp_path / "x.csv"
    path.write_text(head + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
    try:
        read_canonical_csv(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc)


# -- hostile YAML: aliases, depth and size (issue 12 item 3) ---------------------------------
# The structured fuzzer above goes through yaml.safe_dump with at most 12 leaves, so it never
# wrote an alias, a deep nest or a long text. This one writes YAML text itself: anchors
# (registered before their children, so an alias may name an ancestor), fans of aliases,
# nests up to 60 deep and texts up to 30,000 characters.

ANALYST_WORDS = [
    *TOP_KEYS,
    "en",
    "zh",
    "status",
    "mode",
    "gold",
    "precious",
    "SSE.600547",
    "replace",
    "red-up",
    "null",
    "true",
    "''",
]


@st.composite
def hostile_yaml(draw: st.DrawFn) -> str:
    anchors: list[str] = []

    def value(depth: int) -> str:
        anchor = ""
        if anchors and draw(st.integers(0, 4)) == 0:
            return "*" + draw(st.sampled_from(anchors))
        if draw(st.integers(0, 3)) == 0:
            anchor = f"&a{len(anchors)} "
            anchors.append(f"a{len(anchors)}")
        kind = draw(st.sampled_from([0, 1, 1, 2, 2, 3, 4, 5] if depth < 5 else [0, 1]))
        if kind == 0:
            text = draw(st.sampled_from(ANALYST_WORDS))
        elif kind == 1:
            text = "x" * draw(st.sampled_from([1, 100, 15_000, 19_999, 20_001, 30_000]))
        elif kind == 2 and anchors:
            fan = draw(st.sampled_from([2, 25, 50, 101, 300]))
            text = "[" + ", ".join(["*" + draw(st.sampled_from(anchors))] * fan) + "]"
        elif kind == 3:
            wrap = draw(st.sampled_from([1, 2, 9, 11, 60]))
            text = "[" * wrap + value(depth + 1) + "]" * wrap
        elif kind == 4:
            text = "[" + ", ".join(value(depth + 1) for _ in range(draw(st.integers(0, 4)))) + "]"
        else:
            keys = draw(st.lists(st.sampled_from(ANALYST_WORDS), max_size=4, unique=True))
            text = "{" + ", ".join(f"{k}: {value(depth + 1)}" for k in keys) + "}"
        return anchor + text

    prelude = ""
    if draw(st.booleans()):  # a billion-laughs chain: each level a fan of aliases to the last
        size, fan = draw(st.sampled_from([10, 15_000])), draw(st.sampled_from([3, 10, 25, 30]))
        levels = [f"&l0 {'x' * size}"]
        for i in range(1, draw(st.integers(1, 4)) + 1):
            levels.append(f"&l{i} [{', '.join([f'*l{i - 1}'] * fan)}]")
        anchors += [f"l{i}" for i in range(len(levels))]
        prelude = f"analysts: [{', '.join(levels)}]\n"
    keys = draw(
        st.lists(
            st.sampled_from([k for k in TOP_KEYS if k != "analysts"]),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    return prelude + "".join(f"{k}: {value(1)}\n" for k in keys)


def expanded_chars(a: AnalystInput) -> int:
    def size(x: object) -> int:
        if isinstance(x, str):
            return len(x)
        if isinstance(x, dict):
            return sum(size(k) + size(v) for k, v in x.items())
        if isinstance(x, list):
            return sum(size(v) for v in x)
        return 0

    return sum(size(v) for v in vars(a).values())


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=hostile_yaml())
def test_hostile_analyst_yaml_is_bounded(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    try:
        loaded = load_analyst(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        assert len(str(exc)) < 400, str(exc)[:200]
        kind = re.search(r"limit of [\d,]+ \w+|not valid YAML|must be \w+", str(exc))
        event(f"refused: {kind[0] if kind else 'other'}")  # --hypothesis-show-statistics
    else:
        event("loaded")
        assert expanded_chars(loaded) <= yaml_bounds.MAX_TEXT_CHARS
    assert time.perf_counter() - start < 1.5
