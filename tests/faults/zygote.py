"""A pre-loaded parent process that forks one ``metalwatch update`` per command, for kill tests.

Starting Python with akshare, yfinance and pandas costs seconds; a crash test killing fifty
updates cannot pay that fifty times. :data:`ZYGOTE` (run after
:data:`tests.faults.replay_server.BOOTSTRAP`) imports and warms everything once, then reads
commands from stdin, one per line: ``<store> <output file>``. For each it forks a child that
runs ``metalwatch --store <store> update <ids> --quiet`` (the real CLI) with stdout and stderr
going to the output file, and answers the child's pid on stdout. Children are reaped by the
kernel (SIGCHLD ignored), so a killed one simply disappears.

The child writes ``start`` when the runner begins and ``committed <instrument> <rows>`` after
each series' transaction commits (a wrapper around ``Store.upsert``), unbuffered, so a test
knows what was committed before it killed the child. Rate limits and backoff are off (the
replay server is local); everything else is the production code path.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.faults.replay_server import BOOTSTRAP, child_env

ZYGOTE = """
import json, os, signal, sys, time
import metalwatch.store.database as database
from metalwatch.cli import main
from metalwatch.sources.policy import Policy
from metalwatch.sources.rate_limit import RateLimiter
from metalwatch.ingest import runner

IDS = json.loads(os.environ["METALWATCH_ZYGOTE_IDS"])
runner.Policy = lambda: Policy(limiter=RateLimiter(intervals={}), backoff=0.0)
real_upsert, real_update = database.Store.upsert, runner.update

def upsert(self, df, **kw):
    result = real_upsert(self, df, **kw)
    if len(df):
        t = time.monotonic() - STARTED[0]
        os.write(1, f"committed {df['instrument'].iloc[0]} {len(df)} {t:.3f}\\n".encode())
    return result

STARTED = [0.0]

def update(*args, **kw):
    STARTED[0] = time.monotonic()
    os.write(1, b"start\\n")
    return real_update(*args, **kw)

database.Store.upsert = upsert
runner.update = update

def run(store):
    return main(["--store", store, "update", *IDS, "--quiet"])

warm = os.environ["METALWATCH_ZYGOTE_WARM"]
devnull = os.open(os.devnull, os.O_WRONLY)
saved = os.dup(1)
os.dup2(devnull, 1)
run(warm)  # imports every adapter, fills yfinance's caches
os.dup2(saved, 1)
import yfinance
yfinance.data.YfData()._session.close()  # no pooled connection may be shared by the forks
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
print("ready", flush=True)
for line in sys.stdin:
    store, out = line.split()
    pid = os.fork()
    if pid == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            code = run(store)
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 70
        os._exit(code)
    print(pid, flush=True)
"""


class Zygote:
    """The forking parent (a child process of the test), talking over pipes."""

    def __init__(self, port: int, folder: Path, warm_store: Path, ids: list[str]) -> None:
        import json

        env = child_env(port, folder / "yf-cache")
        env.update(METALWATCH_ZYGOTE_IDS=json.dumps(ids), METALWATCH_ZYGOTE_WARM=str(warm_store))
        self.log = folder / "zygote.err"
        with self.log.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", BOOTSTRAP + ZYGOTE],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.close()
            raise RuntimeError(f"zygote did not start: {line!r} {self.log.read_text()[-2000:]}")

    def spawn(self, store: Path, out: Path) -> int:
        """Fork ``metalwatch update`` on ``store``; its output goes to ``out``. Returns its pid."""
        self.proc.stdin.write(f"{store} {out}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        """End the zygote (it exits when its stdin closes; killed by pid if it does not)."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe and not pipe.closed:
                pipe.close()


def alive(pid: int) -> bool:
    """Whether process ``pid`` still exists (a reaped child does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float = 60.0) -> None:
    """Wait until ``pid`` has exited and been reaped."""
    end = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > end:
            os.kill(pid, signal.SIGKILL)
            raise TimeoutError(f"process {pid} still running after {timeout} s")
        time.sleep(0.005)


def wait_line(path: Path, text: str, pid: int, timeout: float = 60.0) -> bool:
    """Wait until ``path`` holds a line ``text`` (True) or ``pid`` is gone first (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and text in path.read_text().splitlines():
            return True
        if not alive(pid):
            return path.exists() and text in path.read_text().splitlines()
        time.sleep(0.002)
    raise TimeoutError(f"no {text!r} from process {pid} after {timeout} s")


def wait_commits(path: Path, count: int, pid: int, timeout: float = 60.0) -> bool:
    """Wait until ``path`` holds ``count`` ``committed`` lines (True) or ``pid`` is gone (False)."""
    end = time.monotonic() + timeout

    def done() -> bool:
        lines = path.read_text().splitlines() if path.exists() else []
        return sum(line.startswith("committed ") for line in lines) >= count

    while time.monotonic() < end:
        if done():
            return True
        if not alive(pid):
            return done()
        time.sleep(0.001)
    raise TimeoutError(f"no {count} commits from process {pid} after {timeout} s")
