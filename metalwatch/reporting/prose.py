"""Numbers in running text, as a broker prints them, recorded like every other figure.

Tables group thousands (``94,170``). Running Chinese text does not: ``94170元/吨``, and large
figures go to 万: ``57.85万元/吨`` for a rare-earth quote, ``51.97万吨`` for a stock. One
spacing rule for units: none in Chinese (``4.19%``, ``585吨``), one space in English
(``585 t``). Every figure goes through the report's :class:`FigureBook` formatter and recorder
(the tables' one, so a value prints the same digits in a sentence and in a table), and the data
appendix holds the text exactly as printed.
"""

from __future__ import annotations

import pandas as pd

from metalwatch.reporting.figures import MISSING, FigureBook
from metalwatch.reporting.i18n import unit

#: In Chinese running text a CNY/t level from this size on is printed in 万元/吨.
WAN_CNY_PER_T_FROM = 500_000
#: ... and a stock in tonnes from this size on in 万吨.
WAN_T_FROM = 100_000
WAN = 10_000.0
WAN_DECIMALS = 2


def number(
    book: FigureBook,
    section: str,
    instrument: str,
    metric: str,
    value: float | None,
    decimals: int,
    unit_code: str,
    as_of: object = None,
    formula: str = "",
    *,
    absolute: bool = False,
) -> str:
    """A bare number for running text (no unit), recorded as printed."""
    return book.number(
        section,
        instrument,
        metric,
        value,
        decimals,
        unit_code,
        as_of,
        formula,
        absolute=absolute,
        grouped=book.lang == "en",
    )


def level(
    book: FigureBook,
    section: str,
    instrument: str,
    metric: str,
    value: float | None,
    decimals: int,
    unit_code: str,
    as_of: object = None,
    formula: str = "",
    *,
    absolute: bool = False,
) -> str:
    """A number with its unit for running text.

    ``94170元/吨``, ``57.85万元/吨`` in Chinese; ``94,170 CNY/t`` in English.
    """
    if value is None or pd.isna(value):
        return MISSING
    lang = book.lang
    shown = abs(value) if absolute else value
    if lang == "zh" and unit_code in ("CNY/t", "t"):
        limit = WAN_CNY_PER_T_FROM if unit_code == "CNY/t" else WAN_T_FROM
        if abs(shown) >= limit:
            how = f"{formula}; in units of 10,000".lstrip("; ")
            text = book.number(
                section,
                instrument,
                metric,
                value,
                WAN_DECIMALS,
                f"10k {unit_code}",
                as_of,
                how,
                absolute=absolute,
                grouped=False,
                per=WAN,
            )
            return text + ("万元/吨" if unit_code == "CNY/t" else "万吨")
    text = number(
        book,
        section,
        instrument,
        metric,
        value,
        decimals,
        unit_code,
        as_of,
        formula,
        absolute=absolute,
    )
    if lang == "zh":
        return text + unit(unit_code, lang)
    return f"{text} {unit(unit_code, lang)}"


def percent(
    book: FigureBook,
    section: str,
    instrument: str,
    metric: str,
    value: float | None,
    as_of: object = None,
    formula: str = "",
    *,
    decimals: int = 2,
) -> str:
    """An unsigned percent for running text (the sentence says up or down): ``4.88%``."""
    return book.percent(
        section,
        instrument,
        metric,
        value,
        as_of,
        formula,
        decimals=decimals,
        absolute=True,
        grouped=book.lang == "en",
    )
