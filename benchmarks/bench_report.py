"""Benchmark: a cold ``metalwatch report`` against WeasyPrint alone on the same pages.

Not a test: ``python benchmarks/bench_report.py [--pairs 5] [--week 2025-12-12]``.

The floor is WeasyPrint in a fresh process rendering the HTML that ``metalwatch report --format
html`` writes for the same week (charts included) with the same bundled fonts: the same PDF
pages with none of metalwatch's work. Rows (issue 13):

- report (en, zh) vs the floor: target <= 1.25x (the charts kept in the store's chart cache by
  the warm-up run, as for any weekly reported again);
- report (en) with its charts drawn (the chart cache emptied before each run) vs the floor;
- report (en) vs the floor with bytecode cached for both (an installed package's case: with
  ``PYTHONDONTWRITEBYTECODE`` set, as on the shared box, every run compiles metalwatch's
  modules, while WeasyPrint's come compiled from its wheel);
- peak memory, report (en, zh) vs the floor: target <= 1.5x; and with the charts drawn;
- the report with WeasyPrint's fontTools fallback (``libharfbuzz-subset`` hidden from it by
  refusing its ``dlopen``) vs with HarfBuzz subsetting: context, no target.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from pairs import PYTHON, ROOT, alternate, command, report, seeded_store

HIDE_HB_SUBSET = """
import cffi
_real = cffi.FFI.dlopen
def _dlopen(self, name, *a, **k):
    if "harfbuzz-subset" in str(name):
        raise OSError("hidden by the benchmark")
    return _real(self, name, *a, **k)
cffi.FFI.dlopen = _dlopen
"""

FLOOR = """
import weasyprint
from weasyprint.text.fonts import FontConfiguration
fonts = FontConfiguration()
css = weasyprint.CSS(string={css!r}, font_config=fonts)
weasyprint.HTML(filename={html!r}, base_url={base!r}).write_pdf(
    {out!r}, stylesheets=[css], font_config=fonts)
"""


def report_code(store: Path, week: str, lang: str, out: Path, *, fmt: str = "pdf") -> str:
    """A cold ``metalwatch report``, as the console script runs it."""
    return command(
        "--store", str(store), "report", "--week", week, "--lang", lang, "--format", fmt,
        "-o", str(out),
    )  # fmt: skip


def floor_code(store: Path, week: str, lang: str, work: Path) -> str:
    """WeasyPrint alone on the report's own HTML, with the bundled fonts."""
    from metalwatch.reporting.render import font_face_css
    from metalwatch.reporting.templates import packaged_template_dir

    html = work / f"weekly-{lang}.html"
    subprocess.run(
        [
            PYTHON,
            "-c",
            report_code(store, week, lang, html, fmt="html"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    base = packaged_template_dir().as_uri() + "/"
    return FLOOR.format(css=font_face_css(), html=str(html), base=base, out=str(work / "floor.pdf"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--week", default="2025-12-12")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mw-bench-report-"))
    store = seeded_store(work / "store.sqlite")
    rows = []
    for lang in ("en", "zh"):
        pair = alternate(
            f"metalwatch report ({lang}, cold) vs WeasyPrint alone on its HTML (charts, fonts)",
            report_code(store, a.week, lang, work / "report.pdf"),
            floor_code(store, a.week, lang, work),
            n=a.pairs,
            target=1.25,
        )
        rows.append(pair.row())
        memory = pair.row("memory")
        memory["target"] = 1.5
        memory["met"] = memory["ratio"] <= 1.5  # type: ignore[operator]
        rows.append(memory)
    en = report_code(store, a.week, "en", work / "report.pdf")
    cached = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    pair = alternate(
        "the same (en), bytecode cached for both",
        en,
        floor_code(store, a.week, "en", work),
        n=a.pairs,
        target=1.25,
        env_a=cached,
        env_b=cached,
    )
    rows.append(pair.row())

    def forget_charts() -> None:
        with sqlite3.connect(store) as db:
            db.execute("DELETE FROM chart_cache")

    pair = alternate(
        "metalwatch report (en, cold) drawing its charts (chart cache emptied) vs WeasyPrint alone",
        en,
        floor_code(store, a.week, "en", work),
        n=a.pairs,
        before_a=forget_charts,
    )
    rows.append(pair.row())
    rows.append(pair.row("memory"))  # matplotlib's modules and drawing stay in the process
    pair = alternate(
        "report (en) with fontTools subsetting vs with HarfBuzz subsetting",
        HIDE_HB_SUBSET + en,
        en,
        n=a.pairs,
    )
    rows.append(pair.row())
    report(rows)


if __name__ == "__main__":
    main()
