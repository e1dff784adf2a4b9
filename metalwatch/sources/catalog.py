"""Which adapter serves which registry source mapping.

An instrument's ``sources`` table maps a source key to an upstream symbol:
``{yfinance = "GC=F", akshare = "futures_foreign_hist:GC", komis = "MNRL1001:757"}``,
``{fred = "DGS10"}``. For
``akshare`` the value is ``function:argument`` and the function picks the adapter. The order
of the table is the order of preference: the first is the primary, the rest are fallbacks.
A TOML table holds a key once, so a second route through the same library takes a suffix:
``akshare-tx = "stock_zh_a_hist_tx:sh600111"`` is an ``akshare`` route.

The adapter classes are referenced here directly; each states its own ``key`` and
``function``. Adapter modules import akshare and yfinance only inside their methods, so
importing them (and ``import metalwatch``) stays free of both.
"""

from __future__ import annotations

from dataclasses import dataclass

from metalwatch import contracts, registry
from metalwatch.errors import InvalidInputError
from metalwatch.sources.a_shares import AShareFetcher, TencentAShareFetcher
from metalwatch.sources.base import Fetcher, source_label
from metalwatch.sources.cache import PayloadCache
from metalwatch.sources.cftc import CftcFetcher
from metalwatch.sources.comex_inventory import ComexInventoryFetcher
from metalwatch.sources.eastmoney_fx import ForexFetcher, GlobalIndexFetcher
from metalwatch.sources.fred import FredFetcher
from metalwatch.sources.futures_curve import FuturesCurveFetcher
from metalwatch.sources.jin10_lme_stock import LmeStockFetcher
from metalwatch.sources.ppi_spot import PpiSpotFetcher
from metalwatch.sources.rare_earth_komis import KomisFetcher
from metalwatch.sources.sge import SgeSpotFetcher
from metalwatch.sources.sge_benchmark import SgeGoldBenchmarkFetcher, SgeSilverBenchmarkFetcher
from metalwatch.sources.shenwan import ShenwanIndexFetcher, ShenwanValuationFetcher
from metalwatch.sources.shfe_warehouse_receipt import ShfeWarehouseReceiptFetcher
from metalwatch.sources.shfe_weekly_stock import ShfeWeeklyStockFetcher
from metalwatch.sources.sina_futures import ForeignFuturesFetcher, ShfeMainFetcher
from metalwatch.sources.yahoo import YahooFetcher

#: (source key, akshare function or "") -> the adapter class.
ADAPTERS: dict[tuple[str, str], type[Fetcher]] = {
    (cls.key, cls.function): cls
    for cls in (
        ShfeMainFetcher,
        ForeignFuturesFetcher,
        LmeStockFetcher,
        ShfeWeeklyStockFetcher,
        ComexInventoryFetcher,
        SgeSpotFetcher,
        ShenwanIndexFetcher,
        ForexFetcher,
        GlobalIndexFetcher,
        AShareFetcher,
        TencentAShareFetcher,
        YahooFetcher,
        KomisFetcher,
        FredFetcher,
        CftcFetcher,
        ShfeWarehouseReceiptFetcher,
        SgeGoldBenchmarkFetcher,
        SgeSilverBenchmarkFetcher,
        PpiSpotFetcher,
        FuturesCurveFetcher,
        ShenwanValuationFetcher,
    )
}


@dataclass(frozen=True)
class Route:
    """One way to fetch an instrument: the source key and function, and the upstream symbol."""

    instrument: str
    key: str
    function: str
    symbol: str

    @property
    def label(self) -> str:
        """Source label, as stored on rows (``akshare:futures_zh_daily_sina``)."""
        return source_label(self.key, self.function)

    def fetcher(self, cache: PayloadCache | None = None) -> Fetcher:
        """An instance of the adapter for this route."""
        return adapter_class(self.key, self.function)(cache)


def adapter_class(key: str, function: str = "") -> type[Fetcher]:
    """The adapter class for a source key (and akshare function)."""
    try:
        return ADAPTERS[(key, function)]
    except KeyError:
        raise InvalidInputError(f"no adapter for source {source_label(key, function)}") from None


def routes(instrument: str) -> list[Route]:
    """The live routes of an instrument, primary first (empty if it has no live source)."""
    inst = registry.get(instrument)
    out = []
    for name, value in inst.sources.items():
        key = name.split("-", 1)[0]  # "akshare-tx": a second akshare route
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
    """Ids of every registered instrument with at least one live source, then the futures
    curves (``SHFE.CU.CURVE``: every contract, see :mod:`metalwatch.contracts`)."""
    registered = [i.id for i in registry.all_instruments().values() if i.sources]
    return registered + [contracts.curve_id(root) for root in contracts.CURVES]
