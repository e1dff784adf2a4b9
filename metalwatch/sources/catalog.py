"""Which adapter serves which registry source mapping.

An instrument's ``sources`` table maps a source key to an upstream symbol:
``{yfinance = "GC=F", akshare = "futures_foreign_hist:GC", komis = "MNRL1001:757"}``. For
``akshare`` the value is ``function:argument`` and the function picks the adapter. The order
of the table is the order of preference: the first is the primary, the rest are fallbacks.

Adapter modules are imported only when a series is fetched, so ``import metalwatch`` stays
free of akshare and yfinance.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from metalwatch import registry
from metalwatch.errors import InvalidInputError
from metalwatch.sources.base import Fetcher, PayloadCache

#: (source key, akshare function or "") -> "module:Class" under metalwatch.sources.
ADAPTERS: dict[tuple[str, str], str] = {
    ("akshare", "futures_zh_daily_sina"): "sina_futures:ShfeMainFetcher",
    ("akshare", "futures_foreign_hist"): "sina_futures:ForeignFuturesFetcher",
    ("akshare", "macro_euro_lme_stock"): "jin10_lme_stock:LmeStockFetcher",
    ("akshare", "futures_stock_shfe_js"): "shfe_weekly_stock:ShfeWeeklyStockFetcher",
    ("akshare", "futures_comex_inventory"): "comex_inventory:ComexInventoryFetcher",
    ("akshare", "spot_hist_sge"): "sge:SgeSpotFetcher",
    ("akshare", "index_hist_sw"): "shenwan:ShenwanIndexFetcher",
    ("akshare", "forex_hist_em"): "eastmoney_fx:ForexFetcher",
    ("akshare", "index_global_hist_em"): "eastmoney_fx:GlobalIndexFetcher",
    ("akshare", "stock_zh_a_hist"): "a_shares:AShareFetcher",
    ("yfinance", ""): "yahoo:YahooFetcher",
    ("komis", ""): "rare_earth_komis:KomisFetcher",
}


@dataclass(frozen=True)
class Route:
    """One way to fetch an instrument: the adapter class and the upstream symbol."""

    instrument: str
    key: str
    function: str
    symbol: str

    @property
    def label(self) -> str:
        """Source label, as stored on rows (``akshare:futures_zh_daily_sina``)."""
        return f"{self.key}:{self.function}" if self.function else self.key

    def fetcher(self, cache: PayloadCache | None = None) -> Fetcher:
        """An instance of the adapter for this route."""
        return adapter_class(self.key, self.function)(cache)


def adapter_class(key: str, function: str = "") -> type[Fetcher]:
    """The adapter class for a source key (and akshare function)."""
    try:
        target = ADAPTERS[(key, function)]
    except KeyError:
        raise InvalidInputError(f"no adapter for source {key}:{function}") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(f"metalwatch.sources.{module}"), cls)


def routes(instrument: str) -> list[Route]:
    """The live routes of an instrument, primary first (empty if it has no live source)."""
    inst = registry.get(instrument)
    out = []
    for key, value in inst.sources.items():
        if key == "akshare":
            function, _, symbol = value.partition(":")
        else:
            function, symbol = "", value
        if (key, function) not in ADAPTERS:
            raise InvalidInputError(
                f"instruments.toml: {instrument}: no adapter for source {key} = {value!r}"
            )
        out.append(Route(instrument, key, function, symbol))
    return out


def live_instruments() -> list[str]:
    """Ids of every registered instrument with at least one live source."""
    return [i.id for i in registry.all_instruments().values() if i.sources]
