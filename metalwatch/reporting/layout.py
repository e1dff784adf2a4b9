"""What the weekly shows where: the instrument lists of its tables, charts and cover.

The one home of the report's layout; the model, the core views and the tests read it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from metalwatch import registry
from metalwatch.analytics.moves import LOOKBACK_DAYS
from metalwatch.analytics.spread_catalogue import LEGS
from metalwatch.reporting.i18n import N_


@dataclass(frozen=True)
class ChartSpec:
    """A line chart of a section: title (a translatable msgid), series, window, style."""

    title: str
    ids: tuple[str, ...]
    days: int
    rebased: bool = True
    unit: str = ""
    #: One small linear panel per series in its own unit, instead of one rebased chart.
    multiples: bool = False
    #: Mark each observation and leave long gaps unbridged (sparse quotes).
    markers: bool = False


#: Macro and drivers: the dollar, the yuan and US rates (levels, weekly change in bp).
MACRO = (
    "ICE.DXY",
    "FX.USDCNY",
    "FRED.DGS10",
    "FRED.DFII10",
    "FRED.DGS2",
    "FRED.T10YIE",
    "FRED.DFF",
)
#: CFTC managed money per metal: the reports in order of preference (never mixed in a series).
POSITIONING = {
    "gold": ("CFTC.GC.FUT", "CFTC.GC.COMBINED"),
    "silver": ("CFTC.SI.FUT", "CFTC.SI.COMBINED"),
    "copper": ("CFTC.HG.FUT", "CFTC.HG.COMBINED"),
}
#: Gold against the US 10-year real yield (inverted axis), 2 years.
GOLD_REAL_YIELD = ("LBMA.AU.PM", "FRED.DFII10")
GOLD_REAL_YIELD_DAYS = 730
#: The series the core views and the title speak of, per metal (msgid), lead series first.
METAL_SERIES = {
    N_("Gold"): ("COMEX.GC", "SHFE.AU"),
    N_("Silver"): ("COMEX.SI", "SHFE.AG"),
    N_("Copper"): ("LME.CA.3M", "SHFE.CU"),
    N_("Aluminium"): ("LME.AH.3M", "SHFE.AL"),
    N_("Tin"): ("LME.SN.3M", "SHFE.SN"),
    N_("Rare earths"): ("CN.PRND_OXIDE", "CN.TB_OXIDE"),
    N_("Lithium"): ("GFEX.LC",),
    N_("Cobalt"): ("KOMIS.CO.LME_CASH",),
}
#: Display words for registry metal keys that are not the word printed (the registry's
#: ``aluminum`` key prints as aluminium).
METAL_WORDS = {"aluminum": N_("aluminium")}
#: Names in running text where the registry's name carries a grade (digits read as figures).
PROSE_NAMES = {"KOMIS.CO.LME_CASH": N_("LME cobalt cash (KOMIS)")}
#: The cover's key-figures strip.
KEY_FIGURES = ("COMEX.GC", "COMEX.SI", "LME.CA.3M", "LME.AH.3M", "LME.SN.3M", "CN.PRND_OXIDE")
PRECIOUS = (
    "COMEX.GC",
    "COMEX.SI",
    "LBMA.AU.PM",
    "SGE.AU9999",
    "SGE.AU.BENCHMARK",
    "SGE.AG.BENCHMARK",
    "SHFE.AU",
    "SHFE.AG",
)
INDUSTRIAL = (
    "LME.CA.CASH",
    "LME.CA.3M",
    "SHFE.CU",
    "COMEX.HG",
    "LME.AH.CASH",
    "LME.AH.3M",
    "SHFE.AL",
    "LME.SN.CASH",
    "LME.SN.3M",
    "SHFE.SN",
)
INVENTORY = (
    "LME.CA.STOCK",
    "SHFE.CU.STOCK",
    "SHFE.CU.WARRANT",
    "EXCH.CU.STOCK",
    "COMEX.HG.STOCK",
    "LME.AH.STOCK",
    "SHFE.AL.STOCK",
    "SHFE.AL.WARRANT",
    "LME.SN.STOCK",
    "SHFE.SN.STOCK",
    "SHFE.SN.WARRANT",
    "SHFE.ZN.WARRANT",
    "SHFE.NI.WARRANT",
    "SHFE.PB.WARRANT",
    "COMEX.GC.STOCK",
    "COMEX.SI.STOCK",
)
#: Rare earths: the sparse SMM quotes (CNY/t, mid of range) and KOMIS FOB China (USD/kg,
#: daily); never spliced (they differ by 15-23 %).
RARE_EARTH_QUOTES = ("CN.PRND_OXIDE", "CN.TB_OXIDE", "CN.DY_OXIDE")
RARE_EARTH_FOB = ("KOMIS.PR", "KOMIS.ND", "KOMIS.TB", "KOMIS.DY", "KOMIS.CE")
#: Lithium, cobalt and antimony.
BATTERY_MINOR = (
    "GFEX.LC",
    "KOMIS.LI.LIOH",
    "KOMIS.LI.SPODUMENE",
    "CN.CO_ELECTROLYTIC",
    "KOMIS.CO.LME_CASH",
    "KOMIS.CO.LME_15M",
    "KOMIS.CO.ROTTERDAM",
    "KOMIS.SB.INGOT",
    "KOMIS.SB.TRIOXIDE",
)
STRATEGIC = RARE_EARTH_QUOTES + RARE_EARTH_FOB + BATTERY_MINOR
#: China spot prices from 100ppi: ``close`` is the spot price, ``basis`` (a second stored
#: field) the spot minus the dominant contract's settlement.
SPOT = (
    "CN.SPOT.CU",
    "CN.SPOT.AL",
    "CN.SPOT.ZN",
    "CN.SPOT.PB",
    "CN.SPOT.NI",
    "CN.SPOT.SN",
    "CN.SPOT.AO",
    "CN.SPOT.LC",
    "CN.SPOT.AU",
    "CN.SPOT.AG",
)
#: The stored field of a spot series that holds its basis.
BASIS_FIELD = "basis"
#: Yangshan copper premiums (Mysteel posted midpoints, USD/t over the benchmark for the stated
#: QP, conventionally LME): warehouse warrant and bill of lading, each for pyrometallurgical
#: (smelted and electrorefined) and hydrometallurgical SX-EW cathode.
YANGSHAN = (
    "YANGSHAN.CU.WARRANT_PYRO",
    "YANGSHAN.CU.WARRANT_HYDRO",
    "YANGSHAN.CU.BL_PYRO",
    "YANGSHAN.CU.BL_HYDRO",
)
#: Shenwan sub-indices of nonferrous metals (申万二级行业).
SECTOR_SUBINDICES = ("SW.801055", "SW.801053", "SW.801054", "SW.801056", "SW.801051")
#: Valuation of the sector index and its sub-indices: ``pe`` registered, ``pb`` beside it.
VALUATION = ("SW.801050.VALUATION",) + tuple(f"{i}.VALUATION" for i in SECTOR_SUBINDICES)
#: The stored field of a valuation series that holds its price-to-book ratio.
PB_FIELD = "pb"
RECAP = (
    "SW.801050",
    *SECTOR_SUBINDICES,
    "SHFE.AU",
    "COMEX.GC",
    "SHFE.AG",
    "COMEX.SI",
    "SHFE.CU",
    "LME.CA.3M",
    "COMEX.HG",
    "SHFE.AL",
    "LME.AH.3M",
    "SHFE.SN",
    "LME.SN.3M",
    "SHFE.ZN",
    "SHFE.NI",
    "SHFE.PB",
    "SHFE.AO",
)
CHARTS = {
    "precious": ChartSpec(
        N_("Gold and silver, rebased to 100"),
        ("COMEX.GC", "SHFE.AU", "COMEX.SI", "SHFE.AG"),
        365,
    ),
    "industrial": ChartSpec(
        N_("Copper, aluminium and tin, LME official 3-month and SHFE, rebased to 100"),
        ("LME.CA.3M", "SHFE.CU", "LME.AH.3M", "SHFE.AL", "LME.SN.3M", "SHFE.SN"),
        365,
    ),
    "inventory": ChartSpec(
        N_("Exchange stocks, tonnes"),
        ("LME.CA.STOCK", "EXCH.CU.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"),
        365,
        multiples=True,
    ),
    "strategic": ChartSpec(
        N_("Rare-earth oxide quotes (SMM, mid of range); a marker per quote"),
        RARE_EARTH_QUOTES,
        730,
        multiples=True,
        markers=True,
    ),
    "battery": ChartSpec(
        N_("Lithium, cobalt and antimony"),
        ("GFEX.LC", "KOMIS.LI.LIOH", "KOMIS.CO.LME_CASH", "KOMIS.SB.INGOT"),
        730,
        multiples=True,
    ),
}
#: Calendar days of history the weekly reads of each daily and weekly series: its longest window
#: (the two-year charts; the moves' year and a year-end week) and a margin. The "largest since"
#: records read each series' whole history apart (``WeekData.history``). It was 3,700 days
#: (520 weeks of a statistical context the weekly no longer prints): the same pages, read from
#: a third of the rows.
HISTORY_DAYS = max(GOLD_REAL_YIELD_DAYS, LOOKBACK_DAYS, *(c.days for c in CHARTS.values())) + 35


#: The equities of the "stocks to watch" table when the analyst names none, by metal (registry
#: metal keys); an analyst file's ``watch_lists`` replaces them.
DEFAULT_WATCH_LISTS = {
    "gold": ["SSE.600547", "SSE.601899"],
    "copper": ["SSE.600362", "SSE.603993", "SSE.601899"],
    "aluminum": ["SSE.601600"],
    "tin": ["SZSE.000960"],
    "rare earths": ["SSE.600111"],
}


def _ids(groups: Iterable[Iterable[str]]) -> list[str]:
    """The ids of ``groups`` (lists of ids), each once, in order of first appearance."""
    return list(dict.fromkeys(i for ids in groups for i in ids))


def shown_instruments() -> set[str]:
    """Every series this module places in the weekly: its tables, charts, cover, paragraphs
    and the legs of its cross-venue spreads (not the watch lists)."""
    lists = (
        MACRO,
        *POSITIONING.values(),
        GOLD_REAL_YIELD,
        *METAL_SERIES.values(),
        KEY_FIGURES,
        PRECIOUS,
        INDUSTRIAL,
        INVENTORY,
        STRATEGIC,
        SPOT,
        YANGSHAN,
        VALUATION,
        RECAP,
        *(c.ids for c in CHARTS.values()),
        LEGS,
    )
    return set(_ids(lists))


def report_instruments(watch_lists: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """Instruments a weekly covers, in registry order: the series it shows
    (:func:`shown_instruments`) and the equities of ``watch_lists`` (default
    :data:`DEFAULT_WATCH_LISTS`).

    A registered series the weekly shows nowhere is neither read nor listed in its data status
    and sources: the appendix documents the weekly's own series, so its length does not grow
    with the registry (issue 13: 10x the series registered, the same weekly).
    """
    lists = DEFAULT_WATCH_LISTS if watch_lists is None else watch_lists
    wanted = shown_instruments() | set(_ids(lists.values()))
    return [i for i in registry.market_ids() if i in wanted]


def record_instruments() -> list[str]:
    """Instruments whose weekly records the prose states ("its largest weekly gain since ..."):
    the series of :data:`METAL_SERIES`. A weekly reads their whole stored history, and only
    theirs (``WeekData.history``)."""
    return _ids(METAL_SERIES.values())


def positioned_instruments() -> list[str]:
    """The CFTC reports the positioning table and paragraphs read (:data:`POSITIONING`)."""
    return _ids(POSITIONING.values())


def context_instruments(ids: Iterable[str]) -> list[str]:
    """The instruments of ``ids`` the statistical context reads: daily and weekly series other
    than equities and the monthly references."""
    reg = registry.all_instruments()
    return [
        i
        for i in ids
        if reg[i].group not in ("reference", "equity") and reg[i].cadence in ("daily", "weekly")
    ]
