"""A circuit breaker per host for one update run.

A host that cannot be resolved or reached is known after the first attempt: the run's
:class:`HostBreaker` (one per :class:`~metalwatch.sources.policy.Policy`, so per run) opens for
that host when a call fails with it (not when a library swallows the failure: yfinance tolerates
an unreachable ``fc.yahoo.com``), the failure is not retried, and every later request to the
host fails at once with the same cause (:class:`HostUnreachableError`, a
:class:`~metalwatch.errors.SourceUnavailableError` whose ``host`` names it). Once three hosts
failed to resolve and none answered, every other host is taken as down too
(:meth:`HostBreaker.offline`), and ``metalwatch update`` prints "no network" once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from metalwatch.errors import SourceUnavailableError

#: Distinct hosts that must fail to resolve, with none answering, before the run takes the
#: network as down (:meth:`HostBreaker.offline`).
OFFLINE_AFTER = 3


class HostUnreachableError(SourceUnavailableError):
    """A series failed because its host could not be resolved or reached in this run.

    ``host`` is the host group (``sina.com.cn``), ``resolve`` True when the name did not
    resolve, ``first`` False when the breaker was already open (another series found it).
    """

    def __init__(
        self,
        reason: str = "",
        *,
        host: str = "",
        resolve: bool = False,
        first: bool = True,
        series: str = "",
        source: str = "",
        url: str | None = None,
    ) -> None:
        super().__init__(reason, series=series, source=source, url=url)
        self.host = host
        self.resolve = resolve
        self.first = first


class HostDown(Exception):
    """Internal signal: a request to a host group the run's breaker has opened.

    Never leaves :meth:`Policy.call`: it becomes a :class:`SourceUnavailableError`.
    """

    def __init__(self, group: str, cause: str, resolve: bool) -> None:
        super().__init__(cause)
        self.group = group
        self.cause = cause
        self.resolve = resolve


class HostBreaker:
    """A circuit breaker per host for one run.

    ``trip(host, cause, resolve)`` opens the host (``group`` may map hosts to a shared key;
    by default each host is its own); ``check(host)`` raises :class:`HostDown` for an open
    host; ``answered(host)`` records that a host replied (so "no network" is never said
    when one did).
    """

    def __init__(self, group: Callable[[str], str | None] = lambda host: None) -> None:
        self._group = group
        self._lock = threading.Lock()
        #: Host group -> (cause, True if the name did not resolve).
        self.down: dict[str, tuple[str, bool]] = {}
        self.replied: set[str] = set()
        self._probing: dict[str, threading.Event] = {}

    def first_contact(self, host: str, wait: float) -> str | None:
        """Let one thread make the first request to ``host``; the others wait for its outcome.

        Returns the host's key when this thread is the one to ask first (it must call
        :meth:`settle` with it once the outcome is known), else None after waiting up to
        ``wait`` seconds for the first asker to settle.
        """
        key = self.key(host)
        with self._lock:
            if key in self.replied or key in self.down:
                return None
            event = self._probing.get(key)
            if event is None:
                self._probing[key] = threading.Event()
                return key
        event.wait(wait)
        return None

    def settle(self, key: str) -> None:
        """The first request to ``key`` has its outcome: release the threads waiting on it."""
        with self._lock:
            event = self._probing.pop(key, None)
        if event is not None:
            event.set()

    def key(self, host: str) -> str:
        """The group ``host`` belongs to (a configured suffix, else the host)."""
        host = host.lower()
        return self._group(host) or host

    def check(self, host: str) -> None:
        """Raise :class:`HostDown` if ``host`` is open, or if the network is (:meth:`offline`)."""
        if not host:
            return
        key = self.key(host)
        with self._lock:
            hit = self.down.get(key)
        if hit is not None:
            raise HostDown(key, f"{hit[0]} (earlier in this run; not asked again)", hit[1])
        if self.offline():
            raise HostDown(
                key, f"not asked: no network ({OFFLINE_AFTER} hosts did not resolve)", True
            )

    def is_down(self, host: str) -> Callable[[], bool]:
        """A test of whether ``host`` is open, for a rate-limit wait to poll."""
        key = self.key(host)
        return lambda: key in self.down or self.offline()

    def trip(self, host: str, cause: str, *, resolve: bool) -> str:
        """Open ``host``'s group with ``cause`` (the first cause stays); return the group."""
        key = self.key(host)
        with self._lock:
            self.down.setdefault(key, (cause, resolve))
        return key

    def answered(self, host: str) -> None:
        """Record that ``host`` answered (any status)."""
        with self._lock:
            self.replied.add(self.key(host) if host else "?")

    def offline(self) -> bool:
        """True once :data:`OFFLINE_AFTER` hosts failed to resolve and none has answered.

        Then every other host is taken as down too, without asking: a machine with no
        network learns it from three names, not one per host.
        """
        with self._lock:
            resolved_none = sum(r for _, r in self.down.values())
            return not self.replied and resolved_none >= OFFLINE_AFTER

    def no_network(self) -> bool:
        """True when hosts were tried, none answered and every one failed to resolve."""
        with self._lock:
            return bool(self.down) and not self.replied and all(r for _, r in self.down.values())
