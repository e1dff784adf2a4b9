"""Benchmark (not a test): a full ``metalwatch update`` against a slow local replay server.

Run: ``python benchmarks/bench_update.py [--delay 0.3] [--config all|production|unlimited]``.

A replay server on 127.0.0.1 (``tests/faults/replay_server.py``) answers every endpoint of the
28 series that have replay payloads (SHFE and LME via Sina, COMEX/FX/DXY via Yahoo, LME stocks
via Jin10, COMEX stocks and 7 A-shares via Eastmoney, KOMIS, Shenwan) from tests/fixtures,
each answer ``--delay`` seconds late (300 ms by default). This process's ``requests`` traffic
is sent to it below metalwatch's network policy, so timeouts, retries and per-host rate limits
see the real hosts; every other socket is refused. Nothing leaves 127.0.0.1, the request count
is fixed by the series list, and the run ends by itself (about 9 minutes with ``all``, most of
it Eastmoney's 4 s spacing; ``--config unlimited`` takes about a minute).

Each configuration measures, in this one run, on a fresh copy of a store cut after 2025-12-05:

- **update**: ``metalwatch.ingest.update(ids)`` (the CLI's code path, without argument parsing
  and printing), after a warm-up run so that imports and yfinance's caches are not timed;
- **sequential update**: the same update with one fetch thread (series one after another);
- **naive sequential loop**: the requests of that sequential update (the same requests as the
  update's, in series order, from the server's log), replayed one after another with a plain
  ``requests`` session and the same per-host rate limits, no parsing: the time a
  one-request-at-a-time client needs for the same data (measured once per rate-limit setting:
  the requests do not depend on the thread count);
- **slowest single chain**: each group of series that shares a rate-limited host (or Yahoo's
  process-wide lock) updated alone (16 threads); the slowest group bounds any schedule from
  below.

Configurations: ``production`` (the default policy: Eastmoney one request per 4 s, Sina 2 s,
...) with 16 fetch threads (the default) and with 4 (the previous default); ``unlimited`` (no
rate limits) with 16 threads, which measures the scheduling alone. The target is an update
close to the slowest single chain.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["YF_DISABLE_CURL_CFFI"] = "1"  # yfinance on requests, so the redirect applies
os.environ["TQDM_DISABLE"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Series with a replay payload, grouped by what serialises their requests.
GROUPS = {
    "Eastmoney (COMEX stocks, A-shares)": [
        "COMEX.GC.STOCK",
        "COMEX.SI.STOCK",
        "SSE.601899",
        "SSE.600362",
        "SSE.603993",
        "SSE.600111",
        "SSE.601600",
        "SZSE.000960",
        "SSE.600547",
    ],
    "Sina (SHFE, LME 3M)": [
        "SHFE.CU",
        "SHFE.AL",
        "SHFE.SN",
        "SHFE.AU",
        "SHFE.AG",
        "LME.CA.3M",
        "LME.AH.3M",
        "LME.SN.3M",
    ],
    "Yahoo (COMEX, USD/CNY, DXY)": ["COMEX.GC", "COMEX.SI", "COMEX.HG", "FX.USDCNY", "ICE.DXY"],
    "KOMIS (rare earths)": ["KOMIS.ND", "KOMIS.CE"],
    "Jin10 (LME stocks)": ["LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"],
    "Shenwan (index)": ["SW.801050"],
}
IDS = [i for ids in GROUPS.values() for i in ids]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--delay", type=float, default=0.3, help="seconds added to every answer")
    p.add_argument("--config", choices=["all", "production", "unlimited"], default="all")
    a = p.parse_args()

    import warnings

    warnings.simplefilter("ignore")  # yfinance's notice about curl_cffi, pandas 3 notes
    import yfinance

    from metalwatch.ingest import runner
    from metalwatch.sources.policy import Policy
    from metalwatch.sources.rate_limit import HOST_INTERVALS, RateLimiter
    from metalwatch.store import Store
    from tests.faults.harness import cut_store, reset_yfinance
    from tests.faults.replay_server import ReplayServer, redirect
    from tests.sources.replay import E2E_INSTRUMENTS

    assert sorted(IDS) == sorted(E2E_INSTRUMENTS)
    work = Path(tempfile.mkdtemp(prefix="mw-bench-update-"))
    yfinance.set_tz_cache_location(str(work / "yf-cache"))
    t = time.perf_counter()
    seeded = work / "seeded.sqlite"
    Store(seeded).close()
    base = cut_store(seeded, work / "base.sqlite")
    print(
        f"store seeded and cut after 2025-12-05 in {time.perf_counter() - t:.1f} s; "
        f"{len(IDS)} series, {a.delay * 1000:.0f} ms per request\n"
    )

    def policy(limited: bool) -> Policy:
        return Policy() if limited else Policy(limiter=RateLimiter(intervals={}))

    with ReplayServer(delay=a.delay) as server:
        redirect(server.port)

        def update(ids: list[str], limited: bool, workers: int) -> tuple[float, list]:
            """Seconds for one update of ``ids`` on a fresh store copy, and its requests."""
            store = work / "run.sqlite"
            shutil.copyfile(base, store)
            for extra in ("-wal", "-shm"):
                Path(f"{store}{extra}").unlink(missing_ok=True)
            reset_yfinance()
            mark = len(server.log)
            t0 = time.perf_counter()
            report = runner.update(ids, store=store, policy=policy(limited), workers=workers)
            seconds = time.perf_counter() - t0
            failed = [f"{o.instrument}: {o.message}" for o in report.failed]
            assert not failed, failed
            return seconds, server.log[mark:]

        def replay_sequentially(requests_made: list, limited: bool) -> float:
            """The same requests, one after another, spaced by the same rate limits."""
            import requests

            limiter = RateLimiter(intervals=HOST_INTERVALS if limited else {})
            t0 = time.perf_counter()
            with requests.Session() as s:
                for r in sorted(requests_made, key=lambda r: r.started):
                    limiter.acquire(r.host)
                    s.request(
                        r.method, f"https://{r.host}{r.target}", data=r.body or None, timeout=30
                    )
            return time.perf_counter() - t0

        update(IDS, limited=False, workers=16)  # warm-up: imports, yfinance's time-zone cache
        configs = []
        if a.config in ("all", "production"):
            configs += [
                ("production rate limits, 16 fetch threads (default)", True, 16),
                ("production rate limits, 4 fetch threads (previous default)", True, 4),
            ]
        if a.config in ("all", "unlimited"):
            configs += [("no rate limits, 16 fetch threads", False, 16)]
        rows, chains_by_limit, floors = [], {}, {}
        for name, limited, workers in configs:
            seconds, made = update(IDS, limited, workers)
            if limited not in floors:  # the same requests whatever the thread count
                sequential, in_order = update(IDS, limited, 1)
                assert len(in_order) == len(made)
                floors[limited] = (replay_sequentially(in_order, limited), sequential)
                chains_by_limit[limited] = {
                    g: update(ids, limited, 16)[0] for g, ids in GROUPS.items()
                }
            naive, sequential = floors[limited]
            chains = chains_by_limit[limited]
            slowest = max(chains.values())
            rows.append(
                (name, len(made), seconds, naive, sequential, slowest, max(chains, key=chains.get))
            )
            print(f"  {name}: {seconds:.1f} s", flush=True)

    print(
        "\n| configuration | requests | update (s) | naive sequential loop (s) | "
        "sequential update, 1 thread (s) | slowest single chain (s) | update / naive | "
        "update / slowest chain |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, n, upd, naive, seq, slowest, _ in rows:
        print(
            f"| {name} | {n} | {upd:.1f} | {naive:.1f} | {seq:.1f} | {slowest:.1f} | "
            f"{upd / naive:.2f}x | {upd / slowest:.2f}x |"
        )
    for limited, chains in chains_by_limit.items():
        label = "production rate limits" if limited else "no rate limits"
        print(
            f"\nchains alone ({label}): "
            + "; ".join(f"{g} {s:.1f} s" for g, s in sorted(chains.items(), key=lambda kv: -kv[1]))
        )
    med = statistics.median(r.ended - r.started for r in server.log)
    print(f"\nmedian answer time at the server: {med * 1000:.0f} ms; work folder {work}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
