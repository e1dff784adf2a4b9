"""Benchmark (not a test): the store's size, the peak memory of seeding, and a narrow read.

Each measure runs in a fresh child process, so its peak RSS (``ru_maxrss``) is its own:

* **size**: a new SQLite store seeded from the bundled snapshot (``open_store``): file bytes,
  rows, bytes per row, and the bytes of each table and index (SQLite's ``dbstat``, when the
  library has it).
* **seeding at 1x and at 10x the rows**: peak RSS and seconds of seeding a new store. The 10x
  snapshot is synthetic and made from the real one: every bundled instrument's file is
  written K times, copy k under the id ``<id>~k`` (k = 1..K-1; copy 0 is the real id), the
  same dates and values, streamed file by file through ``Store.upsert_chunks`` in one
  transaction, as ``apply_snapshot`` streams the real one. The ids are not registered, so the
  rows go in unvalidated (``validate=False``), as the bundled snapshot does. On a metalwatch
  without ``upsert_chunks`` (schema 3) the same rows go through one ``upsert`` of one frame,
  which is how it seeded.
* **``mw.prices`` of 10 ids, full history, warm**: median of 9 calls after one uncounted, as a
  ratio to plain ``sqlite3`` fetching the same rows (``date, value`` of the registered
  fields), and the median of 5 ``python -c "import pandas"`` for scale.

Run: ``python benchmarks/bench_store.py [--scale 10] [--folder /tmp/bench-store]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

IDS = [
    "LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "LME.CA.CASH", "SHFE.CU", "SHFE.AL", "SHFE.AU",
    "SHFE.AG", "COMEX.GC", "COMEX.HG",
]  # fmt: skip


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_seed(path: Path, scale: int) -> dict[str, float]:
    """Seed a new store at ``path`` with ``scale`` copies of the snapshot; time and peak RSS."""
    import pandas as pd

    from metalwatch.ingest.seed import open_store
    from metalwatch.sources import bundled
    from metalwatch.store import Store

    t0 = time.perf_counter()
    if scale == 1:
        open_store(path).close()
    else:

        def copies() -> object:
            if hasattr(bundled, "parts_of"):
                parts = bundled.parts_of()
            else:  # schema 3's metalwatch: the one frame, by instrument
                parts = (p for _, p in bundled.load().groupby("instrument", observed=True))
            for part in parts:
                for k in range(scale):
                    iid = str(part["instrument"].iloc[0])
                    yield part if k == 0 else part.assign(instrument=f"{iid}~{k}")

        with Store(path) as st:
            if hasattr(st, "upsert_chunks"):
                st.upsert_chunks(copies(), validate=False)
            else:  # schema 3: one frame
                st.upsert(pd.concat(list(copies()), ignore_index=True), validate=False)
    return {"seconds": time.perf_counter() - t0, "peak_mib": _peak_mib()}


def child_prices(path: Path) -> dict[str, float]:
    """Warm ``mw.prices`` of :data:`IDS` against sqlite3 fetching the same rows."""
    import metalwatch as mw
    from metalwatch import registry

    def timed(fn: object, n: int = 9) -> float:
        fn()  # type: ignore[operator]
        runs = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            runs.append(time.perf_counter() - t0)
        return statistics.median(runs)

    fields = {i: registry.get(i).field for i in IDS}
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    pairs = ",".join("(?, ?)" for _ in IDS)
    params = [x for i in IDS for x in (i, fields[i])]
    if "series" in tables:  # schema 4
        sql = (
            "SELECT o.day, o.value FROM observations o JOIN series s ON s.id = o.series "
            f"WHERE (s.instrument, s.field) IN (VALUES {pairs})"
        )
    else:
        sql = f"SELECT date, value FROM observations WHERE (instrument, field) IN (VALUES {pairs})"
    raw = timed(lambda: con.execute(sql, params).fetchall())
    api = timed(lambda: mw.prices(IDS, store=path))
    rows = len(con.execute(sql, params).fetchall())
    return {"prices_s": api, "sqlite3_s": raw, "rows": float(rows)}


def _child(kind: str, path: Path, scale: int = 1) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--scale", str(scale), "--folder", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _sizes(path: Path) -> tuple[int, int, dict[str, int]]:
    con = sqlite3.connect(path)
    rows = int(con.execute("SELECT COUNT(*) FROM observations").fetchone()[0])
    try:
        stat = con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        tables = {str(n): int(b) for n, b in stat}
    except sqlite3.OperationalError:  # SQLite built without dbstat
        tables = {}
    con.close()
    return path.stat().st_size, rows, tables


def _import_pandas() -> float:
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pandas"], check=True)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--folder", type=Path, default=Path("/tmp/bench-store"))
    ap.add_argument("--child", choices=["seed", "prices"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "seed":
        print(json.dumps(child_seed(args.folder, args.scale)))
        return
    if args.child == "prices":
        print(json.dumps(child_prices(args.folder)))
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    one, many = args.folder / "x1.sqlite", args.folder / f"x{args.scale}.sqlite"
    for p in (one, many):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    s1 = _child("seed", one, 1)
    size, rows, tables = _sizes(one)
    print(f"store, bundled snapshot: {size / 1e6:.1f} MB, {rows:,} rows, {size / rows:.1f} B/row")
    for name, nbytes in tables.items():
        print(f"  {name:<28} {nbytes / 1e6:6.2f} MB")
    print(f"seeding 1x: {s1['seconds']:.2f} s, peak RSS {s1['peak_mib']:.0f} MiB")
    sn = _child("seed", many, args.scale)
    size_n, rows_n, _ = _sizes(many)
    print(
        f"seeding {args.scale}x ({rows_n:,} rows, {size_n / 1e6:.0f} MB): {sn['seconds']:.2f} s, "
        f"peak RSS {sn['peak_mib']:.0f} MiB ({sn['peak_mib'] / s1['peak_mib']:.2f}x the 1x peak)"
    )
    pr = _child("prices", one)
    pandas_s = _import_pandas()
    print(
        f"mw.prices 10 ids, full history, warm: {pr['prices_s'] * 1e3:.0f} ms for "
        f"{pr['rows']:,.0f} rows; sqlite3 fetchall of the same rows {pr['sqlite3_s'] * 1e3:.0f} "
        f"ms = {pr['prices_s'] / pr['sqlite3_s']:.2f}x; python -c 'import pandas' "
        f"{pandas_s * 1e3:.0f} ms = {pr['prices_s'] / pandas_s:.2f}x"
    )


if __name__ == "__main__":
    main()
