"""Crash safety and concurrency of ``metalwatch update``, with real processes and SIGKILL.

Each run forks the real CLI (``metalwatch --store S update <10 series> --quiet``) from a
pre-loaded parent (:mod:`tests.faults.zygote`) against the fixtures served by a replay server
on 127.0.0.1 (:mod:`tests.faults.replay_server`), on a copy of the seeded store cut after
2025-12-05, and kills it with SIGKILL at a random moment of its run. After each kill the store
must open, pass ``PRAGMA integrity_check``, and hold every series either exactly as before the
run or exactly as a complete run leaves it (rows, values, sources and revisions): a series
whose commit the child reported is complete, and no series is half-written.

Each kill picks a number k of series (0 to all) at random, waits until the child has reported
k commits (or, for k = 0, until the runner starts), then waits a random fraction of the time
between two commits (of the time before the first, for k = 0) and kills: most kills land
while series are being fetched, checked and written, some before the first write or after the
last. The test counts where they landed. Two runs go at a time, each on its own store.
``METALWATCH_CRASH_RUNS`` sets the number of kills (50 by default; a benchmark run uses more).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from metalwatch import week_api
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.faults.harness import CUT
from tests.faults.replay_server import ReplayServer
from tests.faults.zygote import Zygote, alive, wait_commits, wait_gone, wait_line
from tests.sources.replay import E2E_INSTRUMENTS

RUNS = int(os.environ.get("METALWATCH_CRASH_RUNS", "50"))
#: Updates killed at a time (each on its own store copy).
LANES = 2
#: Every kind of source, a payload shared by two series, a fallback-capable Yahoo series.
IDS = [
    "SHFE.CU",
    "SHFE.AL",
    "LME.CA.3M",
    "LME.CA.STOCK",
    "LME.AH.STOCK",
    "COMEX.GC.STOCK",
    "KOMIS.ND",
    "SSE.600111",
    "COMEX.GC",
    "SW.801050",
]
assert set(IDS) <= set(E2E_INSTRUMENTS)
#: History kept in the test store: enough for the scale check's 400-day look-back.
KEEP_FROM = "2024-06-01"


@pytest.fixture(scope="module")
def base(seeded_path, tmp_path_factory) -> Path:
    """The seeded store as of Friday 2025-12-05, from 2024-06 on (small: fast to copy and check)."""
    path = tmp_path_factory.mktemp("crash-update") / "base.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        st._con.execute(
            "DELETE FROM observations WHERE day > ? OR day < ?",
            (day_number(CUT), day_number(KEEP_FROM)),
        )
        st._con.execute("DELETE FROM revisions")
        st._con.execute("VACUUM")
        st._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="module")
def zygote(base, tmp_path_factory):
    folder = tmp_path_factory.mktemp("zygote")
    warm = folder / "warm.sqlite"
    shutil.copyfile(base, warm)
    with ReplayServer() as server:
        z = Zygote(server.port, folder, warm, IDS)
        try:
            yield z
        finally:
            z.close()


def state(path: Path) -> dict[str, tuple[frozenset, int]]:
    """Per series: its stored rows (field, date, value, source) and its number of revisions."""
    with Store(path) as st:
        assert st.integrity_check() == "ok"
        df = st.read(IDS)
        revs = st.revisions()
    out = {}
    for iid in IDS:
        mine = df[df["instrument"] == iid]
        rows = frozenset(
            zip(mine["field"], mine["date"], mine["value"], mine["source"], strict=True)
        )
        out[iid] = (rows, int((revs["instrument"] == iid).sum()))
    return out


def run_to_end(zygote: Zygote, src: Path, folder: Path) -> tuple[Path, list[str]]:
    """One uninterrupted update of a copy of ``src``: the store, and the child's output."""
    store, out = folder / "full.sqlite", folder / "full.out"
    shutil.copyfile(src, store)
    pid = zygote.spawn(store, out)
    wait_gone(pid)
    return store, out.read_text().splitlines()


def commit_times(lines: list[str]) -> list[float]:
    """Seconds from the runner's start to each ``committed`` line."""
    return [float(line.split()[3]) for line in lines if line.startswith("committed ")]


@pytest.fixture(scope="module")
def full(zygote, base, tmp_path_factory):
    """The state a complete run leaves, and its first and last commit times."""
    store, lines = run_to_end(zygote, base, tmp_path_factory.mktemp("full"))
    summary = f"{len(IDS)} series: {len(IDS)} ok, 0 failed"
    assert any(line.startswith(summary) for line in lines), "\n".join(lines)
    times = commit_times(lines)
    assert len(times) == len(IDS)
    return state(store), (min(times), max(times))


def test_sigkill_during_update_loses_nothing_committed(zygote, base, full, tmp_path) -> None:
    expected, (first, last) = full
    before = state(base)
    changed = {i for i in IDS if expected[i] != before[i]}
    assert changed == set(IDS)  # every series gets the week's rows
    gap = (last - first) / (len(IDS) - 1)  # between two commits, on average
    spawning = threading.Lock()

    def kill_one(run: int) -> str:
        """One killed update; returns where the kill landed."""
        rng = random.Random(20251212 + run)
        store, out = tmp_path / f"s{run}.sqlite", tmp_path / f"s{run}.out"
        shutil.copyfile(base, store)
        with spawning:
            pid = zygote.spawn(store, out)
        k = rng.randint(0, len(IDS))
        if wait_line(out, "start", pid) and (k == 0 or wait_commits(out, k, pid)):
            time.sleep(rng.uniform(0.0, first if k == 0 else gap))
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
        wait_gone(pid)
        committed = {
            line.split()[1]
            for line in out.read_text().splitlines()
            if line.startswith("committed ")
        }
        now = state(store)  # opens, passes integrity_check
        for iid in IDS:
            assert now[iid] in (before[iid], expected[iid]), f"run {run}: {iid} half-written"
            if iid in committed:
                assert now[iid] == expected[iid], f"run {run}: {iid} lost committed rows"
        with Store(store) as st:
            log = st.last_fetches()
        for iid in log.loc[log["status"] == "ok", "instrument"]:
            assert now[iid] == expected[iid], f"run {run}: {iid} logged ok but incomplete"
        for path in (store, Path(f"{store}-wal"), Path(f"{store}-shm")):
            path.unlink(missing_ok=True)
        done = {i for i in changed if now[i] == expected[i]}
        return (
            "before the first commit"
            if not done
            else "after the last commit"
            if done == changed
            else "mid-write"
        )

    t_start = time.monotonic()
    with ThreadPoolExecutor(max_workers=LANES) as pool:
        landed = Counter(pool.map(kill_one, range(RUNS)))
    elapsed = time.monotonic() - t_start
    print(
        f"\n{RUNS} kills in {elapsed:.1f} s, {LANES} at a time (uninterrupted: commits from "
        f"{first:.2f} s to {last:.2f} s after the runner starts): "
        + ", ".join(
            f"{landed[k]} {k}"
            for k in ("before the first commit", "mid-write", "after the last commit")
        )
    )
    assert landed["mid-write"] >= RUNS // 2, landed


def _summary(path: Path) -> str:
    return next((line for line in path.read_text().splitlines() if " series: " in line), "")


def test_two_updates_at_once_serialise(zygote, base, full, tmp_path) -> None:
    expected, _ = full
    store = tmp_path / "both.sqlite"
    shutil.copyfile(base, store)
    outs = [tmp_path / "a.out", tmp_path / "b.out"]
    pids = [zygote.spawn(store, out) for out in outs]
    for pid in pids:
        wait_gone(pid)
    for out in outs:
        text = out.read_text()
        busy = "is busy (another metalwatch is writing)" in text
        assert busy or f"{len(IDS)} ok, 0 failed" in _summary(out), text
    assert state(store) == expected


def test_reads_while_updating(zygote, base, full, tmp_path) -> None:
    """The weekly's moves and the raw rows are read, again and again, while an update writes."""
    expected, _ = full
    store, out = tmp_path / "rw.sqlite", tmp_path / "rw.out"
    shutil.copyfile(base, store)
    pid = zygote.spawn(store, out)
    reads, seen = 0, set()
    while alive(pid) or reads == 0:
        moves = week_api.moves(
            "2025-12-05", ids=["SHFE.CU", "LME.CA.3M", "SSE.600111"], store=store
        )
        assert moves.loc["SHFE.CU", "close_date"] == pd.Timestamp(CUT)
        with Store(store) as st:
            seen.add(len(st.read(IDS, start="2025-12-06")))
        reads += 1
    wait_gone(pid)
    assert f"{len(IDS)} ok, 0 failed" in _summary(out), out.read_text()
    assert state(store) == expected and reads > 1 and len(seen) > 1  # saw rows arrive


def test_a_fallback_does_not_overwrite_what_another_update_stored_meanwhile(base, tmp_path):
    """Two updates at once: while this one's fallback (Sina) fetched, the other stored Yahoo's
    week; the fallback only extends the series as stored when it writes, so it adds nothing."""
    import responses

    from metalwatch.ingest import runner, update
    from tests.faults.harness import NOW, reset_yfinance
    from tests.sources.replay import SINA_FOREIGN, body, fast_policy, yahoo_chart

    store = tmp_path / "race.sqlite"
    shutil.copyfile(base, store)
    week = pd.bdate_range("2025-12-08", "2025-12-12")
    other = pd.DataFrame(
        {
            "instrument": "COMEX.GC",
            "field": "close",
            "date": week,
            "value": [4200.0, 4210.0, 4220.0, 4230.0, 4240.0],
            "unit": "USD/oz",
            "currency": "USD",
            "source": "yfinance",
        }
    )
    real_fetch = runner._fetch_job

    def fetch_while_another_run_writes(*args: object) -> object:
        got = real_fetch(*args)
        with Store(store) as st:  # the other process's commit
            st.upsert(other)
        return got

    reset_yfinance()
    with pytest.MonkeyPatch.context() as mp, responses.RequestsMock() as rsps:
        mp.setattr(runner, "_fetch_job", fetch_while_another_run_writes)
        yahoo_chart(rsps, "GC=F", (500, b"<html>down</html>"))
        rsps.add(
            responses.GET, SINA_FOREIGN, body=body("sina_kline/GC.jsonp"), content_type="text/html"
        )
        [out] = update(["COMEX.GC"], store=store, policy=fast_policy(), now=NOW).outcomes
    assert out.status == "ok" and out.source == "akshare:futures_foreign_hist"
    assert "dates stored meanwhile by another run" in out.message
    assert out.added == 0 and out.revised == 0
    with Store(store) as st:
        closes = st.read(["COMEX.GC"], fields=["close"], start="2025-12-08")
        assert st.revisions("COMEX.GC").empty
    assert list(closes["value"]) == list(other["value"])
    assert set(closes["source"]) == {"yfinance"}
