"""The single error tree of metalwatch.

Every error the library raises on purpose derives from :class:`MetalwatchError`, and each
branch also inherits the builtin it naturally is, so ``except LookupError`` or
``except ValueError`` in user code keeps working::

    MetalwatchError
    ├── NotFoundError (LookupError)
    │   ├── UnknownInstrumentError
    │   └── NoDataError
    ├── InvalidInputError (ValueError)
    │   ├── SchemaError          a frame that breaks the canonical schema
    │   └── UnitScaleError       a value off by orders of magnitude from the stored history
    ├── SourceError (ConnectionError)
    │   ├── SourceUnavailableError   network down, timeout, 5xx after retries
    │   ├── RateLimitedError         429 or a ban; carries ``retry_after``
    │   └── SourceFormatError        payload parsed but not what we expect (renamed column...)
    ├── StoreError (OSError)
    │   ├── StoreCorruptError
    │   ├── StoreVersionError
    │   └── StoreBusyError
    └── OutputError (OSError)        the report cannot be written where asked

This module imports only the standard library.
"""

from __future__ import annotations


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
    """Input that cannot be used as given (a date, an option, a file)."""


class SchemaError(InvalidInputError):
    """A frame that does not follow the canonical schema."""


class UnitScaleError(InvalidInputError):
    """A value whose scale jumps against the stored history (an upstream unit change)."""


class SourceError(MetalwatchError, ConnectionError):
    """A data source failed; ``source`` names it and ``__cause__`` keeps the original error."""

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.source = source


class SourceUnavailableError(SourceError):
    """The source could not be reached (network, timeout, server error)."""


class RateLimitedError(SourceError):
    """The source refused us for asking too often."""

    def __init__(self, message: str, *, source: str = "", retry_after: float | None = None):
        super().__init__(message, source=source)
        self.retry_after = retry_after


class SourceFormatError(SourceError):
    """The source answered, but not in the shape its adapter parses."""


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


__all__ = [
    "InvalidInputError",
    "MetalwatchError",
    "NoDataError",
    "NotFoundError",
    "OutputError",
    "RateLimitedError",
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
