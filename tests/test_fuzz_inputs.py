"""Property tests: hostile analyst files and CSV imports never raise anything but our errors."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metalwatch.errors import MetalwatchError
from metalwatch.reporting.analyst import TOP_KEYS, load_analyst
from metalwatch.store.transfer import read_canonical_csv

keys = st.sampled_from([*TOP_KEYS, "ratng", "en", "zh", "status", "mode", "gold", "precious"])
scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                    st.floats(allow_nan=True), st.sampled_from(["SSE.600547", "LME.CA.3M",
                                                                "replace", "red-up"]))  # fmt: skip
yamlish = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.dictionaries(keys, yamlish, max_size=6))
def test_structured_analyst_files(tmp_path, doc):
    import yaml

    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        load_analyst(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=string.printable + "：稀土—", max_size=200))
def test_arbitrary_analyst_text(tmp_path, text):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_analyst(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc)


TOKENS = ["LME.CA.3M", "COMEX.HG", "NOPE", "close", "stock", "USD/t", "USD/lb", "2025-12-12",
          "2099-01-01", "1e308", "-1", "nan", ""]  # fmt: skip
cells = st.one_of(st.sampled_from(TOKENS), st.text(alphabet=string.printable, max_size=8))
header = st.sampled_from(["instrument,field,date,value", "instrument,field,date,value,unit",
                          "instrument,date,value", "a,b,c,d"])  # fmt: skip


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=header, rows=st.lists(st.lists(cells, min_size=3, max_size=6), max_size=6))
def test_csv_import_parser(tmp_path, head, rows):
    path = tmp_path / "x.csv"
    path.write_text(head + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
    try:
        read_canonical_csv(path)
    except MetalwatchError as exc:
        assert "\n" not in str(exc)
