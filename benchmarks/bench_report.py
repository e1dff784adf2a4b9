"""Benchmark the report and the import against their floors, as ratios measured in one run.

Not a test: run ``python benchmarks/bench_report.py [--repeat N]``. Every figure is the median of
N cold processes on this machine, so the ratios are comparable even on a noisy shared host.

- ``metalwatch report`` (cold process, seeded store) vs WeasyPrint alone rendering the same
  pages' HTML with the charts removed (no data work): target <= 1.5x;
- ``import metalwatch`` vs ``import akshare``: target <= 0.2x;
- the Chinese report with and without ``libharfbuzz-subset`` (hidden from WeasyPrint by
  refusing its ``dlopen`` in the child process).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HIDE_HB_SUBSET = """
import cffi
_real = cffi.FFI.dlopen
def _dlopen(self, name, *a, **k):
    if "harfbuzz-subset" in str(name):
        raise OSError("hidden by the benchmark")
    return _real(self, name, *a, **k)
cffi.FFI.dlopen = _dlopen
"""


def cold(code: str, repeat: int) -> float:
    """Median wall time of ``python -c code`` in fresh processes."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--week", default="2025-12-12")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mw-bench-"))
    store = work / "store.sqlite"
    subprocess.run(
        [sys.executable, "-c", f"import metalwatch as mw; mw.Store({str(store)!r})"], check=True
    )
    html = work / "weekly.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "metalwatch.cli",
            "--store",
            str(store),
            "report",
            "--week",
            a.week,
            "--format",
            "html",
            "-o",
            str(html),
        ],
        check=True,
        capture_output=True,
    )
    bare = work / "bare.html"
    bare.write_text(re.sub(r"<figure>.*?</figure>", "", html.read_text(), flags=re.S))
    from metalwatch.reporting.render import FONT_DIR, packaged_template_dir

    base = packaged_template_dir().as_uri() + "/"
    floor = (
        f"import weasyprint; weasyprint.HTML(filename={str(bare)!r}, base_url={base!r})"
        f".write_pdf({str(work / 'bare.pdf')!r})"
    )
    report = (
        f"from metalwatch.cli import main; main(['--store', {str(store)!r}, 'report', "
        f"'--week', {a.week!r}, '-o', {str(work / 'w.pdf')!r}])"
    )
    report_zh = report.replace("'report',", "'report', '--lang', 'zh',")
    rows = []
    t_report, t_floor = cold(report, a.repeat), cold(floor, a.repeat)
    rows.append(
        (
            "metalwatch report (en, cold) vs WeasyPrint alone on its HTML without charts",
            t_report,
            t_floor,
            "<= 1.5x",
        )
    )
    t_mw, t_ak = cold("import metalwatch", a.repeat), cold("import akshare", a.repeat)
    rows.append(("import metalwatch vs import akshare", t_mw, t_ak, "<= 0.2x"))
    t_zh = cold(report_zh, a.repeat)
    t_zh_nohb = cold(HIDE_HB_SUBSET + report_zh, a.repeat)
    rows.append(("Chinese report without vs with libharfbuzz-subset", t_zh_nohb, t_zh, "report"))
    print(f"fonts: {FONT_DIR}; repeat {a.repeat}; week {a.week}\n")
    print("| comparison | A (s) | B (s) | A/B | target |")
    print("|---|---|---|---|---|")
    for name, x, y, target in rows:
        print(f"| {name} | {x:.2f} | {y:.2f} | {x / y:.2f}x | {target} |")


if __name__ == "__main__":
    main()
