"""Per-host-group spacing of requests (Eastmoney, Sina and Shenwan ban busy clients), shared by
every thread of an update run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

#: Minimum seconds between two requests to one host group. Eastmoney and Sina ban busy
#: clients (akshare #6585, #6100, #5762); Shenwan bans for 8 h or more (#4901).
HOST_INTERVALS: dict[str, float] = {
    "eastmoney.com": 4.0,
    "sina.com.cn": 2.0,
    "swsresearch.com": 4.0,
    "sge.com.cn": 2.0,
    "jin10.com": 1.0,
    "komis.or.kr": 1.0,
    "yahoo.com": 0.5,
    "stlouisfed.org": 1.0,
    "shfe.com.cn": 1.0,
    "qq.com": 1.0,
    "gtimg.cn": 1.0,
    "cftc.gov": 1.0,
}
#: Longest single sleep while waiting for a rate-limit slot that a breaker may cancel.
POLL = 0.2


class RateLimiter:
    """Per-host-group spacing of requests, shared by every thread of a run.

    Parameters
    ----------
    intervals
        Host suffix (``"eastmoney.com"``) -> minimum seconds between two requests.
    clock, sleep
        Monotonic clock and sleep function (injectable for tests).
    """

    def __init__(
        self,
        intervals: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.intervals = dict(HOST_INTERVALS if intervals is None else intervals)
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited: dict[str, float] = {}
        self.requests: dict[str, int] = {}

    def group(self, host: str) -> str | None:
        """The host group (a configured suffix) ``host`` belongs to, or None."""
        host = host.lower()
        for suffix in self.intervals:
            if host == suffix or host.endswith("." + suffix):
                return suffix
        return None

    def acquire(self, host: str, abort: Callable[[], bool] | None = None) -> float:
        """Wait for the host group's next free slot; return the seconds waited.

        With ``abort``, the wait is taken in steps of at most :data:`POLL` seconds and ends
        early once ``abort()`` is true (the host failed for another series meanwhile).
        """
        bucket = self.group(host)
        if bucket is None:
            return 0.0
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(bucket, now))
            self._next[bucket] = slot + self.intervals[bucket]
            self.requests[bucket] = self.requests.get(bucket, 0) + 1
        wait = slot - now
        if wait <= 0:
            return 0.0
        if abort is None:
            self.sleep(wait)
        else:
            left = wait
            while left > 0 and not abort():
                step = min(POLL, left)
                self.sleep(step)
                left -= step
            wait -= max(left, 0.0)
        with self._lock:
            self.waited[bucket] = self.waited.get(bucket, 0.0) + wait
        return wait
