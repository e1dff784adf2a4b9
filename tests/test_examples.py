"""The examples run against the public API so they cannot rot: the notebook is executed with
nbclient and the script as a subprocess, both on the session's default store (conftest points
METALWATCH_STORE at a temp file, seeded from the bundled snapshot on first use)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client / zmq internals
def test_notebook_executes_and_matches_its_saved_outputs():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = EXAMPLES / "metalwatch_tour.ipynb"
    saved = nbformat.read(path, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.get("outputs") for c in code[1:]), "saved without outputs"  # [0] is the setup
    fresh = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(
        fresh, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    errors = [o for c in fresh.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = _outputs_text(fresh)
    assert "CU.IMPORT" in text and "59.96" in text  # copper import window, 2025-12-12
    for cell_saved, cell_fresh in zip(saved.cells, fresh.cells, strict=True):
        if cell_saved.cell_type != "code":
            continue
        plain = [o.get("data", {}).get("text/plain") for o in cell_saved.outputs]
        again = [o.get("data", {}).get("text/plain") for o in cell_fresh.outputs]
        if any(p and "Axes" not in p for p in plain):
            assert plain == again, cell_saved.source  # the saved outputs are still true


def test_script_prints_the_weeks_numbers():
    script = EXAMPLES / "weekly_numbers.py"
    out = subprocess.run(
        [sys.executable, str(script), "--week", "2025-12-12"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "week ending 2025-12-12" in text
    assert "LME.CA.3M       11,800.0 USD/t    +1.58 %" in text
    assert "CU.IMPORT           59.96 CNY/t" in text
    assert "extreme_move       SHFE.AG" in text


def test_script_says_what_it_cannot_compute_in_the_latest_week():
    script = EXAMPLES / "weekly_numbers.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "n/a (" in out.stdout  # the bundled USD/CNY ends before the latest prices
