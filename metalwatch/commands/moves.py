"""``metalwatch moves``: print the week's moves.

A quick terminal command: it imports nothing from :mod:`metalwatch.reporting` (the report
package loads Jinja, YAML and the report model), no statistics or PDF library and not Babel
(its import and English locale data were ~0.06 s of the command): its numbers are formatted
with :mod:`decimal` exactly as the report's ``i18n.number``/``percent`` format English (Babel's
rounding: the float's shortest repr, half to even; a test pins them equal).
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

import pandas as pd

from metalwatch import week_api
from metalwatch.commands.table import print_table

NAME = "moves"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``moves`` to ``metalwatch``'s subparsers."""
    m: argparse.ArgumentParser = subparsers.add_parser(NAME, help="print the week's moves")
    m.add_argument("--week", help="any date; the week ending on the Friday on or before it")
    m.add_argument("instruments", nargs="*", help="instrument ids (default: all)")
    return m


def number(value: object, decimals: int) -> str:
    """Grouped, fixed decimals (``1,234.50``); missing -> '—'."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    exact = Decimal(str(value))
    sign = "-" if exact.is_signed() else ""
    if exact.is_infinite():
        return sign + "∞"
    return sign + f"{abs(exact).quantize(Decimal(1).scaleb(-decimals)):,f}"


def percent(value: object, decimals: int) -> str:
    """A value already in percent, signed: ``1.5`` -> ``'+1.50%'``; missing -> '—'."""
    text = number(value, decimals)
    if text == "—":
        return text
    return ("+" if value > 0 else "") + text + "%"  # type: ignore[operator]


def iso_date(value: object) -> str:
    """``YYYY-MM-DD``; missing -> '—'."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return f"{pd.Timestamp(value):%Y-%m-%d}"  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    """Print the moves table; 0."""
    mv = week_api.moves(args.week, ids=args.instruments or None, store=args.store)

    def pct(col: str) -> list[str]:
        return [percent(v, 2) for v in mv[col]]

    show = pd.DataFrame(
        {
            "instrument": mv.index,
            "venue": mv["venue"],
            "unit": mv["unit"],
            "close": [number(c, int(d)) for c, d in zip(mv["close"], mv["decimals"], strict=True)],
            "as of": mv["close_date"].map(iso_date),
            "WoW %": pct("wow_pct"),
            "5-day %": pct("d5_pct"),
            "MTD %": pct("mtd_pct"),
            "YTD %": pct("ytd_pct"),
            "status": mv["status"],
        }
    )
    print_table(f"Moves, week ending {mv.attrs['week']:%Y-%m-%d}", show.astype(str))
    return 0
