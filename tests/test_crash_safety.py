"""Crash safety and concurrency of the store, with real processes.

A store import is killed with SIGKILL at random points; after each kill the store must open,
pass ``PRAGMA integrity_check`` and hold every row of every instrument whose commit the importer
had reported. ``METALWATCH_CRASH_RUNS`` sets the number of kills (50 by default; the benchmark
run uses more).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from metalwatch.ingest.seed import open_store
from metalwatch.store import Store
from metalwatch.store.transfer import export_csv

#: Kills per suite run (66 s at 50 on the 2-core box); METALWATCH_CRASH_RUNS=200 for a deep run.
RUNS = int(os.environ.get("METALWATCH_CRASH_RUNS", "30"))


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "metalwatch.cli", *args]


@pytest.fixture(scope="module")
def import_file(
    seeded_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    """The last 800 rows of every bundled series' main field: real data, one commit each."""
    folder = tmp_path_factory.mktemp("crash")
    with Store(seeded_path) as st:
        full = folder / "full.csv"
        export_csv(st, full)
    df = pd.read_csv(full)
    df = df[df["field"].isin(["close", "settle", "stock", "mid", "fix", "adj_close"])]
    df = df.groupby(["instrument", "field"]).tail(800)
    path = folder / "import.csv"
    df.to_csv(path, index=False, float_format="%.17g")
    counts = {str(iid): int(n) for iid, n in df.groupby("instrument").size().items()}
    return path, counts


def _start(store: Path, path: Path) -> subprocess.Popen[str]:
    cmd = _cli("--store", str(store), "store", "import", str(path))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # "importing N rows ...": validated, about to write
    assert first.startswith("importing "), first
    return proc


def _write_seconds(store: Path, path: Path) -> float:
    proc = _start(store, path)
    t = time.perf_counter()
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    return time.perf_counter() - t


def test_sigkill_during_import_loses_nothing_committed(
    import_file: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, counts = import_file
    open_store(tmp_path / "probe.sqlite", seed=False).close()
    writing = _write_seconds(tmp_path / "probe.sqlite", path)
    rng = random.Random(20251212)
    killed_mid_write = 0
    for run in range(RUNS):
        store = tmp_path / f"s{run}.sqlite"
        open_store(store, seed=False).close()
        proc = _start(store, path)
        time.sleep(rng.uniform(0.0, 0.9 * writing))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        committed = [
            line.split()[1].rstrip(":")
            for line in out.splitlines()
            if line.startswith("committed ")
        ]
        if len(committed) < len(counts):
            killed_mid_write += 1
        with Store(store) as st:
            assert st.integrity_check() == "ok", f"run {run}"
            stored = {str(i): int(n) for i, n in st.read().groupby("instrument").size().items()}
        for iid in committed:
            assert stored.get(iid) == counts[iid], f"run {run}: {iid} lost committed rows"
        for iid, n in stored.items():  # a transaction is all or nothing
            assert n == counts[iid], f"run {run}: {iid} half-written ({n} of {counts[iid]})"
        store.unlink()
    # the harness must really kill writes (how many land varies with the machine's load)
    assert killed_mid_write >= RUNS // 4, f"only {killed_mid_write} kills landed mid-import"


def test_two_imports_at_once_serialise(
    import_file: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, counts = import_file
    store = tmp_path / "both.sqlite"
    open_store(store, seed=False).close()
    procs = [
        subprocess.Popen(
            _cli("--store", str(store), "store", "import", str(path)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    with Store(store) as st:
        assert st.integrity_check() == "ok"
        assert st.read().groupby("instrument").size().to_dict() == counts


def test_reads_while_importing(import_file: tuple[Path, dict[str, int]], store_path: Path) -> None:
    path, _ = import_file
    write = _cli("--store", str(store_path), "store", "import", str(path))
    read = _cli("--store", str(store_path), "moves", "--week", "2025-12-12", "LME.CA.3M")
    writer = subprocess.Popen(write, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reader = subprocess.run(read, capture_output=True, text=True, timeout=120)
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert reader.returncode == 0, reader.stderr
    assert "11,800.0" in reader.stdout
