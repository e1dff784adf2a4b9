"""Sector valuation: PE and PB of the Shenwan nonferrous index and its sub-indices.

Fetched live only (``index_analysis_daily_sw``): the registered field is ``pe`` (市盈率), the
``pb`` (市净率) is stored beside it. A row per index the week's data holds; none, no rows.
"""

from __future__ import annotations

import pandas as pd

from metalwatch import frame, registry
from metalwatch.reporting.figures import Cell, Table
from metalwatch.reporting.i18n import N_, tr
from metalwatch.reporting.layout import PB_FIELD, VALUATION
from metalwatch.reporting.tables import TableBuilder

SECTION = "valuation"
COLUMNS = (N_("Index"), N_("Code"), N_("PE (times)"), N_("PB (times)"), N_("As of"))
FORMULA = N_(
    "PE (市盈率) and PB (市净率) as Shenwan Hongyuan Research publishes them for each index "
    "(its daily index analysis); the source does not say whether PE is trailing twelve months "
    "or static, so neither is assumed. The sub-indices are Shenwan level-2 industries."
)


def _pb(side: pd.DataFrame, iid: str, day: object) -> float | None:
    return frame.value_on(side, iid, PB_FIELD, day)


def valuation_table(tb: TableBuilder, side: pd.DataFrame, title: str) -> Table:
    """Index, code, PE, PB (stored on the PE's date), as of.

    ``side`` holds the stored ``pb`` rows (long: instrument, field, date, value).
    """
    t = Table(SECTION, title, tb.header(*COLUMNS))
    t.columns[2] = Cell(t.columns[2].text, "num")
    t.formula = tr(tb.lang, FORMULA)
    for iid in VALUATION:
        if not tb.has(iid):
            continue
        inst, m = registry.get(iid), tb.row(iid)
        index = iid.removesuffix(".VALUATION")
        name = registry.get(index).name(tb.lang)
        if m["stale"]:
            name += " [" + tr(tb.lang, "stale") + "]"
        t.rows.append(
            [
                Cell(name, "text name stale" if m["stale"] else "text name"),
                Cell(index.split(".", 1)[1], "text id"),
                tb.metric(SECTION, iid, "close"),
                tb.book.num(
                    SECTION,
                    iid,
                    PB_FIELD,
                    _pb(side, iid, m["close_date"]),
                    inst.decimals,
                    inst.unit,
                    m["close_date"],
                    "price-to-book ratio as published (市净率)",
                ),
                tb.as_of_cell(iid),
            ]
        )
    return t
