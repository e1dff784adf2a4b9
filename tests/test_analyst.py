"""The analyst file: validated with line numbers, reflected in the report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

import metalwatch as mw
from metalwatch.errors import InvalidInputError
from metalwatch.reporting.analyst import DEFAULT_WATCH_LISTS, load_analyst

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "analyst.yaml"


def write(tmp_path, text: str) -> Path:
    p = tmp_path / "analyst.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_file_loads():
    a = load_analyst(EXAMPLE)
    assert a.rating == {"en": "Outperform-A", "zh": "领先大市-A", "status": "maintained"}
    assert a.colors == "red-up"
    assert a.watch_lists["rare earths"] == ["SSE.600111"]
    assert a.text(a.publisher, "zh") == "示例证券有色金属研究团队"


def test_no_file_gives_defaults():
    a = load_analyst(None)
    assert a.watch_lists == DEFAULT_WATCH_LISTS and a.core_views_mode == "extend"


@pytest.mark.parametrize(
    "text, message",
    [
        ("publisher: X\nratng: A\n", r"analyst.yaml:2: unknown key 'ratng' in the analyst file "
                                     r"\(did you mean 'rating'\?\)"),
        ("watch_lists:\n  gold: [SSE.600547, SSE.60054]\n",
         r"analyst.yaml:2: unknown instrument 'SSE.60054' \(did you mean SSE.600547"),
        ("rating: {en: A, status: kept}\n", r"analyst.yaml:1: rating.status 'kept' is not one of"),
        ("colors: blue-up\n", "analyst.yaml:1: colors 'blue-up' must be red-up or green-up"),
        ("core_views:\n  mode: merge\n  en: [x]\n", "analyst.yaml:2: core_views.mode must be"),
        ("commentary:\n  precius: hi\n", r"analyst.yaml:2: unknown key 'precius' in commentary"),
        ("analysts: Li Wei\n", "analyst.yaml:1: analysts must be a list"),
        ("publisher: [a\n", "analyst.yaml:2: not valid YAML"),
        ("- just a list\n", "analyst.yaml:1: the analyst file must be a mapping"),
    ],
)
def test_bad_files_name_the_line(tmp_path, text, message):
    with pytest.raises(InvalidInputError, match=message):
        load_analyst(write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInputError, match="analyst file .*nope.yaml does not exist"):
        load_analyst(tmp_path / "nope.yaml")


def test_report_uses_analyst_input(store_path, tmp_path):
    out = mw.report("2025-12-12", tmp_path / "zh.pdf", lang="zh", analyst=EXAMPLE,
                    store=store_path)  # fmt: skip
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for s in ("领先大市-A", "维持评级", "示例证券有色金属研究团队",
              "持续看好金、铜、锡与稀土的价格表现。", "降息与央行购金继续支撑金价。",
              "北方稀土"):  # fmt: skip
        assert s in text, s


def test_replace_mode_drops_generated_views(store_path, tmp_path):
    from metalwatch.reporting import build_weekly
    from metalwatch.store import Store

    a = load_analyst(write(tmp_path, "core_views:\n  mode: replace\n  en: [Only this.]\n"))
    with Store(store_path) as st:
        import pandas as pd

        model = build_weekly(st, pd.Timestamp("2025-12-12"), "en", analyst=a)
    assert model.core_views == ["Only this."]
