"""How live sources use the network: timeouts, retries with backoff, per-host rate limits.

akshare calls module-level ``requests.get``/``post`` with no timeout and never checks the HTTP
status. :func:`guard` fixes both for the calls made *inside* it, on the calling thread only: a
thin wrapper over ``requests.Session.request`` (installed while at least one guard is open,
removed after) adds the policy's timeout when none was given, waits for the host's rate-limit
slot, and raises :class:`_HTTPStatus` on a 4xx/5xx answer so a server error is not mistaken
for a malformed body. Calls on other threads, or outside a guard, pass through
untouched.

:meth:`Policy.call` runs one fetch under a guard and retries it with exponential backoff on
transient failures only (timeouts, dropped connections, 5xx, 429); permanent ones (4xx,
payloads that do not parse) fail at once. Every failure leaves as a typed
:class:`~metalwatch.errors.SourceError` whose fields name the source, the series, the URL
asked and the HTTP status of its answer (when the guard saw them), with the original exception
chained; errors of the library's own tree raised inside the call pass through as they are.
Sleeping goes through ``Policy.sleep`` and the limiter's clock, so tests run without real
waits.

A host that cannot be resolved or reached is known after the first attempt: the run's
:class:`HostBreaker` (one per :class:`Policy`, so per run) opens for that host when a call
fails with it (not when a library swallows the failure: yfinance tolerates an unreachable
``fc.yahoo.com``), the failure is not retried, and every later request to the host fails at
once with the same cause (:class:`HostUnreachableError`, a
:class:`~metalwatch.errors.SourceUnavailableError` whose ``host`` names it). Once three hosts
failed to resolve and none answered, every other host is taken as down too
(:meth:`HostBreaker.offline`), and ``metalwatch update`` prints "no network" once.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from metalwatch.errors import (
    MetalwatchError,
    RateLimitedError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
)

T = TypeVar("T")

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
#: Distinct hosts that must fail to resolve, with none answering, before the run takes the
#: network as down (:meth:`HostBreaker.offline`).
OFFLINE_AFTER = 3
#: Longest single sleep while waiting for a rate-limit slot that a breaker may cancel.
POLL = 0.2
#: Exception class names that mean "try again" whatever library raised them (requests,
#: curl_cffi, urllib3, http.client).
TRANSIENT_NAMES = frozenset(
    {
        "Timeout",
        "TimeoutError",
        "ConnectTimeout",
        "ReadTimeout",
        "ConnectionError",
        "RemoteDisconnected",
        "ChunkedEncodingError",
        "ProtocolError",
        "IncompleteRead",
    }
)
#: Exception class names of a timeout.
TIMEOUT_NAMES = frozenset({"Timeout", "TimeoutError", "ConnectTimeout", "ReadTimeout"})
#: Exception class names of a host that cannot be resolved (requests/urllib3, curl_cffi).
RESOLVE_NAMES = frozenset({"NameResolutionError", "DNSError", "gaierror"})
#: Exception class names of a host that refused or could not be routed to.
CONNECT_NAMES = frozenset({"NewConnectionError", "ConnectionRefusedError"})
#: Message fragments of the same failures when only the text tells (curl, nested wrappers).
RESOLVE_TEXTS = (
    "failed to resolve",
    "name or service not known",
    "temporary failure in name resolution",
    "could not resolve host",
    "nodename nor servname",
    "no address associated with hostname",
    "getaddrinfo failed",
)
CONNECT_TEXTS = (
    "network is unreachable",
    "no route to host",
    "[errno 111] connection refused",
    "couldn't connect to server",
)
#: What :func:`classify` sorts an exception into.
Kind = Literal["transient", "rate", "permanent", "format"]


class _HTTPStatus(Exception):
    """Internal signal: an HTTP error status seen by :func:`guard` (or by an adapter).

    Never leaves :meth:`Policy.call`: it becomes a typed :class:`SourceError`.
    """

    def __init__(
        self, status: int, host: str, retry_after: float | None = None, url: str | None = None
    ) -> None:
        super().__init__(f"HTTP {status} from {host}")
        self.status = status
        self.host = host
        self.retry_after = retry_after
        self.url = url


class TransientError(Exception):
    """Raised by an adapter for a failure it knows is worth retrying (e.g. an outage page)."""


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


@dataclass
class Policy:
    """Timeouts, retries and rate limits for one update run.

    Parameters
    ----------
    timeout
        ``(connect, read)`` seconds given to every request that sets none.
    retries
        Extra attempts after the first, on transient failures only.
    backoff
        First backoff in seconds; it doubles per retry, capped at ``max_backoff``.
    max_retry_after
        A 429 asking to wait longer than this fails at once (as :class:`RateLimitedError`).
    limiter
        The per-host rate limiter.
    sleep
        Sleep used for backoff (injectable for tests).
    """

    timeout: tuple[float, float] = (10.0, 30.0)
    retries: int = 2
    backoff: float = 2.0
    max_backoff: float = 30.0
    max_retry_after: float = 60.0
    limiter: RateLimiter = field(default_factory=RateLimiter)
    sleep: Callable[[float], None] = time.sleep
    breaker: HostBreaker | None = None

    def __post_init__(self) -> None:
        if self.breaker is None:
            self.breaker = HostBreaker()

    @property
    def hosts(self) -> HostBreaker:
        """The run's circuit breaker (always set after construction)."""
        assert self.breaker is not None
        return self.breaker

    def _settle(self, ctx: _Context | None) -> None:
        """Release the hosts this attempt asked first (their outcome is known now)."""
        if ctx is not None:
            for key in ctx.probes:
                self.hosts.settle(key)
            ctx.probes.clear()

    def enter(self, host: str) -> float:
        """Before a request to ``host`` the guard cannot see (curl_cffi): breaker, then slot."""
        self.hosts.check(host)
        waited = self.limiter.acquire(host, self.hosts.is_down(host))
        if waited > 0:
            self.hosts.check(host)
        return waited

    def call(
        self,
        fn: Callable[[], T],
        *,
        source: str,
        series: str,
        raise_status: bool = True,
        hint: str | None = None,
    ) -> T:
        """Run ``fn`` under :func:`guard`, retrying transient failures with backoff.

        A host that cannot be resolved or reached fails at once and opens the run's breaker
        for its group (``hint``: the host to blame when neither the guard nor the error names
        one, e.g. a curl_cffi call).

        Raises
        ------
        SourceUnavailableError, RateLimitedError, SourceFormatError
            One line naming ``source``, ``series`` and the cause, with ``url`` and ``status``
            set when the guard saw the request; ``__cause__`` is the original exception.
        """
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            ctx: _Context | None = None
            try:
                with guard(self, raise_status=raise_status) as ctx:
                    result = fn()
                self._settle(ctx)
                return result
            except MetalwatchError:
                self._settle(ctx)
                raise
            except HostDown as exc:
                self._settle(ctx)
                raise HostUnreachableError(
                    exc.cause,
                    host=exc.group,
                    resolve=exc.resolve,
                    first=False,
                    series=series,
                    source=source,
                    url=_where(exc, ctx)[0],
                ) from exc
            except Exception as exc:
                down = unreachable(exc)
                if down is not None:  # known after one attempt: no retry, open the breaker
                    url = _where(exc, ctx)[0]
                    host = (urlsplit(url).hostname if url else None) or down.host or hint
                    reason = down.cause(host)
                    group = self.hosts.trip(host, reason, resolve=down.resolve) if host else ""
                    self._settle(ctx)
                    raise HostUnreachableError(
                        reason,
                        host=group,
                        resolve=down.resolve,
                        first=True,
                        series=series,
                        source=source,
                        url=url,
                    ) from exc
                self._settle(ctx)
                kind, cause, retry_after = classify(exc)
                last = attempt == attempts
                if kind == "rate" and (retry_after or 0) > self.max_retry_after:
                    last = True
                if kind == "format" or kind == "permanent" or last:
                    url, status = _where(exc, ctx)
                    tries = f" after {attempt} attempts" if attempt > 1 else ""
                    raise _typed(
                        kind,
                        f"{cause}{tries}",
                        series=series,
                        source=source,
                        url=url,
                        status=status,
                        retry_after=retry_after,
                    ) from exc
                delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
                if retry_after is not None:
                    delay = max(delay, retry_after)
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


_HOST_IN_TEXT = re.compile(
    r"(?:resolve host:?|resolve '|host=')\s*'?([A-Za-z0-9.-]+\.[A-Za-z]{2,})", re.IGNORECASE
)


@dataclass(frozen=True)
class Unreachable:
    """What :func:`unreachable` found: the name did not resolve, or the host was not reached."""

    resolve: bool
    why: str
    host: str | None

    def cause(self, host: str | None = None) -> str:
        """'cannot resolve www.shfe.com.cn' or 'cannot reach x.com (connection refused)'."""
        where = host or self.host or "the host"
        if self.resolve:
            return f"cannot resolve {where}"
        return f"cannot reach {where} ({self.why})"


def unreachable(exc: BaseException) -> Unreachable | None:
    """What is wrong if ``exc`` means its host cannot be resolved or reached, else None.

    The exception, its causes, contexts and wrapped reasons are read (requests wraps urllib3
    wraps socket). Timeouts are not included: a slow host may answer the next time.
    """
    names: set[str] = set()
    texts: list[str] = []
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        e = stack.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        names |= {cls.__name__ for cls in type(e).__mro__}
        texts.append(str(e))
        stack += [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
    text = " ".join(" ".join(texts).split())
    low = text.lower()
    found = _HOST_IN_TEXT.search(text)
    host = found[1] if found else None
    if names & RESOLVE_NAMES or any(t in low for t in RESOLVE_TEXTS):
        return Unreachable(True, "name not resolved", host)
    if names & CONNECT_NAMES or any(t in low for t in CONNECT_TEXTS):
        found_why = next((t for t in CONNECT_TEXTS if t in low), "connection refused")
        why = found_why.replace("[errno 111] ", "")
        return Unreachable(False, why, host)
    return None


def classify(exc: BaseException) -> tuple[Kind, str, float | None]:
    """Sort an exception into ``transient``, ``rate``, ``permanent`` or ``format``.

    Returns the kind, a short cause text and a Retry-After in seconds (or None).
    """
    if isinstance(exc, _HTTPStatus):
        if exc.status == 429:
            return "rate", str(exc), exc.retry_after
        if exc.status >= 500:
            return "transient", str(exc), None
        return "permanent", str(exc), None
    if isinstance(exc, TransientError):
        return "transient", _short(exc), None
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"YFRateLimitError"}:
        return "rate", "Yahoo answered 'Too Many Requests'", None
    if names & TIMEOUT_NAMES or isinstance(exc, TimeoutError):
        return "transient", f"timed out ({_short(exc)})", None
    if "JSONDecodeError" in names:
        return "format", f"body is not valid JSON ({_short(exc)})", None
    if names & TRANSIENT_NAMES or isinstance(exc, ConnectionError):
        return "transient", f"connection failed ({_short(exc)})", None
    return "format", f"cannot read the payload: {type(exc).__name__}: {_short(exc)}", None


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _typed(
    kind: Kind,
    reason: str,
    *,
    series: str,
    source: str,
    url: str | None,
    status: int | None,
    retry_after: float | None,
) -> SourceError:
    """The typed error for a kind of failure."""
    if kind == "rate":
        return RateLimitedError(
            reason, series=series, source=source, url=url, status=status, retry_after=retry_after
        )
    cls = SourceFormatError if kind == "format" else SourceUnavailableError
    return cls(reason, series=series, source=source, url=url, status=status)


def _where(exc: BaseException, ctx: _Context | None) -> tuple[str | None, int | None]:
    """The URL a failed call asked last and the HTTP status of its answer (None: unknown).

    From the status signal itself, else from what the guard saw, else from a ``requests``
    exception's request.
    """
    if isinstance(exc, _HTTPStatus):
        url = exc.url or (ctx.asked[-1][0] if ctx and ctx.asked else None)
        return url, exc.status
    if ctx is not None and ctx.asked:
        return ctx.asked[-1]
    request = getattr(exc, "request", None)
    url = getattr(request, "url", None)
    return (str(url) if url else None), None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# -- the guard -------------------------------------------------------------------------------
@dataclass
class _Context:
    policy: Policy
    raise_status: bool
    #: (status, host) of each response, in order.
    seen: list[tuple[int, str]] = field(default_factory=list)
    #: [url, status or None until it answers] of each request, in order.
    asked: list[tuple[str, int | None]] = field(default_factory=list)
    #: The latest exception a request raised (a library may swallow it).
    failed: BaseException | None = None
    #: Hosts this call is the first to ask in the run (settled when the call's outcome is known).
    probes: list[str] = field(default_factory=list)


_local = threading.local()
_patch_lock = threading.Lock()
_patch_users = 0
_original_request: Callable[..., Any] | None = None


def _guarded_request(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
    assert _original_request is not None
    ctx: _Context | None = getattr(_local, "ctx", None)
    if ctx is None:
        return _original_request(self, method, url, *args, **kwargs)
    if len(args) < 7 and kwargs.get("timeout") is None:  # timeout is the 7th positional
        kwargs["timeout"] = ctx.policy.timeout
    host = urlsplit(str(url)).hostname or ""
    ctx.asked.append((str(url), None))
    hosts = ctx.policy.hosts
    hosts.check(host)
    first = hosts.first_contact(host, ctx.policy.timeout[0])
    if first is None:
        hosts.check(host)  # the first asker may have found it down
    else:
        ctx.probes.append(first)
    if ctx.policy.limiter.acquire(host, hosts.is_down(host)) > 0:
        ctx.policy.hosts.check(host)  # it may have failed for another series meanwhile
    try:
        resp = _original_request(self, method, url, *args, **kwargs)
    except Exception as exc:  # recorded for libraries that swallow it (see last_failure)
        ctx.failed = exc
        raise
    hosts.answered(host)
    key = hosts.key(host)
    if key in ctx.probes:  # it answered: the threads waiting to ask it may go now
        ctx.probes.remove(key)
        hosts.settle(key)
    ctx.seen.append((resp.status_code, host))
    ctx.asked[-1] = (str(resp.url or url), resp.status_code)
    if ctx.raise_status and resp.status_code >= 400:
        retry = parse_retry_after(resp.headers.get("Retry-After"))
        raise _HTTPStatus(resp.status_code, host, retry, str(resp.url or url))
    return resp


def _install() -> None:
    global _patch_users, _original_request
    import requests

    with _patch_lock:
        if _patch_users == 0:
            _original_request = requests.Session.request
            setattr(requests.Session, "request", _guarded_request)  # noqa: B010 - a monkeypatch
        _patch_users += 1


def _uninstall() -> None:
    global _patch_users
    import requests

    with _patch_lock:
        _patch_users -= 1
        if _patch_users == 0 and requests.Session.request is _guarded_request:
            setattr(requests.Session, "request", _original_request)  # noqa: B010


@contextmanager
def guard(policy: Policy, *, raise_status: bool = True) -> Iterator[_Context]:
    """Apply ``policy`` to every ``requests`` call made on this thread inside the block.

    Yields a context whose ``seen`` list records (status, host) of each response.
    """
    _install()
    previous = getattr(_local, "ctx", None)
    ctx = _Context(policy, raise_status)
    _local.ctx = ctx
    try:
        yield ctx
    finally:
        _local.ctx = previous
        _uninstall()


def current_policy() -> Policy | None:
    """The policy of the innermost guard open on this thread, or None."""
    ctx: _Context | None = getattr(_local, "ctx", None)
    return ctx.policy if ctx else None


def last_failure() -> BaseException | None:
    """The latest exception a request raised inside the innermost guard on this thread.

    For libraries that catch a failure and return an empty result instead of raising.
    """
    ctx: _Context | None = getattr(_local, "ctx", None)
    return ctx.failed if ctx else None


def last_status() -> int | None:
    """Status of the latest response seen by the innermost guard on this thread."""
    ctx: _Context | None = getattr(_local, "ctx", None)
    return ctx.seen[-1][0] if ctx and ctx.seen else None
