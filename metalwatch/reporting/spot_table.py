"""China spot prices with their basis (100ppi) and the Yangshan copper premiums (Mysteel).

Series fetched live only (``metalwatch update``): a row per series the week's data holds, no
table when none is held. The spot row prints the spot price, its basis to the dominant futures
contract (the ``basis`` field stored beside the price, read on the spot's own date) and the
basis's change over the same dates as the spot's weekly change.
"""

from __future__ import annotations

import pandas as pd

from metalwatch import frame, registry
from metalwatch.reporting.figures import Cell, Table
from metalwatch.reporting.i18n import N_, iso_date, tr, unit
from metalwatch.reporting.layout import BASIS_FIELD, SPOT, YANGSHAN
from metalwatch.reporting.tables import TableBuilder

SPOT_SECTION = "spot"
PREMIUM_SECTION = "yangshan"
SPOT_COLUMNS = (
    N_("Spot"),
    N_("Source"),
    N_("Unit"),
    N_("Spot price"),
    N_("WoW %"),
    N_("Basis to dominant contract"),
    N_("Basis weekly change"),
    N_("As of"),
)
PREMIUM_COLUMNS = (
    N_("Premium"),
    N_("Source"),
    N_("Unit"),
    N_("Premium (mid)"),
    N_("Weekly change"),
    N_("As of"),
)
SPOT_FORMULA = N_(
    "Spot: 100ppi's China spot price. Basis = spot − settlement of the dominant futures "
    "contract that day, in the quote unit (positive: spot above futures). Weekly change of the "
    "basis: on the same two dates as the spot's WoW; a dash where either is missing."
)
PREMIUM_FORMULA = N_(
    "Mysteel's posted midpoint of the day's Yangshan (Shanghai bonded zone) copper premium, "
    "over the benchmark price for the stated quotation period (conventionally LME). Warrant: "
    "metal in a bonded warehouse; bill of lading: cargo shipped or arriving. Pyrometallurgical: "
    "smelted and electrorefined cathode; SX-EW: solvent-extraction electrowon cathode (a route, "
    "not a purity grade)."
)


def _on(side: pd.DataFrame, iid: str, day: object) -> float | None:
    """The basis stored for ``iid`` on ``day`` (None when none)."""
    return frame.value_on(side, iid, BASIS_FIELD, day)


def spot_table(tb: TableBuilder, side: pd.DataFrame, title: str) -> Table:
    """Spot, WoW %, basis, its weekly change and the as-of date of each stored spot series.

    ``side`` holds the stored ``basis`` rows (long: instrument, field, date, value).
    """
    t = Table(SPOT_SECTION, title, tb.header(*SPOT_COLUMNS))
    t.formula = tr(tb.lang, SPOT_FORMULA)
    for iid in SPOT:
        if not tb.has(iid):
            continue
        inst, m = registry.get(iid), tb.row(iid)
        now = _on(side, iid, m["close_date"])
        before = _on(side, iid, m["prev_date"])
        change = None if now is None or before is None else now - before
        t.rows.append(
            [
                tb.name_cell(iid),
                Cell("100ppi", "text name"),
                Cell(unit(inst.unit, tb.lang)),
                tb.metric(SPOT_SECTION, iid, "close"),
                tb.metric(SPOT_SECTION, iid, "wow_pct"),
                tb.book.change(
                    SPOT_SECTION,
                    iid,
                    "basis",
                    now,
                    inst.decimals,
                    inst.unit,
                    m["close_date"],
                    "spot - dominant contract settlement (100ppi)",
                ),
                tb.book.change(
                    SPOT_SECTION,
                    iid,
                    "basis_wow",
                    change,
                    inst.decimals,
                    inst.unit,
                    m["close_date"],
                    f"basis on {iso_date(m['close_date'])} - basis on {iso_date(m['prev_date'])}",
                ),
                tb.as_of_cell(iid),
            ]
        )
    return t


def premium_table(tb: TableBuilder, title: str) -> Table:
    """The Yangshan copper premiums stored: midpoint, weekly change in USD/t, as of."""
    t = Table(PREMIUM_SECTION, title, tb.header(*PREMIUM_COLUMNS))
    t.formula = tr(tb.lang, PREMIUM_FORMULA)
    for iid in YANGSHAN:
        if not tb.has(iid):
            continue
        inst = registry.get(iid)
        t.rows.append(
            [
                tb.name_cell(iid),
                Cell("Mysteel"),
                Cell(unit(inst.unit, tb.lang)),
                tb.metric(PREMIUM_SECTION, iid, "close"),
                tb.metric(PREMIUM_SECTION, iid, "change"),
                tb.as_of_cell(iid),
            ]
        )
    return t
