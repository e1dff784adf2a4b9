"""Alternated A/B timing of whole processes, reported as ratios (shared by the benchmarks).

The box these run on is shared and noisy, so no benchmark trusts an absolute time: A and B run
in turns (A B A B ..., after one uncounted warm-up of each), and the figure is the median of
the per-pair ratios A/B. Each child reports its own peak resident memory too.

Not a test: benchmarks stay out of pass/fail.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

#: The child's peak resident set size in MiB, as the line it prints (``_r``: resource).
_PEAK_LINE = "'\\npeak_mib=%.1f\\n' % (_r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024)"
#: Appended to every child's code: its peak, on the last stdout line.
PEAK = f"\nimport resource as _r, sys as _s; _s.stdout.write({_PEAK_LINE})\n"
#: Registered before a command runs (:func:`command`): the console script ends the process
#: after the exit handlers (``cli.leave``), so the peak is printed by one.
PEAK_AT_EXIT = (
    f"import atexit as _a, resource as _r, sys as _s\n"
    f"_a.register(lambda: _s.stdout.write({_PEAK_LINE}))\n"
)

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
#: The releases that move the figures (a new pandas added ~5 MiB to every peak): printed under
#: every table, so figures from two days can be told apart.
PACKAGES = ("pandas", "numpy", "matplotlib", "weasyprint", "fonttools", "jinja2")


@dataclasses.dataclass
class Run:
    """One child process: wall seconds, peak memory (MiB) and what it printed."""

    seconds: float
    peak_mib: float
    output: str = ""


def run(
    code: str, env: dict[str, str] | None = None, before: Callable[[], None] | None = None
) -> Run:
    """Run ``python -c code`` in a fresh process (``before`` first, untimed)."""
    if before is not None:
        before()
    t = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", code + PEAK],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    seconds = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{code}\n{done.stderr[-3000:]}")
    printed, peak = done.stdout.rsplit("peak_mib=", 1)
    return Run(seconds, float(peak), printed.strip())


@dataclasses.dataclass
class Pair:
    """A measured A/B comparison."""

    name: str
    a: list[Run]
    b: list[Run]
    target: float | None

    @property
    def ratio(self) -> float:
        return statistics.median(x.seconds / y.seconds for x, y in zip(self.a, self.b, strict=True))

    @property
    def memory_ratio(self) -> float:
        return statistics.median(
            x.peak_mib / y.peak_mib for x, y in zip(self.a, self.b, strict=True)
        )

    def row(self, what: str = "time") -> dict[str, object]:
        ratio = self.ratio if what == "time" else self.memory_ratio
        med = (
            (
                statistics.median(x.seconds for x in self.a),
                statistics.median(y.seconds for y in self.b),
            )
            if what == "time"
            else (
                statistics.median(x.peak_mib for x in self.a),
                statistics.median(y.peak_mib for y in self.b),
            )
        )
        return {
            "measure": self.name if what == "time" else f"peak memory: {self.name}",
            "a": round(med[0], 3),
            "b": round(med[1], 3),
            "unit": "s" if what == "time" else "MiB",
            "ratio": round(ratio, 3),
            "target": self.target,
            "met": None if self.target is None else ratio <= self.target,
            "pairs": len(self.a),
        }


def alternate(
    name: str,
    a: str,
    b: str,
    *,
    n: int = 5,
    target: float | None = None,
    env_a: dict[str, str] | None = None,
    env_b: dict[str, str] | None = None,
    before_a: Callable[[], None] | None = None,
    before_b: Callable[[], None] | None = None,
) -> Pair:
    """Time ``a`` against ``b`` in alternated pairs after one warm-up each; n >= 5 for a figure."""
    run(a, env_a, before_a)
    run(b, env_b, before_b)
    runs_a, runs_b = [], []
    for _ in range(n):
        runs_a.append(run(a, env_a, before_a))
        runs_b.append(run(b, env_b, before_b))
    return Pair(name, runs_a, runs_b, target)


def report(rows: list[dict[str, object]]) -> None:
    """Print rows as a Markdown table, then as JSON (for the README and the issue)."""
    print("| measure | A | B | A/B | target | met |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        target = "" if r["target"] is None else f"<= {r['target']}x"
        met = {True: "pass", False: "miss", None: ""}[r["met"]]  # type: ignore[index]
        print(
            f"| {r['measure']} | {r['a']} {r['unit']} | {r['b']} {r['unit']} | "
            f"{r['ratio']:.2f}x | {target} | {met} |"
        )
    print(measured_with())
    print(json.dumps(rows))


def measured_with() -> str:
    """The Python and package releases the figures were measured with, and the box's load."""
    from importlib.metadata import PackageNotFoundError, version

    def release(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    parts = [f"Python {platform.python_version()}", *(f"{p} {release(p)}" for p in PACKAGES)]
    load = os.getloadavg()[0]
    return f"measured with {', '.join(parts)}; load average {load:.2f} when the table was printed"


def command(*argv: str) -> str:
    """Child code running ``metalwatch *argv`` as the console script does (``cli.run``: the
    process ends once the exit handlers ran, without the interpreter's teardown)."""
    argv_line = f"_s.argv = ['metalwatch', *{list(argv)!r}]\n"
    return PEAK_AT_EXIT + argv_line + "from metalwatch.cli import run\nrun()\n"


def seeded_store(path: Path) -> Path:
    """A store seeded from the bundled snapshot at ``path`` (made once)."""
    if not path.exists():
        subprocess.run(
            [PYTHON, "-c", f"import metalwatch as mw; mw.moves('2025-12-12', store={str(path)!r})"],
            check=True,
            cwd=ROOT,
        )
    return path
