"""Run ``metalwatch update`` through the real CLI against replayed HTTP, and read the result.

The CLI builds its own :class:`~metalwatch.sources.policy.Policy` and takes the run's time
from the clock; :func:`cli_update` swaps in a no-sleep policy (backoff and rate-limit waits
advance a fake clock) and a fixed ``now`` by wrapping :func:`metalwatch.ingest.runner.update`,
and keeps the :class:`~metalwatch.ingest.UpdateReport` so tests can check the typed errors the
summary table only prints.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
import responses

from metalwatch.cli import main
from metalwatch.ingest import runner
from metalwatch.store import Store
from metalwatch.store.compact import day_number
from tests.sources.replay import fast_policy

#: The store is cut after this Friday, as if last updated then; the replays carry the next week.
CUT = "2025-12-05"
#: The report week the catalogue builds.
WEEK = pd.Timestamp("2025-12-12")
#: The run's time: the Saturday after the report week, every session of the week closed.
NOW = pd.Timestamp("2025-12-13 12:00", tz="UTC")


def cut_store(src: Path, dst: Path, after: str = CUT) -> Path:
    """Copy the store ``src`` to ``dst`` without the rows dated after ``after``."""
    shutil.copyfile(src, dst)
    with Store(dst) as st:
        st._con.execute("DELETE FROM observations WHERE day > ?", (day_number(after),))
        st._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return dst


def reset_yfinance() -> None:
    """Forget yfinance's process-wide cookie and crumb (each replay registers its own)."""
    import yfinance as yf

    data = yf.data.YfData()
    data._crumb, data._cookie, data._cookie_strategy = None, None, "basic"


@dataclass
class Run:
    """What one ``metalwatch update`` did: exit code, output, the runner's report, the policy."""

    code: int
    out: str
    err: str
    report: runner.UpdateReport
    policy: object
    calls: list = field(default_factory=list)

    def outcome(self, instrument: str) -> runner.SeriesOutcome:
        return next(o for o in self.report.outcomes if o.instrument == instrument)


def cli_update(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    store: Path,
    instruments: list[str] | tuple[str, ...],
    register: Callable[[responses.RequestsMock], None],
    *,
    now: pd.Timestamp = NOW,
) -> Run:
    """``metalwatch --store STORE update IDS --quiet`` against the answers ``register`` adds."""
    policy = fast_policy()
    reports: list[runner.UpdateReport] = []
    real = runner.update

    @functools.wraps(real)
    def update(*args: object, **kwargs: object) -> runner.UpdateReport:
        kwargs.update(policy=policy, now=now)
        reports.append(real(*args, **kwargs))
        return reports[-1]

    reset_yfinance()
    capsys.readouterr()
    with monkeypatch.context() as mp:
        mp.setattr(runner, "update", update)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            register(rsps)
            code = main(["--store", str(store), "update", *instruments, "--quiet"])
            calls = list(rsps.calls)
    out, err = capsys.readouterr()
    [report] = reports
    return Run(code, out, err, report, policy, calls)


def rows(store: Path, instruments: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Every stored row of ``instruments``."""
    with Store(store) as st:
        return st.read(list(instruments))


def revisions(store: Path, instrument: str) -> pd.DataFrame:
    with Store(store) as st:
        return st.revisions(instrument)


def last_fetch(store: Path, instrument: str) -> dict:
    """The latest ``fetch_log`` row of ``instrument``."""
    with Store(store) as st:
        log = st.last_fetches().set_index("instrument")
    return log.loc[instrument].to_dict()
