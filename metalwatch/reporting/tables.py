"""Build the report's tables from weekly moves: one :class:`TableBuilder` method per kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.moves import formula
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, iso_date, tr, unit
from metalwatch.reporting.layout import METAL_WORDS

PRICE_COLUMNS = (
    N_("Instrument"),
    N_("Basis"),
    N_("Unit"),
    N_("Price"),
    N_("As of"),
    N_("WoW %"),
    N_("YTD %"),
    N_("52-wk low"),
    N_("52-wk high"),
)
INVENTORY_COLUMNS = (
    N_("Inventory"),
    N_("Venue"),
    N_("Unit"),
    N_("Stock"),
    N_("As of"),
    N_("Change"),
    N_("WoW %"),
    N_("YTD %"),
)
RECAP_COLUMNS = (
    N_("Series"),
    N_("Venue"),
    N_("Contract"),
    N_("Unit"),
    N_("Price"),
    N_("As of"),
    N_("5-day %"),
    N_("YTD %"),
)
QUOTE_COLUMNS = (
    N_("Product"),
    N_("Source"),
    N_("Unit"),
    N_("Quote"),
    N_("Range"),
    N_("Quote date"),
    N_("Days to week end"),
    N_("WoW %"),
    N_("YTD %"),
)
EQUITY_COLUMNS = (
    N_("Company"),
    N_("Code"),
    N_("Metals"),
    N_("Close"),
    N_("As of"),
    N_("WoW %"),
    N_("YTD %"),
    N_("52-wk low"),
    N_("52-wk high"),
)


#: Who publishes a venue's quotes, where the venue code is not the publisher's name.
PUBLISHERS = {"CN": "SMM"}


def contract_kind(inst: registry.Instrument, lang: str) -> str:
    """What the price is: main continuous, front month, LME official cash or 3-month, the
    LBMA PM fix, a quote, an index..."""
    if inst.venue in ("SHFE", "GFEX") and inst.kind == "price":
        text = N_("main continuous")
    elif inst.venue == "COMEX" and inst.kind == "price":
        text = N_("front month (continuous)")
    elif inst.venue == "LME" and inst.id.endswith(".3M"):
        text = N_("official 3-month")
    elif inst.venue == "LME" and inst.id.endswith(".CASH"):
        text = N_("official cash")
    elif inst.field == "fix":
        text = N_("PM fix")
    elif inst.field == "fix_pm":
        text = N_("PM benchmark")
    elif inst.field == "mid":
        text = N_("quote, mid of range")
    elif inst.kind == "index":
        text = N_("index")
    elif inst.venue == "KOMIS":
        text = N_("KOMIS daily price")
    else:
        text = N_("spot")
    return tr(lang, text)


class TableBuilder:
    """Formats moves rows into tables for one report (one language, one figure book)."""

    def __init__(self, moves: pd.DataFrame, week: pd.Timestamp, book: FigureBook) -> None:
        self.moves, self.week, self.book, self.lang = moves, week, book, book.lang

    def has(self, iid: str) -> bool:
        return bool(iid in self.moves.index and self.row(iid)["status"] != "no data")

    def row(self, iid: str) -> pd.Series:
        """The moves row of ``iid``."""
        return cast(pd.Series, self.moves.loc[iid])

    def name_cell(self, iid: str) -> Cell:
        m = self.moves.loc[iid]
        name = registry.get(iid).name(self.lang)
        if m["stale"]:
            name += " [" + tr(self.lang, "stale") + "]"
        return Cell(name, "text name stale" if m["stale"] else "text name")

    def metric(self, section: str, iid: str, key: str) -> Cell:
        """One moves figure (close, wow_pct, ...) of one instrument as a recorded cell."""
        m = self.row(iid)
        inst = registry.get(iid)
        how = formula(key, m, self.week)
        value = float(m[key])
        if key.endswith("_pct"):
            return self.book.pct(section, iid, key, value, m["close_date"], how)
        if key == "change":
            return self.book.change(
                section, iid, key, value, inst.decimals, inst.unit, m["close_date"], how
            )
        return self.book.num(
            section, iid, key, value, inst.decimals, inst.unit, m["close_date"], how
        )

    def as_of_cell(self, iid: str) -> Cell:
        m = self.moves.loc[iid]
        return Cell(iso_date(m["close_date"]), "num stale" if m["stale"] else "num")

    def header(self, *labels: str) -> list[Cell]:
        return [
            Cell(tr(self.lang, lab), "text" if i < 3 else "num") for i, lab in enumerate(labels)
        ]

    def _venue_table(
        self,
        key: str,
        title: str,
        columns: tuple[str, ...],
        ids: Iterable[str],
        metrics: tuple[str, ...],
        *,
        basis: bool = False,
    ) -> Table:
        """Name, venue (or the price's basis), unit, level, as of, then ``metrics``."""
        t = Table(key, title, self.header(*columns))
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            second = contract_kind(inst, self.lang) if basis else inst.venue
            t.rows.append(
                [
                    self.name_cell(iid),
                    Cell(second),
                    Cell(unit(inst.unit, self.lang)),
                    self.metric(key, iid, "close"),
                    self.as_of_cell(iid),
                    *(self.metric(key, iid, m) for m in metrics),
                ]
            )
        return t

    def prices(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """Instrument, basis, unit, price, as of, WoW, YTD, 52-week range; the conventions
        stated under the table."""
        t = self._venue_table(
            key,
            title,
            PRICE_COLUMNS,
            ids,
            ("wow_pct", "ytd_pct", "low_52w", "high_52w"),
            basis=True,
        )
        t.formula = tr(
            self.lang,
            "WoW: against the last price on or before the previous Friday. YTD: against the "
            "previous year's last price. 52-week range: the 364 days to the week's end. LME "
            "prices are the official (midday) prices, not the 17:00 closing prices; a dash is "
            "a change that does not exist or a price not from this week.",
        )
        return t

    def inventories(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """Stock level, as of, weekly change in units and in %, YTD %."""
        return self._venue_table(
            key, title, INVENTORY_COLUMNS, ids, ("change", "wow_pct", "ytd_pct")
        )

    def recap(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """The broker's market recap: close, 5-day %, YTD %, with venue, contract and unit."""
        t = Table(key, title, self.header(*RECAP_COLUMNS))
        t.columns[3] = Cell(t.columns[3].text, "text")
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            t.rows.append(
                [
                    self.name_cell(iid),
                    Cell(inst.venue),
                    Cell(contract_kind(inst, self.lang)),
                    Cell(unit(inst.unit, self.lang)),
                    self.metric(key, iid, "close"),
                    self.as_of_cell(iid),
                    self.metric(key, iid, "d5_pct"),
                    self.metric(key, iid, "ytd_pct"),
                ]
            )
        return t

    def quotes(self, key: str, title: str, ids: Iterable[str], ranges: pd.DataFrame) -> Table:
        """Sparse quotes: level, quoted range, quote date and its age, WoW and YTD."""
        t = Table(key, title, self.header(*QUOTE_COLUMNS))
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            m = self.row(iid)
            rng = Cell("—", "num")
            if iid in ranges.index:
                q = cast(pd.Series, ranges.loc[iid])
                lo, hi = (
                    self.book.number(
                        key,
                        iid,
                        f,
                        q[f],
                        inst.decimals,
                        inst.unit,
                        q["date"],
                        f"quoted {f} of the range on {iso_date(q['date'])}",
                    )
                    for f in ("low", "high")
                )
                rng = Cell(f"{lo}–{hi}", "num")
            age = self.book.count(
                key,
                iid,
                "age_days",
                (self.week - m["close_date"]).days,
                "days",
                "week's Friday - quote date",
            )
            t.rows.append(
                [
                    self.name_cell(iid),
                    Cell(PUBLISHERS.get(inst.venue, inst.venue)),
                    Cell(unit(inst.unit, self.lang)),
                    self.metric(key, iid, "close"),
                    rng,
                    self.as_of_cell(iid),
                    Cell(age, "num stale" if m["stale"] else "num"),
                    self.metric(key, iid, "wow_pct"),
                    self.metric(key, iid, "ytd_pct"),
                ]
            )
        return t

    def equities(self, key: str, title: str, lists: dict[str, list[str]]) -> Table:
        """Watch lists grouped by metal, each company once (tagged with every metal whose list
        names it, under the first): close, as of, WoW, YTD, 52-week range."""
        t = Table(key, title, self.header(*EQUITY_COLUMNS))
        metals: dict[str, list[str]] = {}
        for metal, ids in lists.items():
            for iid in ids:
                metals.setdefault(iid, []).append(metal)
        sep = tr(self.lang, ", ")
        for iid, tags in metals.items():
            if not self.has(iid):
                continue
            t.rows.append(
                [
                    self.name_cell(iid),
                    Cell(iid.split(".", 1)[1], "text id"),
                    Cell(sep.join(tr(self.lang, METAL_WORDS.get(m, m)) for m in tags)),
                    self.metric(key, iid, "close"),
                    self.as_of_cell(iid),
                    self.metric(key, iid, "wow_pct"),
                    self.metric(key, iid, "ytd_pct"),
                    self.metric(key, iid, "low_52w"),
                    self.metric(key, iid, "high_52w"),
                ]
            )
        return t
