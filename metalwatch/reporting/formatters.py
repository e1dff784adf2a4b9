"""Number and date formatting for reports (registered once as Jinja filters)."""

from __future__ import annotations

import math

import pandas as pd


def fmt_number(value: float | None, decimals: int = 2) -> str:
    """``12345.678`` -> ``'12,345.68'``; missing -> an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{decimals}f}"


def fmt_pct(value: float | None, decimals: int = 2) -> str:
    """A percent already in percent units with a sign: ``1.5`` -> ``'+1.50%'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+.{decimals}f}%"


def fmt_change(value: float | None, decimals: int = 0) -> str:
    """A signed change in units: ``-1250`` -> ``'-1,250'``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+,.{decimals}f}"


def fmt_date(value: object, pattern: str = "%Y-%m-%d") -> str:
    """A date as text; missing -> an em dash."""
    if value is None or pd.isna(value):
        return "—"
    return pd.Timestamp(value).strftime(pattern)


def direction(value: float | None) -> str:
    """CSS class for a move: ``up``, ``down`` or ``flat``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


FILTERS = {
    "num": fmt_number,
    "pct": fmt_pct,
    "chg": fmt_change,
    "date": fmt_date,
    "direction": direction,
}
