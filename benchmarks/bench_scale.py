"""Benchmark: the weekly with 10x the series registered and stored vs the weekly as bundled.

Not a test: ``python benchmarks/bench_scale.py [--times 10] [--pairs 5]``. Target (issue 13):
<= 1.5x at 10x the series.

Every non-reference instrument is cloned ``times - 1`` times in the registry of the child
processes (``Z<k>.<id>``, the same attributes, names suffixed ``#k``) and each clone gets the
original's stored rows, so the desk really has 10x the series in its registry and its store
(unlike ``bench_analytics.py``, whose worlds are separate 20-series frames, so its per-series
cost is flat by construction). A second pair writes the
weekly as HTML: metalwatch's own work (reads, analytics, charts, template) without WeasyPrint's,
which grows with the pages. The weekly covers the series it shows (``layout.report_instruments``),
so the clones change neither its pages nor its reads; a third pair, ``metalwatch moves`` over
every registered series, is the work that does grow with the registry. Also prints the store's
size and the peak memory of writing the clones.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from pairs import alternate, command, report, run, seeded_store

#: Executed first in every 10x child: the registry with the clones.
CLONES = """
import dataclasses
from metalwatch import registry
_orig = dict(registry.all_instruments())
_all = dict(_orig)
for _iid, _inst in _orig.items():
    if _inst.group == "reference":
        continue
    for _k in range(1, {times}):
        _cid = f"Z{{_k}}.{{_iid}}"
        _all[_cid] = dataclasses.replace(
            _inst,
            id=_cid,
            name_en=f"{{_inst.name_en}} #{{_k}}",
            name_zh=f"{{_inst.name_zh}} #{{_k}}",
        )
registry.all_instruments = lambda: _all
registry.attribute_map.cache_clear()
"""

WRITE_CLONES = """
import metalwatch as mw
from metalwatch import frame
store = mw.Store({store!r})
originals = [i for i, inst in _orig.items() if inst.group != "reference"]
for k in range(1, {times}):
    for start in range(0, len(originals), 10):
        rows = store.read(originals[start:start + 10])
        rows["instrument"] = "Z" + str(k) + "." + rows["instrument"].astype(str)
        store.upsert(rows[[c for c in frame.COLUMNS if c in rows.columns]])
store.close()
"""


def report_code(store: Path, week: str, out: Path, *, fmt: str = "pdf") -> str:
    """``metalwatch report``, as the console script runs it."""
    return command("--store", str(store), "report", "--week", week, "--format", fmt, "-o", str(out))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--times", type=int, default=10)
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--week", default="2025-12-12")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mw-bench-scale-"))
    one = seeded_store(work / "x1.sqlite")
    many = work / f"x{a.times}.sqlite"
    shutil.copyfile(one, many)
    patch = CLONES.format(times=a.times)
    written = run(patch + WRITE_CLONES.format(store=str(many), times=a.times))
    pair = alternate(
        f"report at {a.times}x the series vs at 1x",
        patch + report_code(many, a.week, work / "many.pdf"),
        report_code(one, a.week, work / "one.pdf"),
        n=a.pairs,
        target=1.5,
    )
    html = alternate(
        f"the weekly's HTML (all but WeasyPrint) at {a.times}x the series vs at 1x",
        patch + report_code(many, a.week, work / "many.html", fmt="html"),
        report_code(one, a.week, work / "one.html", fmt="html"),
        n=a.pairs,
    )
    moves = alternate(
        f"metalwatch moves (every registered series) at {a.times}x the series vs at 1x",
        patch + command("--store", str(many), "moves", "--week", a.week),
        command("--store", str(one), "moves", "--week", a.week),
        n=a.pairs,
    )
    report(
        [
            pair.row(),
            pair.row("memory"),
            html.row(),
            html.row("memory"),
            moves.row(),
            moves.row("memory"),
        ]
    )
    print(
        f"stores: 1x {one.stat().st_size / 1e6:.1f} MB, {a.times}x "
        f"{many.stat().st_size / 1e6:.1f} MB; writing the clones peaked at "
        f"{written.peak_mib:.0f} MiB"
    )


if __name__ == "__main__":
    main()
