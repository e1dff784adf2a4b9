"""Build the report's tables from weekly moves: one :class:`TableBuilder` method per kind."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from metalwatch import registry
from metalwatch.analytics.moves import formula
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, iso_date, tr, unit

PRICE_COLUMNS = (
    N_("Instrument"),
    N_("Venue"),
    N_("Unit"),
    N_("Close"),
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
    N_("Close"),
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
    N_("Age (days)"),
    N_("WoW %"),
    N_("YTD %"),
)
EQUITY_COLUMNS = (
    N_("Company"),
    N_("Code"),
    N_("Watch list"),
    N_("Close"),
    N_("As of"),
    N_("WoW %"),
    N_("YTD %"),
)


def contract_kind(inst: registry.Instrument, lang: str) -> str:
    """What the series is: main continuous, front month, 3-month, cash, fixing, quote..."""
    if inst.venue == "SHFE" and inst.kind == "price":
        text = "main continuous"
    elif inst.venue == "COMEX" and inst.kind == "price":
        text = "front month"
    elif inst.id.endswith(".3M"):
        text = "3-month"
    elif inst.id.endswith(".CASH"):
        text = "cash settlement"
    elif inst.field == "fix":
        text = "PM fixing"
    elif inst.field == "mid":
        text = "quote, mid of range"
    elif inst.kind == "index":
        text = "index"
    else:
        text = "spot"
    return tr(lang, text)


class TableBuilder:
    """Formats moves rows into tables for one report (one language, one figure book)."""

    def __init__(self, moves: pd.DataFrame, week: pd.Timestamp, book: FigureBook) -> None:
        self.moves, self.week, self.book, self.lang = moves, week, book, book.lang

    def has(self, iid: str) -> bool:
        return iid in self.moves.index and self.moves.loc[iid, "status"] != "no data"

    def name_cell(self, iid: str) -> Cell:
        m = self.moves.loc[iid]
        name = registry.get(iid).name(self.lang)
        if m["stale"]:
            name += " [" + tr(self.lang, "stale") + "]"
        return Cell(name, "text name stale" if m["stale"] else "text name")

    def metric(self, section: str, iid: str, key: str) -> Cell:
        """One moves figure (close, wow_pct, ...) of one instrument as a recorded cell."""
        m = self.moves.loc[iid]
        inst = registry.get(iid)
        how = formula(key, m, self.week)
        value = m[key]
        if key.endswith("_pct"):
            return self.book.pct(section, iid, key, value, m["close_date"], how)
        if key == "change":
            return self.book.change(section, iid, key, value, inst.decimals, inst.unit,
                                    m["close_date"], how)  # fmt: skip
        return self.book.num(section, iid, key, value, inst.decimals, inst.unit,
                             m["close_date"], how)  # fmt: skip

    def as_of_cell(self, iid: str) -> Cell:
        m = self.moves.loc[iid]
        return Cell(iso_date(m["close_date"]), "num stale" if m["stale"] else "num")

    def header(self, *labels: str) -> list[Cell]:
        return [Cell(tr(self.lang, lab), "text" if i < 3 else "num")
                for i, lab in enumerate(labels)]  # fmt: skip

    def _venue_table(self, key: str, title: str, columns: tuple[str, ...], ids: Iterable[str],
                     metrics: tuple[str, ...]) -> Table:  # fmt: skip
        """Name, venue, unit, close, as of, then ``metrics``, for each id with data."""
        t = Table(key, title, self.header(*columns))
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            t.rows.append([
                self.name_cell(iid), Cell(inst.venue), Cell(unit(inst.unit, self.lang)),
                self.metric(key, iid, "close"), self.as_of_cell(iid),
                *(self.metric(key, iid, m) for m in metrics),
            ])  # fmt: skip
        return t

    def prices(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """Instrument, venue, unit, close, as of, WoW, YTD, 52-week range."""
        return self._venue_table(key, title, PRICE_COLUMNS, ids,
                                 ("wow_pct", "ytd_pct", "low_52w", "high_52w"))  # fmt: skip

    def inventories(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """Stock level, as of, weekly change in units and in %, YTD %."""
        return self._venue_table(key, title, INVENTORY_COLUMNS, ids,
                                 ("change", "wow_pct", "ytd_pct"))  # fmt: skip

    def recap(self, key: str, title: str, ids: Iterable[str]) -> Table:
        """The broker's market recap: close, 5-day %, YTD %, with venue, contract and unit."""
        t = Table(key, title, self.header(*RECAP_COLUMNS))
        t.columns[3] = Cell(t.columns[3].text, "text")
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            t.rows.append([
                self.name_cell(iid), Cell(inst.venue), Cell(contract_kind(inst, self.lang)),
                Cell(unit(inst.unit, self.lang)), self.metric(key, iid, "close"),
                self.as_of_cell(iid), self.metric(key, iid, "d5_pct"),
                self.metric(key, iid, "ytd_pct"),
            ])  # fmt: skip
        return t

    def quotes(self, key: str, title: str, ids: Iterable[str], ranges: pd.DataFrame) -> Table:
        """Sparse quotes: level, quoted range, quote date and its age, WoW and YTD."""
        t = Table(key, title, self.header(*QUOTE_COLUMNS))
        for iid in ids:
            if not self.has(iid):
                continue
            inst = registry.get(iid)
            m = self.moves.loc[iid]
            rng = Cell("—", "num")
            if iid in ranges.index:
                q = ranges.loc[iid]
                lo, hi = (self.book.number(key, iid, f, q[f], inst.decimals, inst.unit, q["date"],
                                           f"quoted {f} of the range on {iso_date(q['date'])}")
                          for f in ("low", "high"))  # fmt: skip
                rng = Cell(f"{lo}–{hi}", "num")
            age = self.book.count(key, iid, "age_days", (self.week - m["close_date"]).days,
                                  "days", "week's Friday - quote date")  # fmt: skip
            t.rows.append([
                self.name_cell(iid), Cell(inst.venue), Cell(unit(inst.unit, self.lang)),
                self.metric(key, iid, "close"), rng, self.as_of_cell(iid),
                Cell(age, "num stale" if m["stale"] else "num"),
                self.metric(key, iid, "wow_pct"), self.metric(key, iid, "ytd_pct"),
            ])  # fmt: skip
        return t

    def equities(self, key: str, title: str, lists: dict[str, list[str]]) -> Table:
        """Watch lists per metal: close (forward-adjusted), as of, WoW and YTD."""
        t = Table(key, title, self.header(*EQUITY_COLUMNS))
        for metal, ids in lists.items():
            for iid in ids:
                if not self.has(iid):
                    continue
                t.rows.append([
                    self.name_cell(iid), Cell(iid.split(".", 1)[1], "text id"),
                    Cell(tr(self.lang, metal)),
                    self.metric(key, iid, "close"), self.as_of_cell(iid),
                    self.metric(key, iid, "wow_pct"), self.metric(key, iid, "ytd_pct"),
                ])  # fmt: skip
        return t
