"""Table cells that remember the figure behind them, so the appendix lists every number shown."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metalwatch.reporting import i18n


@dataclass(frozen=True)
class Cell:
    """One table cell: display text and a CSS class (``num``, ``text``, ``up``, ``down``...)."""

    text: str
    cls: str = "text"


@dataclass(frozen=True)
class Figure:
    """A number printed in the report, with where it came from."""

    section: str
    instrument: str
    metric: str
    value: float
    text: str
    unit: str
    as_of: pd.Timestamp | None
    source: str
    formula: str


@dataclass
class Table:
    """A rendered table: header labels, rows of cells, an optional note under it."""

    key: str
    title: str
    columns: list[Cell]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def direction(value: float | None) -> str:
    """``up``, ``down`` or ``flat`` for a signed move."""
    if value is None or pd.isna(value) or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


@dataclass
class FigureBook:
    """Formats numbers for one language and records each as a :class:`Figure`."""

    lang: str
    figures: list[Figure] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def _add(self, section, instrument, metric, value, text, unit, as_of, formula) -> None:
        if value is None or pd.isna(value):
            return
        self.figures.append(
            Figure(section, instrument, metric, float(value), text, unit,
                   None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of),
                   self.sources.get(instrument, ""), formula)  # fmt: skip
        )

    def num(self, section: str, instrument: str, metric: str, value: float | None,
            decimals: int, unit: str, as_of=None, formula: str = "") -> Cell:  # fmt: skip
        """A number cell (right-aligned)."""
        text = i18n.number(value, decimals, self.lang)
        self._add(section, instrument, metric, value, text, unit, as_of, formula)
        return Cell(text, "num")

    def pct(self, section: str, instrument: str, metric: str, value: float | None,
            as_of=None, formula: str = "", decimals: int = 2) -> Cell:  # fmt: skip
        """A signed percent cell coloured by direction; ``value`` already in percent."""
        if value is None or pd.isna(value):
            return Cell("—", "num flat")
        text = ("+" if value > 0 else "") + i18n.number(value, decimals, self.lang) + "%"
        self._add(section, instrument, metric, value, text, "%", as_of, formula)
        return Cell(text, f"num {direction(value)}")

    def change(self, section: str, instrument: str, metric: str, value: float | None,
               decimals: int, unit: str, as_of=None, formula: str = "") -> Cell:  # fmt: skip
        """A signed change in units, coloured by direction."""
        if value is None or pd.isna(value):
            return Cell("—", "num flat")
        text = ("+" if value > 0 else "") + i18n.number(value, decimals, self.lang)
        self._add(section, instrument, metric, value, text, unit, as_of, formula)
        return Cell(text, f"num {direction(value)}")

    def frame(self) -> pd.DataFrame:
        """Every recorded figure as a DataFrame (the data appendix)."""
        cols = ["section", "instrument", "metric", "value", "text", "unit", "as_of", "source",
                "formula"]  # fmt: skip
        return pd.DataFrame([f.__dict__ for f in self.figures], columns=cols)
