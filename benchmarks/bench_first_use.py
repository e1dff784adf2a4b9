"""Benchmark: the first report on a new store (seeding included) vs the second on that store.

Not a test: ``python benchmarks/bench_first_use.py [--pairs 5]``. Target (issue 13): <= 1.15x.
Each A run starts from a deleted store; each B run reports on the store A just seeded (once as
it is, once with its chart cache emptied, so that the pair differs by seeding alone). Also
prints peak memory of seeding alone vs opening the seeded store, a new store seeded row by row
vs started from the bundled store image, and the store's size per row (target: the bundled
history in <= 20 MB).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from pairs import alternate, command, report

SEED_ONLY = "import metalwatch as mw; mw.moves('2025-12-12', store={store!r})"
# the same with the store image set aside: the new store is seeded row by row
ROW_BY_ROW = (
    "import metalwatch as mw; from metalwatch.ingest import seed; "
    "seed.bundled_image = lambda: None; mw.moves('2025-12-12', store={store!r})"
)


def report_code(store: Path, week: str, out: Path) -> str:
    """``metalwatch report``, as the console script runs it."""
    return command("--store", str(store), "report", "--week", week, "-o", str(out))


def rows_in(store: Path) -> int:
    """Rows of the stored observations (the largest table)."""
    with sqlite3.connect(store) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        return max(db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables)


def forget_charts(store: Path) -> None:
    """Empty the store's chart cache (schema 5), so the next report draws every chart."""
    with sqlite3.connect(store) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        if "chart_cache" in tables:
            db.execute("delete from chart_cache")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--week", default="2025-12-12")
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mw-bench-first-"))
    store = work / "store.sqlite"

    def fresh() -> None:
        for f in work.glob("store.sqlite*"):
            f.unlink()

    code = report_code(store, a.week, work / "w.pdf")
    pair = alternate(
        "first report on a new store vs the second",
        code,
        code,
        n=a.pairs,
        target=1.15,
        before_a=fresh,
    )
    # the second report reuses the charts the first drew (the store's chart cache): with the
    # cache emptied before it, the pair measures what seeding alone adds
    uncached = alternate(
        "first report on a new store vs the second with the chart cache emptied",
        code,
        code,
        n=a.pairs,
        target=1.15,
        before_a=fresh,
        before_b=lambda: forget_charts(store),
    )
    rows = [pair.row(), uncached.row()]
    seed = alternate(
        "mw.moves on a new store (seeding it) vs on the seeded store",
        SEED_ONLY.format(store=str(store)),
        SEED_ONLY.format(store=str(store)),
        n=a.pairs,
        before_a=fresh,
    )
    rows += [seed.row(), seed.row("memory")]
    image = alternate(
        "mw.moves on a new store seeded row by row vs started from the store image",
        ROW_BY_ROW.format(store=str(store)),
        SEED_ONLY.format(store=str(store)),
        n=a.pairs,
        before_a=fresh,
        before_b=fresh,
    )
    rows += [image.row(), image.row("memory")]
    report(rows)
    size = store.stat().st_size
    n = rows_in(store)
    print(
        f"store size: {size / 1e6:.1f} MB for {n:,} rows in its largest table, "
        f"{size / n:.0f} B/row (target <= 20 MB: {'pass' if size <= 20e6 else 'miss'})"
    )


if __name__ == "__main__":
    main()
