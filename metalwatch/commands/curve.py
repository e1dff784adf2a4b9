"""``metalwatch curve``: print a futures curve of one day and its M1-M3 spread."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from metalwatch import api

NAME = "curve"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``curve`` to ``metalwatch``'s subparsers."""
    c: argparse.ArgumentParser = subparsers.add_parser(
        NAME, help="print a futures curve: every contract's settlement on one day"
    )
    c.add_argument("instrument", help="the curve's root, e.g. SHFE.CU or GFEX.LC")
    c.add_argument("--date", help="trading day (default: the latest day held)")
    return c


def run(args: argparse.Namespace) -> int:
    """Print the curve table and the M1-M3 line; 0."""
    from metalwatch.analytics.curves import label, spread_of
    from metalwatch.commands.table import print_table
    from metalwatch.registry import get

    cv = api.curve(args.instrument, date=args.date, store=args.store)
    day, unit = cv.attrs["date"], cv.attrs["unit"]
    decimals = get(cv.attrs["instrument"]).decimals
    show = pd.DataFrame(
        {
            "contract": [label(c) for c in cv["contract"]],
            "expiry": [f"{e:%Y-%m-%d}" + ("*" if c in cv.attrs["estimated"] else "")
                       for c, e in zip(cv["contract"], cv["expiry"], strict=True)],
            "settle": [f"{v:,.{decimals}f}" for v in cv["settle"]],
            "days to expiry": cv["days_to_expiry"].astype(str),
        }
    )  # fmt: skip
    print(f"{cv.attrs['instrument']} futures curve, {day:%Y-%m-%d} (settlement, {unit})")
    print_table("", show)
    s = spread_of(cv, day)
    if s is not None:
        print(
            f"M1-M3 ({label(s.front)}-{label(s.third)}): {s.spread:,.{decimals}f} {unit} "
            f"({s.pct_of_m1:.2f} % of M1), {s.structure}"
        )
    if cv.attrs["estimated"]:
        print("* past the trading calendar: expiry reckoned on weekdays")
    return 0
