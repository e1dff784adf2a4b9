"""The one formatter of printed numbers, and the record of every number it printed.

Every number that reaches a page of the weekly is formatted by a :class:`FigureBook` method,
which records it as a :class:`Figure` (what it is, its value, the text printed, unit, as-of
date, source and formula). The data appendix is that record, so it holds every printed figure
by construction; a test renders the weekly and checks it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from metalwatch.reporting import i18n

#: Printed for a value that does not exist (never recorded as a figure).
MISSING = "—"


def digits(
    value: float, decimals: int, lang: str, *, grouped: bool = True, per: float = 1.0
) -> str:
    """The one rounding rule of the weekly: half-up on the value's decimal form.

    ``value`` is read as its shortest decimal (``repr``), rounded half away from zero to
    ``decimals`` places (519,650 t in 万吨 is 51.965 -> ``51.97``; ``2.675`` -> ``2.68``), then
    laid out with ``,`` grouping thousands unless ``grouped`` is False (Chinese running text),
    ``.`` before the decimals and ``-`` for a minus: CLDR's layout for every language of
    :data:`~metalwatch.reporting.i18n.LANGS` (a test holds it to Babel's ``format_decimal``,
    which took ~0.1 ms a figure).
    ``per`` divides first, exactly (``per=10_000`` for 万). A value that rounds to zero prints
    without a sign.
    """
    if lang not in i18n.LANGS:
        raise ValueError(f"no number layout for language {lang!r:.20}")
    step = Decimal(1).scaleb(-decimals)
    exact = (Decimal(repr(float(value))) / Decimal(repr(float(per)))).quantize(
        step, rounding=ROUND_HALF_UP
    )
    if exact.is_zero():
        exact = abs(exact)
    return format(exact, f"{',' if grouped else ''}.{max(decimals, 0)}f")


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
        grouped: bool = True,
        per: float = 1.0,
    ) -> str:
        """A number as text (``'94,170'``; ``signed``: ``'+1,250'``; ``absolute``: no sign).

        ``grouped`` False leaves thousands ungrouped (Chinese running text); ``per`` prints
        ``value / per`` (``per=10_000`` for 万) while the record keeps ``value``.
        """
        if value is None or pd.isna(value):
            return MISSING
        text = self._text(value, decimals, signed, absolute, grouped, per)
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
        grouped: bool = True,
    ) -> str:
        """A percent already in percent units, signed (``'+1.50%'``) unless ``absolute``."""
        if value is None or pd.isna(value):
            return MISSING
        text = self._text(value, decimals, not absolute, absolute, grouped, 1.0) + "%"
        return self._record(section, instrument, metric, value, text, "%", as_of, formula)

    def _text(
        self, value: float, decimals: int, signed: bool, absolute: bool, grouped: bool, per: float
    ) -> str:
        shown = abs(value) if absolute else value
        text = digits(shown, decimals, self.lang, grouped=grouped, per=per)
        return "+" + text if signed and not absolute and value > 0 else text

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
