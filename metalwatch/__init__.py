"""metalwatch: track the metals markets and write the weekly a broker's metals desk publishes.

>>> import metalwatch as mw
>>> mw.moves("2025-12-12").loc["LME.CA.3M", "close"]   # doctest: +SKIP
11800.0

``import metalwatch`` is cheap: the notebook functions and :class:`Store` load pandas and the
rest on first use (PEP 562), and the live sources load akshare and yfinance only when they fetch.
:data:`__all__` is the one list of public names.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from metalwatch.errors import (
    DataError,
    InvalidInputError,
    MetalwatchError,
    NoDataError,
    NotFoundError,
    OutputError,
    RateLimitedError,
    RenderWarning,
    SchemaError,
    SourceError,
    SourceFormatError,
    SourceUnavailableError,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    StoreVersionError,
    UnitScaleError,
    UnknownInstrumentError,
)

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    import pandas as pd

    from metalwatch.api import (
        curve,
        instruments,
        moves,
        open_store,
        prices,
        report,
        resolve_week,
        series,
        update,
    )
    from metalwatch.ingest.seed import StoreArg
    from metalwatch.quant import (
        beta,
        context,
        convert,
        event_study,
        inventories,
        move_stats,
        plot,
        seasonal,
        spreads,
        volatility,
    )
    from metalwatch.store import Store

__version__ = "0.1.0"

#: Lazily loaded public names -> the module that defines them.
_LAZY = {
    **dict.fromkeys(
        (
            "curve",
            "instruments",
            "moves",
            "open_store",
            "prices",
            "report",
            "resolve_week",
            "series",
            "update",
        ),
        "metalwatch.api",
    ),
    **dict.fromkeys(
        (
            "beta",
            "context",
            "convert",
            "event_study",
            "inventories",
            "move_stats",
            "plot",
            "seasonal",
            "spreads",
            "volatility",
        ),
        "metalwatch.quant",
    ),
    "Store": "metalwatch.store",
    "events": "metalwatch.events",  # the module, callable: see EventsModule
}

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
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "StoreVersionError",
    "UnitScaleError",
    "UnknownInstrumentError",
    "__version__",
    "beta",
    "context",
    "convert",
    "curve",
    "event_study",
    "events",
    "instruments",
    "inventories",
    "move_stats",
    "moves",
    "open_store",
    "plot",
    "prices",
    "report",
    "resolve_week",
    "seasonal",
    "series",
    "spreads",
    "update",
    "volatility",
]


class EventsModule(ModuleType):
    """The class of :mod:`metalwatch.events`: calling the module is :func:`metalwatch.api.events`.

    ``mw.events`` names the submodule once anything imports it (Python sets a package's
    attribute to its imported submodule), so the notebook function ``mw.events(...)`` is the
    module itself, made callable, rather than a second object under one name.
    """

    def __call__(
        self,
        metals: str | Iterable[str] | None = None,
        *,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        as_of: str | pd.Timestamp | None = None,
        store: StoreArg = None,
    ) -> pd.DataFrame:
        """Stored dated events, oldest first: :func:`metalwatch.api.events`."""
        from metalwatch.api import events

        return events(metals, start=start, end=end, as_of=as_of, store=store)


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'metalwatch' has no attribute {name!r}")
    import importlib

    imported = importlib.import_module(module)
    return imported if module == f"{__name__}.{name}" else getattr(imported, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
