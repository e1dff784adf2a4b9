"""How live sources use the network: timeouts, retries with backoff, per-host rate limits.

:meth:`Policy.call` runs one fetch under the request guard
(:func:`~metalwatch.sources.request_guard.guard`: a timeout on every ``requests`` call akshare
makes without one, the host's rate-limit slot, an HTTP error status raised) and retries it
with exponential backoff on transient failures only (timeouts, dropped connections, 5xx, 429);
permanent ones (4xx, payloads that do not parse) fail at once. Every failure leaves as a typed
:class:`~metalwatch.errors.SourceError` whose fields name the source, the series, the URL
asked and the HTTP status of its answer (when the guard saw them), with the original exception
chained; errors of the library's own tree raised inside the call pass through as they are.
Sleeping goes through ``Policy.sleep`` and the limiter's clock, so tests run without real
waits.

The request guard (:mod:`~metalwatch.sources.request_guard`), the host breaker
(:mod:`~metalwatch.sources.host_breaker`), the rate limiter (:mod:`~metalwatch.sources.rate_limit`)
and the sorting of failures (:mod:`~metalwatch.sources.failures`) each have their own module.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

from metalwatch.errors import MetalwatchError
from metalwatch.sources.failures import _HTTPStatus, _typed, classify, unreachable
from metalwatch.sources.host_breaker import HostBreaker, HostDown, HostUnreachableError
from metalwatch.sources.rate_limit import RateLimiter
from metalwatch.sources.request_guard import _Context, guard

T = TypeVar("T")


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
