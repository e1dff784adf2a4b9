"""Cross-venue tables for the report: gold/silver ratio, Shanghai-London gold premium, SHFE/LME
ratio, import profit/loss and LME cash-3M, each as of its own last complete day on or before the
week's end and with the USD/CNY rate it used."""

from __future__ import annotations

import pandas as pd

from metalwatch.analytics import spreads
from metalwatch.errors import MetalwatchError
from metalwatch.reporting.cells import Cell, FigureBook, Table
from metalwatch.reporting.i18n import N_, number, tr, unit

PRECIOUS_COLUMNS = (N_("Measure"), N_("Value"), N_("Unit"), N_("WoW change"), N_("Inputs"),
                    N_("As of"))  # fmt: skip
CROSS_COLUMNS = (N_("Metal"), N_("SHFE"), N_("LME 3-month"), N_("USD/CNY"), N_("SHFE/LME"),
                 N_("Break-even"), N_("Import P/L"), N_("LME cash–3M"), N_("As of"))  # fmt: skip
#: Instruments the derived tables read.
LEGS = spreads.LEGS


def _at(df: pd.DataFrame, col: str, week: pd.Timestamp) -> tuple[pd.Series | None, float]:
    """The last complete row on or before ``week`` and the value a week earlier."""
    ok = df.loc[:week].dropna(subset=[col])
    if ok.empty:
        return None, float("nan")
    row = ok.iloc[-1]
    prev = ok.loc[: week - pd.Timedelta(days=7), col]
    return row, float(prev.iloc[-1]) if len(prev) else float("nan")


def _latest(compute, data: pd.DataFrame, col: str, week: pd.Timestamp):
    """``_at`` of ``compute(data)``, or ``(None, nan)`` when its legs are missing."""
    try:
        return _at(compute(data), col, week)
    except MetalwatchError:
        return None, float("nan")


def _date(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


#: A derived figure older than this many days at the week's end is marked stale.
STALE_DAYS = 10


def _as_of(day: pd.Timestamp, week: pd.Timestamp) -> Cell:
    stale = (week - pd.Timestamp(day)).days > STALE_DAYS
    return Cell(_date(day), "num stale" if stale else "num")


def precious_table(data: pd.DataFrame, week: pd.Timestamp, book: FigureBook) -> Table:
    """Gold/silver ratio (COMEX) and the Shanghai-London gold premium (SHFE vs LBMA PM)."""
    lang = book.lang
    t = Table("precious-derived", tr(lang, "Ratios and premium"),
              [Cell(tr(lang, c), "text" if i in (0, 2, 4) else "num")
               for i, c in enumerate(PRECIOUS_COLUMNS)])  # fmt: skip
    row, prev = _latest(spreads.gold_silver_ratio, data, "ratio", week)
    if row is not None:
        src = "COMEX.GC / COMEX.SI close"
        t.rows.append([
            Cell(tr(lang, "Gold/silver ratio (COMEX)"), "text name"),
            book.num("precious", "AU/AG", "ratio", row["ratio"], 2, "oz/oz", row.name, src),
            Cell(tr(lang, "oz of silver per oz of gold")),
            book.change("precious", "AU/AG", "wow_change", row["ratio"] - prev, 2, "oz/oz",
                        row.name, "ratio - ratio a week earlier"),
            Cell(f"{number(row['gold'], 1, lang)} / {number(row['silver'], 3, lang)}", "text"),
            _as_of(row.name, week),
        ])  # fmt: skip
    row, prev = _latest(spreads.gold_premium, data, "premium", week)
    if row is not None:
        formula = ("SHFE.AU CNY/g / USD/CNY x 31.1034768 g/oz - LBMA.AU.PM USD/oz; "
                   f"USD/CNY {row['usdcny']:.4f} of {_date(row['fx_date'])}")
        inputs = tr(lang, "SHFE %(sh)s CNY/g at USD/CNY %(fx)s (%(fx_date)s) vs LBMA PM %(ldn)s",
                    sh=number(row["shanghai"], 2, lang), fx=number(row["usdcny"], 4, lang),
                    fx_date=_date(row["fx_date"]), ldn=number(row["london"], 2, lang))  # fmt: skip
        t.rows.append([
            Cell(tr(lang, "Shanghai–London gold premium"), "text name"),
            book.num("precious", "AU.SH-LDN", "premium", row["premium"], 2, "USD/oz", row.name,
                     formula),
            Cell(unit("USD/oz", lang)),
            book.change("precious", "AU.SH-LDN", "wow_change", row["premium"] - prev, 2,
                        "USD/oz", row.name, "premium - premium a week earlier"),
            Cell(inputs, "text wrap"),
            _as_of(row.name, week),
        ])  # fmt: skip
    return t


def cross_venue_table(data: pd.DataFrame, week: pd.Timestamp, book: FigureBook) -> Table:
    """Per metal: SHFE vs LME 3M at the day's USD/CNY, the import break-even, P/L, cash-3M."""
    lang = book.lang
    t = Table("cross-venue", tr(lang, "SHFE against LME"),
              [Cell(tr(lang, c), "text" if i == 0 else "num")
               for i, c in enumerate(CROSS_COLUMNS)])  # fmt: skip
    t.note = tr(lang, "SHFE/LME = SHFE CNY/t / (LME 3-month USD/t x USD/CNY). Break-even = "
                "(1 + VAT) x (1 + import duty). Import P/L = SHFE - LME x USD/CNY x (1 + duty) "
                "x (1 + VAT), in CNY/t, before premiums and fees. Cash–3M > 0 is backwardation.")
    t.note += " " + tr(lang, "Each row is the last day on or before the week's end with both "
                       "prices and a USD/CNY rate at most 5 days old.")  # fmt: skip
    for code, m in spreads.METALS.items():
        try:
            pl = spreads.import_pl(data, code)
            ratio = spreads.shfe_lme_ratio(data, code)
        except MetalwatchError:
            continue
        row, _ = _at(pl, "pl", week)
        if row is None:
            continue
        day = row.name
        r = ratio.loc[day]
        fx = f"USD/CNY {row['usdcny']:.4f} of {_date(row['fx_date'])}"
        spread_cell = Cell("—", "num")
        try:
            c3 = spreads.cash_3m(data, code)
        except MetalwatchError:
            c3 = None
        if c3 is not None and day in c3.index and pd.notna(c3.loc[day, "spread"]):
            spread_cell = book.change("industrial", f"{code}.CASH-3M", "spread",
                                      c3.loc[day, "spread"], 1, "USD/t", day,
                                      f"{m.lme_cash} - {m.lme_3m}")  # fmt: skip
        t.rows.append([
            Cell(tr(lang, m.name), "text name"),
            Cell(number(row["shfe"], 0, lang), "num"),
            Cell(number(row["lme"], 1, lang), "num"),
            Cell(f"{number(row['usdcny'], 4, lang)} ({_date(row['fx_date'])[5:]})", "num"),
            book.num("industrial", f"{code}.SHFE/LME", "ratio", r["ratio"], 3, "ratio", day,
                     f"{m.shfe} / ({m.lme_3m} x USD/CNY); {fx}"),
            book.num("industrial", f"{code}.SHFE/LME", "parity", r["parity"], 3, "ratio", day,
                     "(1 + VAT) x (1 + import duty) on that day"),
            book.change("industrial", f"{code}.IMPORT", "pl", row["pl"], 0, "CNY/t", day,
                        f"{m.shfe} - {m.lme_3m} x USD/CNY x (1 + duty) x (1 + VAT); {fx}"),
            spread_cell,
            _as_of(day, week),
        ])  # fmt: skip
    return t
