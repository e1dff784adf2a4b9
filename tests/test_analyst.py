"""The analyst file: validated with line numbers, reflected in the report."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

import metalwatch as mw
from metalwatch.errors import InvalidInputError
from metalwatch.reporting.analyst import load_analyst

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "analyst.yaml"


def write(tmp_path: Path, text: str) -> Path:
    p: Path = tmp_path / "analyst.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_file_loads() -> None:
    a = load_analyst(EXAMPLE)
    assert a.rating == {"en": "Outperform-A", "zh": "领先大市-A", "status": "maintained"}
    assert a.colors == "red-up"
    assert a.watch_lists["rare earths"] == ["SSE.600111"]
    assert a.text(a.publisher, "zh") == "示例证券有色金属研究团队"


def test_no_file_gives_defaults():
    a = load_analyst(None)
    assert a.watch_lists == {
        "gold": ["SSE.600547", "SSE.601899"],
        "copper": ["SSE.600362", "SSE.603993", "SSE.601899"],
        "aluminum": ["SSE.601600"],
        "tin": ["SZSE.000960"],
        "rare earths": ["SSE.600111"],
    }
    assert (a.core_views_mode, a.colors, a.publisher, a.rating) == ("extend", None, {}, {})


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "publisher: X\nratng: A\n",
            r"analyst.yaml:2: unknown key 'ratng' in the analyst file "
            r"\(did you mean 'rating'\?\)",
        ),
        (
            "watch_lists:\n  gold: [SSE.600547, SSE.60054]\n",
            r"analyst.yaml:2: unknown instrument 'SSE.60054' \(did you mean SSE.600547",
        ),
        ("rating: {en: A, status: kept}\n", r"analyst.yaml:1: rating.status 'kept' is not one of"),
        ("colors: blue-up\n", "analyst.yaml:1: colors 'blue-up' must be red-up or green-up"),
        ("core_views:\n  mode: merge\n  en: [x]\n", "analyst.yaml:2: core_views.mode must be"),
        ("commentary:\n  precius: hi\n", r"analyst.yaml:2: unknown key 'precius' in commentary"),
        ("analysts: Li Wei\n", "analyst.yaml:1: analysts must be a list"),
        ("publisher: [a\n", "analyst.yaml:2: not valid YAML"),
        ("- just a list\n", "analyst.yaml:1: the analyst file must be a mapping"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        load_analyst(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="analyst file .*nope.yaml does not exist"):
        load_analyst(tmp_path / "nope.yaml")


def test_report_uses_analyst_input(store_path: Path, tmp_path: Path) -> None:
    out = mw.report("2025-12-12", output=tmp_path / "zh.pdf", lang="zh", analyst=EXAMPLE,
                    store=store_path)  # fmt: skip
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for s in ("领先大市-A", "维持评级", "示例证券有色金属研究团队",
              "持续看好金、铜、锡与稀土的价格表现。", "降息与央行购金继续支撑金价。",
              "北方稀土"):  # fmt: skip
        assert s in text, s


def test_replace_mode_drops_generated_views(store_path: Path, tmp_path: Path) -> None:
    import pandas as pd

    from metalwatch.reporting import build_weekly
    from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
    from metalwatch.store import Store
    from metalwatch.store.week import read_week

    a = load_analyst(write(tmp_path, "core_views:\n  mode: replace\n  en: [Only this.]\n"))
    with Store(store_path) as st:
        data = read_week(st, pd.Timestamp("2025-12-12"), report_instruments(),
                         history_days=HISTORY_DAYS)  # fmt: skip
    model = build_weekly(data, lang="en", analyst=a)
    assert model.core_views == ["Only this."]


# -- bounds (issue 12 item 3): every limit is one line naming the file and the limit, fast ----


def refused(path: Path, pattern: str) -> str:
    start = time.perf_counter()
    with pytest.raises(InvalidInputError, match=pattern) as exc:
        load_analyst(path)
    assert time.perf_counter() - start < 1, "a limit must fail fast"
    message = str(exc.value)
    assert "\n" not in message and len(message) < 300, message
    assert str(path) in message
    return message


def test_alias_amplification_is_refused(tmp_path: Path) -> None:
    """The probe's file: one 100 KB text reused 200 times (a 20 MB report, 2.4 GB in the PDF)."""
    big = "x" * 100_000
    refused(
        write(tmp_path, f"publisher: &big {big}\nanalysts: [{', '.join(['*big'] * 200)}]\n"),
        r"analyst.yaml:1: a text of 100,000 characters is longer than the limit of 20,000",
    )
    text = "y" * 15_000  # under the text limit, but 30 copies exceed the expanded-text limit
    refused(write(tmp_path, f"publisher: &t {text}\nanalysts: [{', '.join(['*t'] * 30)}]\n"),
            r"analyst.yaml:2: more than the limit of 262,144 characters of text once aliases "
            r"are expanded")  # fmt: skip


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 "lol"'] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)
    ]
    message = r"analyst.yaml:\d+: more than the limit of 10,000 values once aliases are expanded"
    refused(write(tmp_path, "\n".join(lines) + "\n"), message)


def test_alias_count_and_recursive_alias(tmp_path: Path) -> None:
    refused(write(tmp_path, f"publisher: &p X\nanalysts: [{', '.join(['*p'] * 101)}]\n"),
            "analyst.yaml:2: more than the limit of 100 aliases")  # fmt: skip
    refused(write(tmp_path, "analysts: &a [x, *a]\n"),
            "analyst.yaml:1: alias \\*a refers to a value that contains it")  # fmt: skip


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    refused(write(tmp_path, "risks: " + "[" * 500 + "]" * 500 + "\n"),
            "analyst.yaml:1: nested deeper than the limit of 10 levels")  # fmt: skip
    block = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    refused(write(tmp_path, block), r"analyst.yaml:\d+: nested deeper than the limit of 10")


def test_large_files_are_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "disclaimer: " + "z" * (1 << 20) + "\n")
    refused(path, r"analyst file .* is larger than the limit of 256 KiB \(262,144 bytes\)")
    many = write(tmp_path, "analysts: [" + ", ".join(["a"] * 10_001) + "]\n")
    refused(many, "more than the limit of 10,000 values")


def test_special_files_are_refused(tmp_path: Path) -> None:
    refused(Path("/dev/zero"), "analyst file /dev/zero is a character device, not a regular file")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # no writer: opening it for a plain read would block forever
    refused(fifo, r"fifo.yaml is a FIFO \(named pipe\), not a regular file")
    refused(tmp_path, "is a directory, not a regular file")


def test_keys_must_be_text_and_long_ones_are_cut(tmp_path: Path) -> None:
    refused(write(tmp_path, "? [a, b]\n: x\n"), "analyst.yaml:1: a key in the analyst file must "
                                                "be text")  # fmt: skip
    pattern = r"unknown key 'k{40}…' \(1000 characters\) in the analyst file"
    message = refused(write(tmp_path, "k" * 1000 + ": x\n"), pattern)
    assert message.count("k") < 100
    refused(write(tmp_path, "watch_lists: {? [a]: [SSE.600547]}\n"),
            "a key in watch_lists must be text")  # fmt: skip


def test_limits_are_documented_in_one_place() -> None:
    from metalwatch.reporting import yaml_bounds

    doc = yaml_bounds.__doc__ or ""
    for name in ("MAX_FILE_BYTES", "MAX_DEPTH", "MAX_SCALAR_CHARS", "MAX_ALIASES", "MAX_NODES",
                 "MAX_TEXT_CHARS"):  # fmt: skip
        value = getattr(yaml_bounds, name)
        assert name in doc, name
        assert f"{value:,}" in doc or f"{value // 1024} KiB" in doc, name


def test_a_realistic_file_with_aliases_still_loads(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8") + "risks:\n  en: &r [Demand slows.]\n  zh: *r\n"
    a = load_analyst(write(tmp_path, text))
    assert a.risks == {"en": ["Demand slows."], "zh": ["Demand slows."]}


def test_long_unknown_id_is_cut_in_messages(tmp_path: Path) -> None:
    """Issue 12 item 9: a 100 KB unknown id was echoed in full (here and by ``moves``)."""
    from metalwatch import registry
    from metalwatch.errors import UnknownInstrumentError

    with pytest.raises(UnknownInstrumentError) as exc:
        registry.get("A" * 100_000)
    assert str(exc.value) == f"unknown instrument '{'A' * 40}…' (100000 characters)"
    with pytest.raises(
        UnknownInstrumentError, match=r"^unknown instrument 'LME.CA.3N' \(did you mean LME.CA.3M"
    ):
        registry.get("LME.CA.3N")  # short ids are unchanged, hints included
    pattern = r"analyst.yaml:1: unknown instrument 'B{40}…' \(5000 characters\)$"
    message = refused(write(tmp_path, f"watch_lists: {{gold: [{'B' * 5000}]}}\n"), pattern)
    assert len(message) < 200


def test_default_watch_lists_are_not_shared_between_reports():
    from metalwatch.reporting.analyst import DEFAULT_WATCH_LISTS, AnalystInput

    first = AnalystInput()
    first.watch_lists["gold"].append("SSE.999999")
    assert "SSE.999999" not in AnalystInput().watch_lists["gold"]
    assert "SSE.999999" not in DEFAULT_WATCH_LISTS["gold"]
