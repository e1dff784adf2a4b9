"""metalwatch: track the metals markets and write the weekly a broker's metals desk publishes.

>>> import metalwatch as mw
>>> mw.moves(week="2025-12-12").loc["LME.CA.3M", "close"]   # doctest: +SKIP
11800.0
"""

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
from metalwatch.errors import (
    InvalidInputError,
    MetalwatchError,
    NoDataError,
    NotFoundError,
    SourceError,
    StoreError,
    UnknownInstrumentError,
)
from metalwatch.store import Store

__version__ = "0.1.0"

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
