"""What the quick commands import: a structural check (which modules load), never a timing.

``metalwatch moves`` loads no part of the report package and no statistics, plotting or PDF
library; statsmodels and SciPy load only where a fit is computed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from metalwatch.commands import moves as moves_command
from metalwatch.reporting import i18n

HEAVY = ("statsmodels", "scipy", "weasyprint", "matplotlib")
REPORT = ("metalwatch.reporting", "jinja2", "yaml")

PROBE = """
import json, sys
{code}
print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))
"""


def loaded(code: str, prefixes: tuple[str, ...] = HEAVY) -> tuple[list[str], str]:
    """Modules starting with ``prefixes`` that are loaded after ``code``, and what it printed."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code, prefixes=prefixes)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    *printed, last = run.stdout.strip().splitlines()
    return json.loads(last), "\n".join(printed)


def moves_code(store_path: object) -> str:
    return (
        "from metalwatch.cli import main\n"
        f"main(['--store', {str(store_path)!r}, 'moves', '--week', '2025-12-12'])"
    )


def test_moves_command_loads_no_statistics_plotting_or_pdf_module(store_path):
    modules, printed = loaded(moves_code(store_path))
    assert "Moves, week ending 2025-12-12" in printed
    assert modules == []


def test_moves_command_loads_nothing_of_the_report_package(store_path):
    modules, _ = loaded(moves_code(store_path), REPORT)
    assert modules == []


def test_statistics_modules_load_statsmodels_only_when_fitting():
    modules, _ = loaded(
        "import metalwatch.analytics.stats, metalwatch.analytics.context, metalwatch.quant, "
        "metalwatch.studies"
    )
    assert modules == []


@pytest.mark.parametrize(
    ("value", "decimals"),
    [
        (1234567.891, 2),
        (2.675, 2),  # just below .675 in binary: Babel and decimal round it alike
        (-0.005, 2),
        (0.0, 0),
        (12.5, 1),
        (math.nan, 2),
        (None, 2),
    ],
)
def test_moves_numbers_match_the_report_formatting(value, decimals):
    assert moves_command.number(value, decimals) == i18n.number(value, decimals, "en")
    assert moves_command.percent(value, decimals) == i18n.percent(value, decimals, "en")


def test_a_weekly_loads_yaml_only_for_an_analyst_file_and_no_babel(store_path, tmp_path):
    """A module a weekly does not use is memory it holds while WeasyPrint lays out the pages
    (issue 13): PyYAML only reads an analyst file; Babel compiles the Chinese catalog only when
    its .po was edited after its .mo."""
    code = (
        "from metalwatch import weekly\n"
        f"weekly.write('2025-12-12', format='html', store={str(store_path)!r},\n"
        f"             output={str(tmp_path / 'w.html')!r})\n"
    )
    modules, _ = loaded(code, ("yaml", "babel", "importlib.metadata", "metalwatch.reporting"))
    assert [m for m in modules if not m.startswith("metalwatch")] == []
    assert "metalwatch.reporting.analyst" in modules
    assert "metalwatch.reporting.analyst_file" not in modules
    analyst = tmp_path / "analyst.yaml"
    analyst.write_text("analysts: [Li Wei]\n", encoding="utf-8")
    zh = code.replace("format='html',", f"format='html', lang='zh', analyst={str(analyst)!r},")
    modules, _ = loaded(zh, ("yaml", "babel", "metalwatch.reporting.analyst_file"))
    assert "yaml" in modules and "metalwatch.reporting.analyst_file" in modules
    assert [m for m in modules if m.startswith("babel")] == []  # the compiled catalog
