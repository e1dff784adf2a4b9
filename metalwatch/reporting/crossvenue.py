"""SHFE against LME for copper, aluminium and tin: the SHFE/LME ratio, the import break-even, the
import profit/loss and LME cash-3M, as of each metal's last day on or before the week's end with
both prices and a USD/CNY rate.

One computation per weekly (:func:`cross_venues`) feeds both the table and the metal
paragraphs, so a sentence and a cell print the same figure. Copper's import P/L includes the
day's Yangshan premium when one is stored for that day (a premium is not carried over from
another day); the other metals' are before premiums. Fees are never included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics import spreads
from metalwatch.analytics.units import MAX_FX_AGE_DAYS
from metalwatch.errors import MetalwatchError
from metalwatch.reporting import prose
from metalwatch.reporting.derived import as_of_cell, at
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, iso_date, tr

SECTION = "industrial"
COLUMNS = (
    N_("Metal"),
    N_("SHFE"),
    N_("LME 3-month"),
    N_("USD/CNY"),
    N_("SHFE/LME"),
    N_("Break-even"),
    N_("Import P/L"),
    N_("LME cash–3M"),
    N_("As of"),
)
#: The display name of each metal (the registry's metal key for aluminium is ``aluminum``).
NAMES = {"CU": N_("Copper"), "AL": N_("Aluminium"), "SN": N_("Tin")}
#: The physical premium over LME added to a metal's import cost, when stored for the day:
#: Mysteel's Yangshan bonded-warehouse warrant premium for standard (pyrometallurgical) cathode.
PREMIUMS = {"CU": "YANGSHAN.CU.WARRANT_PYRO"}
#: Decimals of each printed figure (the table and the paragraphs share them).
FX_DECIMALS = 4
RATIO_DECIMALS = 3
PL_DECIMALS = 0
PREMIUM_DECIMALS = 0
SPREAD_DECIMALS = 1


@dataclass(frozen=True)
class CrossVenue:
    """One metal's SHFE-against-LME figures on ``day`` (``premium`` NaN: none stored that day;
    ``spread`` = LME cash - 3-month, NaN without both, > 0 backwardation)."""

    code: str
    day: pd.Timestamp
    shfe: float
    lme: float
    usdcny: float
    fx_date: pd.Timestamp
    ratio: float
    parity: float
    pl: float
    premium: float
    spread: float


@dataclass(frozen=True)
class CrossVenues:
    """Every metal's :class:`CrossVenue` for the week ending ``week``, by code in
    ``spreads.METALS`` order, and why a metal has none (``skipped``, keyed ``CODE.IMPORT``)."""

    week: pd.Timestamp
    by_code: dict[str, CrossVenue]
    skipped: dict[str, str]


def cross_venues(wide: pd.DataFrame, week: pd.Timestamp) -> CrossVenues:
    """Each metal's figures on its last complete day on or before ``week``: computed once per
    weekly, for the table and the paragraphs."""
    skipped: dict[str, str] = {}
    found = {code: cross_venue(wide, week, code, skipped) for code in spreads.METALS}
    by_code = {code: c for code, c in found.items() if c is not None}
    return CrossVenues(week, by_code, skipped)


def _premium(wide: pd.DataFrame, code: str, day: pd.Timestamp) -> float:
    iid = PREMIUMS.get(code)
    if iid is None or iid not in wide.columns or day not in wide.index:
        return float("nan")
    return float(wide[iid].loc[day])


def cross_venue(
    wide: pd.DataFrame, week: pd.Timestamp, code: str, skipped: dict[str, str]
) -> CrossVenue | None:
    """Metal ``code``'s figures on its last complete day on or before ``week``, or None with
    the reason in ``skipped``."""
    try:
        pl = spreads.import_pl(wide, code)
        ratio = spreads.shfe_lme_ratio(wide, code)
    except MetalwatchError as exc:
        skipped[f"{code}.IMPORT"] = str(exc)
        return None
    row, _ = at(pl, "pl", week)
    if row is None:
        skipped[f"{code}.IMPORT"] = "no day on or before the week with every leg"
        return None
    day = cast(pd.Timestamp, row.name)
    premium = _premium(wide, code, day)
    landed = (1 + float(row["duty"])) * (1 + float(row["vat"])) * float(row["usdcny"])
    try:
        spread = float(spreads.cash_3m(wide, code)["spread"].get(day, float("nan")))
    except MetalwatchError:
        spread = float("nan")
    return CrossVenue(
        code=code,
        day=day,
        shfe=float(row["shfe"]),
        lme=float(row["lme"]),
        usdcny=float(row["usdcny"]),
        fx_date=pd.Timestamp(row["fx_date"]),
        ratio=float(ratio["ratio"].loc[day]),
        parity=float(ratio["parity"].loc[day]),
        pl=float(row["pl"]) - (premium * landed if pd.notna(premium) else 0.0),
        premium=premium,
        spread=spread,
    )


def pl_formula(c: CrossVenue) -> str:
    """How ``c.pl`` was computed, for the appendix."""
    m = spreads.METALS[c.code]
    fx = f"USD/CNY {c.usdcny:.{FX_DECIMALS}f} of {iso_date(c.fx_date)}"
    if pd.notna(c.premium):
        return (
            f"{m.shfe} - ({m.lme_3m} + {PREMIUMS[c.code]}) x USD/CNY x (1 + duty) x (1 + VAT); {fx}"
        )
    return f"{m.shfe} - {m.lme_3m} x USD/CNY x (1 + duty) x (1 + VAT), before premiums; {fx}"


def record_ratio(book: FigureBook, c: CrossVenue, metric: str) -> str:
    """The SHFE/LME ``'ratio'`` or its break-even ``'parity'``, recorded."""
    m = spreads.METALS[c.code]
    how = (
        f"{m.shfe} / ({m.lme_3m} x USD/CNY)"
        if metric == "ratio"
        else "(1 + VAT) x (1 + import duty) on that day"
    )
    value = c.ratio if metric == "ratio" else c.parity
    return book.number(
        SECTION, f"{c.code}.SHFE/LME", metric, value, RATIO_DECIMALS, "ratio", c.day, how
    )


def premium_level(book: FigureBook, c: CrossVenue) -> str:
    """The day's premium added to the import cost, with its unit, recorded."""
    return prose.level(
        book,
        SECTION,
        PREMIUMS[c.code],
        "mid",
        c.premium,
        PREMIUM_DECIMALS,
        "USD/t",
        c.day,
        "premium added to the LME price in the import P/L",
    )


def _premium_note(book: FigureBook, c: CrossVenue) -> str:
    if pd.isna(c.premium):
        return tr(
            book.lang,
            "No Yangshan copper premium is stored for %(date)s: copper's import P/L is before "
            "premiums.",
            date=iso_date(c.day),
        )
    return tr(
        book.lang,
        "Copper's import P/L adds the Yangshan warehouse-warrant premium (Mysteel midpoint, "
        "pyrometallurgical cathode) of %(date)s, %(premium)s.",
        date=iso_date(c.day),
        premium=premium_level(book, c),
    )


def pl_cell(book: FigureBook, c: CrossVenue) -> Cell:
    """The import P/L, signed and coloured, recorded."""
    how = pl_formula(c)
    return book.change(SECTION, f"{c.code}.IMPORT", "pl", c.pl, PL_DECIMALS, "CNY/t", c.day, how)


def spread_cell(book: FigureBook, c: CrossVenue) -> Cell:
    m = spreads.METALS[c.code]
    how = f"{m.lme_cash} - {m.lme_3m}"
    return book.change(
        SECTION, f"{c.code}.CASH-3M", "spread", c.spread, SPREAD_DECIMALS, "USD/t", c.day, how
    )


def cross_venue_table(crossings: CrossVenues, book: FigureBook, skipped: dict[str, str]) -> Table:
    """Per metal: SHFE vs LME 3M at the day's USD/CNY, the import break-even, P/L, cash-3M.

    A metal whose legs are missing is left out and named in ``skipped`` with the reason.
    """
    lang = book.lang
    week = crossings.week
    skipped.update(crossings.skipped)
    t = Table(
        "cross-venue",
        tr(lang, "SHFE against LME"),
        [Cell(tr(lang, c), "text" if i == 0 else "num") for i, c in enumerate(COLUMNS)],
    )
    t.formula = tr(
        lang,
        "SHFE/LME = SHFE CNY/t / (LME 3-month USD/t x USD/CNY). Break-even = "
        "(1 + VAT) x (1 + import duty). Import P/L = SHFE - (LME + premium) x USD/CNY x "
        "(1 + duty) x (1 + VAT), in CNY/t, before fees. Cash–3M > 0 is backwardation.",
    )
    notes = [
        tr(
            lang,
            "Each row is the last day on or before the week's end with both "
            "prices and a USD/CNY rate at most %(days)s days old.",
            days=book.count(
                SECTION,
                "FX.USDCNY",
                "max_age_days",
                MAX_FX_AGE_DAYS,
                "days",
                "oldest USD/CNY rate joined to a day's prices",
            ),
        )
    ]
    for code, c in crossings.by_code.items():
        m = spreads.METALS[code]
        if code in PREMIUMS:
            notes.append(_premium_note(book, c))
        rate = book.number(
            SECTION,
            "FX.USDCNY",
            "close",
            c.usdcny,
            FX_DECIMALS,
            "CNY/USD",
            c.fx_date,
            f"rate used: last on or before {iso_date(c.day)}",
        )
        t.rows.append(
            [
                Cell(tr(lang, NAMES[code]), "text name"),
                book.num(
                    SECTION,
                    m.shfe,
                    "close",
                    c.shfe,
                    registry.get(m.shfe).decimals,
                    "CNY/t",
                    c.day,
                    f"{m.shfe} close on the row's day",
                ),
                book.num(
                    SECTION,
                    m.lme_3m,
                    "close",
                    c.lme,
                    registry.get(m.lme_3m).decimals,
                    "USD/t",
                    c.day,
                    f"{m.lme_3m} price on the row's day",
                ),
                Cell(f"{rate} ({iso_date(c.fx_date)[5:]})", "num"),
                Cell(record_ratio(book, c, "ratio"), "num"),
                Cell(record_ratio(book, c, "parity"), "num"),
                pl_cell(book, c),
                spread_cell(book, c) if pd.notna(c.spread) else Cell("—", "num"),
                as_of_cell(c.day, week),
            ]
        )
    t.note = ("" if lang == "zh" else " ").join(notes)
    return t
