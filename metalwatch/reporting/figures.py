"""The one formatter of printed numbers, and the record of every number it printed.

Every number that reaches a page of the weekly is formatted by a :class:`FigureBook` method,
which records it as a :class:`Figure` (what it is, its value, the text printed, unit, as-of
date, source and formula). The data appendix is that record, so it holds every printed figure
by construction; a test renders the weekly and checks it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from metalwatch.reporting import i18n

#: Printed for a value that does not exist (never recorded as a figure).
MISSING = "—"


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
    """A rendered table: header labels, rows of cells, optional formulas and a note under it.

    ``formula`` states how the columns are computed (words and operators, no figures);
    ``note`` is anything else the reader needs, its numbers recorded like the cells'.
    """

    key: str
    title: str
    columns: list[Cell]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    formula: str = ""


def direction(value: float | None) -> str:
    """``up``, ``down`` or ``flat`` for a signed move."""
    if value is None or pd.isna(value) or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


@dataclass
class FigureBook:
    """Formats numbers for one language and records each one printed as a :class:`Figure`.

    ``section``, ``instrument`` and ``metric`` say what a figure is (``instrument`` may be a
    derived id such as ``CU.IMPORT``); ``as_of`` is the date of the observation behind it.
    """

    lang: str
    figures: list[Figure] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def _record(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float,
        text: str,
        unit: str,
        as_of: Any,
        formula: str,
    ) -> str:
        when = None if as_of is None or pd.isna(as_of) else pd.Timestamp(as_of)
        self.figures.append(
            Figure(
                section,
                instrument,
                metric,
                float(value),
                text,
                unit,
                when,
                self.sources.get(instrument, ""),
                formula,
            )
        )
        return text

    def number(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float | None,
        decimals: int,
        unit: str,
        as_of: object = None,
        formula: str = "",
        *,
        signed: bool = False,
        absolute: bool = False,
    ) -> str:
        """A number as text (``'94,170'``; ``signed``: ``'+1,250'``; ``absolute``: no sign)."""
        if value is None or pd.isna(value):
            return MISSING
        shown = abs(value) if absolute else value
        text = i18n.number(shown, decimals, self.lang)
        if signed and not absolute and value > 0:
            text = "+" + text
        return self._record(section, instrument, metric, value, text, unit, as_of, formula)

    def percent(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float | None,
        as_of: object = None,
        formula: str = "",
        *,
        decimals: int = 2,
        absolute: bool = False,
    ) -> str:
        """A percent already in percent units, signed (``'+1.50%'``) unless ``absolute``."""
        if value is None or pd.isna(value):
            return MISSING
        text = i18n.percent(
            abs(value) if absolute else value, decimals, self.lang, signed=not absolute
        )
        return self._record(section, instrument, metric, value, text, "%", as_of, formula)

    def count(
        self, section: str, instrument: str, metric: str, value: int, unit: str, formula: str = ""
    ) -> str:
        """A whole count (days, weeks, observations) as text."""
        return self.number(section, instrument, metric, value, 0, unit, None, formula)

    # -- cells -------------------------------------------------------------------------
    def num(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float | None,
        decimals: int,
        unit: str,
        as_of: object = None,
        formula: str = "",
    ) -> Cell:
        """A number cell (right-aligned)."""
        text = self.number(section, instrument, metric, value, decimals, unit, as_of, formula)
        return Cell(text, "num")

    def pct(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float | None,
        as_of: object = None,
        formula: str = "",
        decimals: int = 2,
    ) -> Cell:
        """A signed percent cell coloured by direction; ``value`` already in percent."""
        text = self.percent(section, instrument, metric, value, as_of, formula, decimals=decimals)
        return Cell(text, f"num {direction(value)}")

    def change(
        self,
        section: str,
        instrument: str,
        metric: str,
        value: float | None,
        decimals: int,
        unit: str,
        as_of: object = None,
        formula: str = "",
    ) -> Cell:
        """A signed change in units, coloured by direction."""
        text = self.number(
            section, instrument, metric, value, decimals, unit, as_of, formula, signed=True
        )
        return Cell(text, f"num {direction(value)}")

    def frame(self) -> pd.DataFrame:
        """Every recorded figure as a DataFrame (the data appendix)."""
        cols = [f.name for f in fields(Figure)]
        return pd.DataFrame([asdict(f) for f in self.figures], columns=cols)
