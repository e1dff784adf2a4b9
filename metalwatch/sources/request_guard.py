"""The request guard: the policy applied to every ``requests`` call made inside it.

akshare calls module-level ``requests.get``/``post`` with no timeout and never checks the HTTP
status. :func:`guard` fixes both for the calls made *inside* it, on the calling thread only: a
thin wrapper over ``requests.Session.request`` (installed while at least one guard is open,
removed after) adds the policy's timeout when none was given, waits for the host's rate-limit
slot, and raises :class:`~metalwatch.sources.failures._HTTPStatus` on a 4xx/5xx answer so a
server error is not mistaken for a malformed body. Calls on other threads, or outside a guard,
pass through untouched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from metalwatch.sources.failures import _HTTPStatus, parse_retry_after

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.sources.policy import Policy


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
