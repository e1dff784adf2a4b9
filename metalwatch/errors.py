"""The single error tree of metalwatch.

Every error the library raises on purpose derives from :class:`MetalwatchError`, and each
branch also inherits the builtin it naturally is, so ``except LookupError`` or
``except ValueError`` in user code keeps working::

    MetalwatchError
    ├── NotFoundError (LookupError)
    │   ├── UnknownInstrumentError
    │   └── NoDataError
    ├── InvalidInputError (ValueError)   input a user gave that cannot be used (a date, a file)
    ├── DataError (ValueError)           data that arrived but is not what it should be
    │   ├── SchemaError                  a frame that breaks the canonical schema
    │   ├── UnitScaleError               a value off by orders of magnitude (a unit change)
    │   └── SourceFormatError  ──┐       payload parsed but not in the expected shape
    ├── SourceError (ConnectionError) │  a data source failed
    │   ├── SourceUnavailableError    │  network down, timeout, 5xx after retries
    │   ├── RateLimitedError          │  429 or a ban; carries ``retry_after``
    │   └── SourceFormatError  ◄──────┘  (the same class: a bad payload is both)
    ├── StoreError (OSError)
    │   ├── StoreCorruptError
    │   ├── StoreVersionError
    │   └── StoreBusyError
    └── OutputError (OSError)            the report cannot be written where asked

    RenderWarning (UserWarning)          a warning, not an error: the PDF has a defect

:class:`SourceFormatError` has two parents on purpose: ``except DataError`` catches every
data-quality problem (a renamed column as well as a unit change), and ``except SourceError``
catches every failed fetch (a bad payload as well as a timeout).

Errors carry their context as attributes, and code reads those, never the message text:

- :class:`SourceError` has ``series`` (instrument id, or ``"news"``), ``source`` (the source
  label, e.g. ``akshare:futures_zh_daily_sina``), ``url`` and ``status`` (the URL asked and the
  HTTP status of its answer, None when unknown or when no answer came); ``__cause__`` is the
  original exception. :class:`RateLimitedError` adds ``retry_after`` (seconds, or None).
- :class:`DataError` has ``series`` and ``source`` (empty when not known where it is raised);
  :class:`UnitScaleError` adds ``field`` and ``ratio`` (how many times the expected scale
  the value is, None when not measured).
- ``reason`` is the message without its place; ``str(error)`` is
  ``"<source> <series>: <reason>"`` (the parts that are known).

This module imports only the standard library.
"""

from __future__ import annotations


def _placed(reason: str, source: str, series: str) -> str:
    """``"<source> <series>: <reason>"``, leaving out the parts that are empty."""
    head = " ".join(part for part in (source, series) if part)
    return f"{head}: {reason}" if head else reason


class _Placed(Exception):
    """``reason`` and ``str()`` for errors that know their series and source (a mixin)."""

    series: str
    source: str

    @property
    def reason(self) -> str:
        """The message without its place (series and source)."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return _placed(self.reason, self.source, self.series)


class MetalwatchError(Exception):
    """Root of every error metalwatch raises on purpose."""


class NotFoundError(MetalwatchError, LookupError):
    """Something asked for does not exist."""

    def __str__(self) -> str:  # LookupError would repr() a single argument
        return str(self.args[0]) if self.args else ""


class UnknownInstrumentError(NotFoundError):
    """An instrument id that is not in the registry."""


class NoDataError(NotFoundError):
    """The store holds no data for the series or week asked for."""


class InvalidInputError(MetalwatchError, ValueError):
    """Input a user gave that cannot be used as given (a date, an option, a file)."""


class DataError(_Placed, MetalwatchError, ValueError):
    """Data that arrived but is not what it should be (its schema, scale or shape).

    Parameters
    ----------
    message
        What is wrong, without the series and source (they are put in front by ``str``).
    series, source
        The instrument id and the source label, when known where the error is raised.
    """

    def __init__(self, message: str = "", *, series: str = "", source: str = "") -> None:
        super().__init__(message)
        self.series = series
        self.source = source


class SchemaError(DataError):
    """A frame that does not follow the canonical schema."""


class UnitScaleError(DataError):
    """A value whose scale jumps against the stored history or the registry (a unit change).

    ``field`` is the canonical field concerned (empty if not one field) and ``ratio`` how many
    times the expected scale the value is (None when the unit is known to differ rather than
    measured, e.g. a payload labelled in kilograms).
    """

    def __init__(
        self,
        message: str = "",
        *,
        series: str = "",
        source: str = "",
        field: str = "",
        ratio: float | None = None,
    ) -> None:
        super().__init__(message, series=series, source=source)
        self.field = field
        self.ratio = ratio


class SourceError(_Placed, MetalwatchError, ConnectionError):
    """A data source failed; the attributes say where and ``__cause__`` keeps the original.

    Parameters
    ----------
    message
        The cause, without the series and source (they are put in front by ``str``).
    series
        The instrument id (``"news"`` for the headline feed).
    source
        The source label stored on rows, e.g. ``akshare:futures_zh_daily_sina``.
    url
        The URL asked when it failed, if known.
    status
        The HTTP status of that URL's answer; None if no answer came or it is not known.
    """

    def __init__(
        self,
        message: str = "",
        *,
        series: str = "",
        source: str = "",
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.series = series
        self.source = source
        self.url = url
        self.status = status


class SourceUnavailableError(SourceError):
    """The source could not be reached (network, timeout, server error)."""


class RateLimitedError(SourceError):
    """The source refused us for asking too often; ``retry_after`` is its wait, in seconds."""

    def __init__(
        self,
        message: str = "",
        *,
        series: str = "",
        source: str = "",
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, series=series, source=source, url=url, status=status)
        self.retry_after = retry_after


class SourceFormatError(DataError, SourceError):
    """The source answered, but not in the shape its adapter parses (a renamed column...).

    Both a :class:`DataError` and a :class:`SourceError`, with the attributes of the latter.
    """

    def __init__(
        self,
        message: str = "",
        *,
        series: str = "",
        source: str = "",
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        SourceError.__init__(self, message, series=series, source=source, url=url, status=status)


class StoreError(MetalwatchError, OSError):
    """The embedded store cannot be used."""


class StoreCorruptError(StoreError):
    """The store file is not a metalwatch SQLite database, or is damaged."""


class StoreVersionError(StoreError):
    """The store was written by an incompatible schema version."""


class StoreBusyError(StoreError):
    """Another process holds the store's write lock for too long."""


class OutputError(MetalwatchError, OSError):
    """An output file cannot be written."""


class RenderWarning(UserWarning):
    """The PDF rendered, but with a defect (e.g. characters no bundled font covers)."""


__all__ = [
    "DataError",
    "InvalidInputError",
    "MetalwatchError",
    "NoDataError",
    "NotFoundError",
    "OutputError",
    "RateLimitedError",
    "RenderWarning",
    "SchemaError",
    "SourceError",
    "SourceFormatError",
    "SourceUnavailableError",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreVersionError",
    "UnitScaleError",
    "UnknownInstrumentError",
]
