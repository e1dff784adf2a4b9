"""Cross-venue tables for the report: gold/silver ratio, SHFE/LME ratio, import profit/loss and
LME cash-3M, each as of its own last complete day on or before the
week's end and with the USD/CNY rate it used.

Every input leg printed (SHFE and LME prices, the USD/CNY rate, the gold and silver closes) is
recorded in the figure book like the results, so the appendix holds it with its date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pandas as pd

from metalwatch import registry
from metalwatch.analytics import spreads
from metalwatch.analytics.units import MAX_FX_AGE_DAYS
from metalwatch.errors import MetalwatchError
from metalwatch.reporting.figures import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, iso_date, tr

PRECIOUS_COLUMNS = (
    N_("Measure"),
    N_("Value"),
    N_("Unit"),
    N_("WoW change"),
    N_("Inputs"),
    N_("As of"),
)
CROSS_COLUMNS = (
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
#: A derived figure older than this many days at the week's end is marked stale.
STALE_DAYS = 10
#: The USD/CNY rate's decimals wherever it is printed.
FX_DECIMALS = 4


def _at(df: pd.DataFrame, col: str, week: pd.Timestamp) -> tuple[pd.Series | None, float]:
    """The last complete row on or before ``week`` and the value a week earlier.

    A row from before the week (a stale ratio) has no weekly change: its earlier value is NaN,
    never the row itself (which would print a ``0.00`` change).
    """
    ok = df.loc[:week].dropna(subset=[col])
    if ok.empty:
        return None, float("nan")
    row = ok.iloc[-1]
    last_week = week - pd.Timedelta(days=7)
    if pd.Timestamp(row.name) <= last_week:  # type: ignore[arg-type]
        return row, float("nan")
    prev = ok.loc[:last_week, col]
    return row, float(prev.iloc[-1]) if len(prev) else float("nan")


def latest(
    compute: Callable[[pd.DataFrame], pd.DataFrame],
    data: pd.DataFrame,
    col: str,
    week: pd.Timestamp,
    skipped: dict[str, str],
    what: str,
) -> tuple[pd.Series | None, float]:
    """``_at`` of ``compute(data)``, or ``(None, nan)`` with the reason in ``skipped``."""
    try:
        row, prev = _at(compute(data), col, week)
    except MetalwatchError as exc:
        skipped[what] = str(exc)
        return None, float("nan")
    if row is None:
        skipped[what] = "no day on or before the week with every leg"
    return row, prev


def _as_of(day: pd.Timestamp, week: pd.Timestamp) -> Cell:
    stale = (week - pd.Timestamp(day)).days > STALE_DAYS
    return Cell(iso_date(day), "num stale" if stale else "num")


def precious_table(
    wide: pd.DataFrame, week: pd.Timestamp, book: FigureBook, skipped: dict[str, str]
) -> Table:
    """The gold/silver ratio (COMEX closes of one day); no Shanghai-London premium (its legs
    are not struck at comparable times: the note under the table says so).

    A row whose legs are missing is left out and named in ``skipped`` with the reason.
    """
    lang = book.lang
    t = Table(
        "precious-derived",
        tr(lang, "Gold/silver ratio"),
        [
            Cell(tr(lang, c), "text" if i in (0, 2, 4) else "num")
            for i, c in enumerate(PRECIOUS_COLUMNS)
        ],
    )
    row, prev = latest(spreads.gold_silver_ratio, wide, "ratio", week, skipped, "AU/AG")
    if row is not None:
        day = cast(pd.Timestamp, row.name)
        gold = book.number(
            "precious",
            "COMEX.GC",
            "close",
            row["gold"],
            registry.get("COMEX.GC").decimals,
            "USD/oz",
            day,
            "ratio leg: COMEX gold close of that day",
        )
        silver = book.number(
            "precious",
            "COMEX.SI",
            "close",
            row["silver"],
            registry.get("COMEX.SI").decimals,
            "USD/oz",
            day,
            "ratio leg: COMEX silver close of that day",
        )
        t.rows.append(
            [
                Cell(tr(lang, "Gold/silver ratio (COMEX)"), "text name"),
                book.num(
                    "precious",
                    "AU/AG",
                    "ratio",
                    row["ratio"],
                    2,
                    "oz/oz",
                    day,
                    "COMEX.GC / COMEX.SI close",
                ),
                Cell(tr(lang, "oz of silver per oz of gold")),
                book.change(
                    "precious",
                    "AU/AG",
                    "wow_change",
                    row["ratio"] - prev,
                    2,
                    "oz/oz",
                    day,
                    "ratio - ratio a week earlier",
                ),
                Cell(f"{gold} / {silver}", "text"),
                _as_of(day, week),
            ]
        )
    t.note = tr(
        lang,
        "No Shanghai-London gold premium is printed: the SHFE gold close (Beijing afternoon) "
        "and the LBMA PM fix (London afternoon, hours later) are not struck at comparable "
        "times, and the store holds no London price at the Shanghai close.",
    )
    return t


def cross_venue_table(
    wide: pd.DataFrame, week: pd.Timestamp, book: FigureBook, skipped: dict[str, str]
) -> Table:
    """Per metal: SHFE vs LME 3M at the day's USD/CNY, the import break-even, P/L, cash-3M.

    A metal whose legs are missing is left out and named in ``skipped`` with the reason.
    """
    lang = book.lang
    t = Table(
        "cross-venue",
        tr(lang, "SHFE against LME"),
        [Cell(tr(lang, c), "text" if i == 0 else "num") for i, c in enumerate(CROSS_COLUMNS)],
    )
    t.formula = tr(
        lang,
        "SHFE/LME = SHFE CNY/t / (LME 3-month USD/t x USD/CNY). Break-even = "
        "(1 + VAT) x (1 + import duty). Import P/L = SHFE - LME x USD/CNY x "
        "(1 + duty) x (1 + VAT), in CNY/t, before premiums and fees. Cash–3M > 0 is "
        "backwardation.",
    )
    t.note = tr(
        lang,
        "Each row is the last day on or before the week's end with both "
        "prices and a USD/CNY rate at most %(days)s days old.",
        days=book.count(
            "industrial",
            "FX.USDCNY",
            "max_age_days",
            MAX_FX_AGE_DAYS,
            "days",
            "oldest USD/CNY rate joined to a day's prices",
        ),
    )
    for code, m in spreads.METALS.items():
        try:
            pl = spreads.import_pl(wide, code)
            ratio = spreads.shfe_lme_ratio(wide, code)
        except MetalwatchError as exc:
            skipped[f"{code}.IMPORT"] = str(exc)
            continue
        row, _ = _at(pl, "pl", week)
        if row is None:
            skipped[f"{code}.IMPORT"] = "no day on or before the week with every leg"
            continue
        day = cast(pd.Timestamp, row.name)
        r = ratio.loc[[day]].iloc[0]
        fx = f"USD/CNY {row['usdcny']:.{FX_DECIMALS}f} of {iso_date(row['fx_date'])}"
        spread_cell = Cell("—", "num")
        try:
            c3 = spreads.cash_3m(wide, code)
        except MetalwatchError:
            c3 = None
        spread = float(c3["spread"].get(day, float("nan"))) if c3 is not None else float("nan")
        if pd.notna(spread):
            spread_cell = book.change(
                "industrial",
                f"{code}.CASH-3M",
                "spread",
                spread,
                1,
                "USD/t",
                day,
                f"{m.lme_cash} - {m.lme_3m}",
            )
        rate = book.number(
            "industrial",
            "FX.USDCNY",
            "close",
            row["usdcny"],
            FX_DECIMALS,
            "CNY/USD",
            row["fx_date"],
            f"rate used: last on or before {iso_date(day)}",
        )
        t.rows.append(
            [
                Cell(tr(lang, m.name.capitalize()), "text name"),
                book.num(
                    "industrial",
                    m.shfe,
                    "close",
                    row["shfe"],
                    registry.get(m.shfe).decimals,
                    "CNY/t",
                    day,
                    f"{m.shfe} close on the row's day",
                ),
                book.num(
                    "industrial",
                    m.lme_3m,
                    "close",
                    row["lme"],
                    registry.get(m.lme_3m).decimals,
                    "USD/t",
                    day,
                    f"{m.lme_3m} price on the row's day",
                ),
                Cell(f"{rate} ({iso_date(row['fx_date'])[5:]})", "num"),
                book.num(
                    "industrial",
                    f"{code}.SHFE/LME",
                    "ratio",
                    float(r["ratio"]),
                    3,
                    "ratio",
                    day,
                    f"{m.shfe} / ({m.lme_3m} x USD/CNY); {fx}",
                ),
                book.num(
                    "industrial",
                    f"{code}.SHFE/LME",
                    "parity",
                    float(r["parity"]),
                    3,
                    "ratio",
                    day,
                    "(1 + VAT) x (1 + import duty) on that day",
                ),
                book.change(
                    "industrial",
                    f"{code}.IMPORT",
                    "pl",
                    row["pl"],
                    0,
                    "CNY/t",
                    day,
                    f"{m.shfe} - {m.lme_3m} x USD/CNY x (1 + duty) x (1 + VAT); {fx}",
                ),
                spread_cell,
                _as_of(day, week),
            ]
        )
    return t
