"""``metalwatch moves`` stays a quick command: what it imports, how it formats, how it parses.

Structural checks, never timings (``benchmarks/bench_moves.py`` times it).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from metalwatch import frame
from metalwatch.analytics.moves import compute_moves
from metalwatch.cli import _command_named
from metalwatch.commands import NAMES
from metalwatch.commands import moves as moves_command
from metalwatch.reporting import i18n

#: Modules ``metalwatch moves`` into a pipe must not load: Babel (its numbers are formatted
#: with decimal), rich (plain text into a pipe), the report package and its libraries, the
#: statistics, plotting and PDF libraries, every other command's module, and (the store being
#: named by --store) platformdirs, which only finds the default store and config file.
NOT_LOADED = (
    "babel",
    "rich",
    "platformdirs",
    "jinja2",
    "yaml",
    "statsmodels",
    "scipy",
    "matplotlib",
    "weasyprint",
    "metalwatch.reporting",
    *(f"metalwatch.commands.{name}" for name in NAMES if name != "moves"),
)

RUN = """
import json, sys
from metalwatch.cli import main
code = main(['--store', {store!r}, 'moves', '--week', '2025-12-12', 'LME.CA.3M', 'SHFE.CU'])
print(json.dumps([code, sorted(sys.modules)]))
"""


def test_moves_into_a_pipe_loads_no_babel_rich_report_or_other_command(store_path):
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(store=str(store_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    *table, last = done.stdout.strip().splitlines()
    code, modules = json.loads(last)
    assert code == 0
    assert [m for m in modules if m.split(".")[0] in NOT_LOADED or m.startswith(NOT_LOADED)] == []
    assert "metalwatch.commands.moves" in modules  # the probe did see the command's modules
    assert table[0] == "Moves, week ending 2025-12-12"
    # LME copper: 11,800 on 2025-12-12 against 11,617 on 12-05 (+1.58 %), 10,985.5 at the end
    # of November (+7.41 %), 8,821.5 at the end of 2024 (+33.76 %)
    assert table[2].split() == [
        "LME.CA.3M", "LME", "USD/t", "11,800.0", "2025-12-12",
        "+1.58%", "+1.58%", "+7.41%", "+33.76%", "ok",
    ]  # fmt: skip
    assert table[3].split()[:4] == ["SHFE.CU", "SHFE", "CNY/t", "94,170"]


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234567.891, 2, "1,234,567.89"),
        (2.675, 2, "2.68"),  # Babel rounds the shortest repr, 2.675, half to even
        (0.125, 2, "0.12"),  # half to even
        (0.375, 2, "0.38"),
        (-0.004, 2, "-0.00"),  # Babel keeps the sign of a negative that rounds to zero
        (-0.0, 0, "-0"),
        (999999.5, 0, "1,000,000"),
        (1e16, 1, "10,000,000,000,000,000.0"),
        (np.float64(11800.0), 1, "11,800.0"),
        (float("inf"), 2, "∞"),
        (float("-inf"), 2, "-∞"),
        (float("nan"), 2, "—"),
        (None, 2, "—"),
    ],
)
def test_moves_numbers_are_the_report_numbers(value, decimals, text):
    assert moves_command.number(value, decimals) == text
    assert i18n.number(value, decimals, "en") == text


def test_moves_numbers_match_babel_over_many_values():
    rng = np.random.default_rng(13)
    values = np.concatenate(
        [
            rng.uniform(-1e6, 1e6, 400),
            np.round(rng.uniform(-100, 100, 400), 3),  # many exact half-way cases
            rng.uniform(-1, 1, 400) * 10.0 ** rng.integers(-8, 12, 400),
        ]
    )
    mismatched = [
        (v, d)
        for v in values.tolist()
        for d in range(5)
        if moves_command.number(v, d) != i18n.number(v, d, "en")
    ]
    assert mismatched == []


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["moves", "--week", "2025-12-12"], "moves"),
        (["--store", "s.sqlite", "moves"], "moves"),
        (["--store=s.sqlite", "curve", "SHFE.CU"], "curve"),
        (["--store", "moves"], None),  # "moves" is the store's path: the full parser
        (["--help"], None),
        (["mvoes"], None),
        ([], None),
    ],
)
def test_cli_builds_only_the_named_commands_parser(argv, named):
    assert _command_named(argv) == named


def test_cli_help_still_lists_every_command():
    done = subprocess.run(
        [sys.executable, "-m", "metalwatch.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "{" + ",".join(NAMES) + "}" in done.stdout.replace("\n", "").replace(" ", "")


def test_instrument_without_rows_gets_a_no_data_row_with_date_columns():
    rows = frame.coerce(
        pd.DataFrame(
            {
                "instrument": ["LME.CA.3M", "LME.CA.3M"],
                "field": ["close", "close"],
                "date": ["2025-12-05", "2025-12-12"],
                "value": [11617.0, 11800.0],
                "unit": ["USD/t", "USD/t"],
                "currency": ["USD", "USD"],
                "source": ["test", "test"],
            }
        )
    )
    mv = compute_moves(rows, pd.Timestamp("2025-12-12"), ["SHFE.CU", "LME.CA.3M"])
    assert mv.loc["SHFE.CU", "status"] == "no data" and bool(mv.loc["SHFE.CU", "stale"])
    assert np.isnan(mv.loc["SHFE.CU", "close"])
    assert mv["close_date"].dtype == "datetime64[ns]"
    assert mv.loc["LME.CA.3M", "close"] == 11800.0
    assert mv.loc["LME.CA.3M", "wow_pct"] == pytest.approx((11800 / 11617 - 1) * 100)
    assert np.isnan(mv.loc["LME.CA.3M", "d5_pct"])  # two sessions only: no fifth back
    # nothing held for either: every date column is still a datetime column
    empty = compute_moves(rows.iloc[:0], pd.Timestamp("2025-12-12"), ["SHFE.CU"])
    assert empty.loc["SHFE.CU", "status"] == "no data"
    assert empty["prev_date"].dtype == "datetime64[ns]"
