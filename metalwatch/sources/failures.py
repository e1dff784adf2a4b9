"""What a failed fetch means: retry it (transient, rate-limited), give up (permanent, a payload
that does not parse), or open the host's breaker (a name that does not resolve, a host not
reached); and the typed :class:`~metalwatch.errors.SourceError` it leaves as."""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass
from typing import Any, Literal

from metalwatch.errors import (
    RateLimitedError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
)

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
