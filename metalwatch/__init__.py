"""metalwatch: track the metals markets and write the weekly a broker's metals desk publishes.

>>> import metalwatch as mw
>>> mw.moves("2025-12-12").loc["LME.CA.3M", "close"]   # doctest: +SKIP
11800.0

``import metalwatch`` is cheap: the notebook functions and :class:`Store` load pandas and the
rest on first use (PEP 562), and the live sources load akshare and yfinance only when they fetch.
:data:`__all__` is the one list of public names.
"""

from __future__ import annotations

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
    from metalwatch.api import (
        curve,
        events,
        instruments,
        open_store,
        prices,
        series,
        update,
    )
    from metalwatch.quant import context, convert, inventories, plot, spreads
    from metalwatch.store import Store
    from metalwatch.studies import beta, event_study, move_stats, seasonal, volatility
    from metalwatch.week_api import moves, report, resolve_week

__version__ = "0.1.0"

#: Lazily loaded public names -> the module that defines them.
_LAZY = {
    **dict.fromkeys(
        (
            "curve",
            "events",
            "instruments",
            "open_store",
            "prices",
            "series",
            "update",
        ),
        "metalwatch.api",
    ),
    **dict.fromkeys(("moves", "report", "resolve_week"), "metalwatch.week_api"),
    **dict.fromkeys(
        (
            "context",
            "convert",
            "inventories",
            "plot",
            "spreads",
        ),
        "metalwatch.quant",
    ),
    **dict.fromkeys(
        ("beta", "event_study", "move_stats", "seasonal", "volatility"),
        "metalwatch.studies",
    ),
    "Store": "metalwatch.store",
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


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'metalwatch' has no attribute {name!r}")
    import importlib

    imported = importlib.import_module(module)
    return imported if module == f"{__name__}.{name}" else getattr(imported, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
