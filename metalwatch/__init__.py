"""metalwatch: track the metals markets and write the weekly a broker's metals desk publishes.

>>> import metalwatch as mw
>>> mw.moves(week="2025-12-12").loc["LME.CA.3M", "close"]   # doctest: +SKIP
11800.0

``import metalwatch`` is cheap: the notebook functions and :class:`Store` load pandas and the
rest on first use (PEP 562), and the live sources load akshare and yfinance only when they fetch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metalwatch.errors import (
    InvalidInputError,
    MetalwatchError,
    NoDataError,
    NotFoundError,
    SourceError,
    StoreError,
    UnknownInstrumentError,
)

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.api import (
        beta,
        context,
        convert,
        instruments,
        inventories,
        move_stats,
        moves,
        plot,
        prices,
        report,
        seasonal,
        series,
        spreads,
        volatility,
    )
    from metalwatch.store import Store

__version__ = "0.1.0"

_API = frozenset({
    "beta", "context", "convert", "instruments", "inventories", "move_stats", "moves", "plot",
    "prices", "report", "seasonal", "series", "spreads", "volatility",
})  # fmt: skip

__all__ = [
    "InvalidInputError",
    "MetalwatchError",
    "NoDataError",
    "NotFoundError",
    "SourceError",
    "Store",
    "StoreError",
    "UnknownInstrumentError",
    "__version__",
    "beta",
    "context",
    "convert",
    "instruments",
    "inventories",
    "move_stats",
    "moves",
    "plot",
    "prices",
    "report",
    "seasonal",
    "series",
    "spreads",
    "volatility",
]


def __getattr__(name: str) -> object:
    if name in _API:
        from metalwatch import api

        return getattr(api, name)
    if name == "Store":
        from metalwatch.store import Store

        return Store
    raise AttributeError(f"module 'metalwatch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
