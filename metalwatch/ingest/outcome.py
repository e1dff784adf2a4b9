"""What an update run reports: one outcome per series, and the run's totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

#: What became of a series: updated (``ok``, rows or not), ``failed``, or ``skipped``.
Status = Literal["ok", "failed", "skipped"]


@dataclass
class Attempt:
    """One route tried for a series: its source label and, if it failed, the error."""

    source: str
    error: BaseException | None = None


@dataclass
class SeriesOutcome:
    """What happened to one series (or the news feed, or a price file)."""

    instrument: str
    status: Status
    source: str = ""
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    last_date: pd.Timestamp | None = None
    message: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    error: BaseException | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True unless the series failed."""
        return self.status != "failed"


@dataclass
class UpdateReport:
    """All outcomes of a run, with request counts and rate-limit waits per host."""

    outcomes: list[SeriesOutcome]
    seconds: float
    requests: dict[str, int]
    waited: dict[str, float]
    #: Host group -> why the run's circuit breaker opened for it (not resolved, not reached).
    unreachable: dict[str, str] = field(default_factory=dict)
    #: True when hosts were tried, none answered and none resolved: the machine is offline.
    no_network: bool = False

    @property
    def failed(self) -> list[SeriesOutcome]:
        """The outcomes that failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def added(self) -> int:
        """Rows added over the run."""
        return sum(o.added for o in self.outcomes)

    @property
    def revised(self) -> int:
        """Rows revised over the run."""
        return sum(o.revised for o in self.outcomes)
