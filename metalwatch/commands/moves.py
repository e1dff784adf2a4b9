"""``metalwatch moves``: print the week's moves."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from metalwatch import api
from metalwatch.commands.table import print_table

NAME = "moves"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``moves`` to ``metalwatch``'s subparsers."""
    m: argparse.ArgumentParser = subparsers.add_parser(NAME, help="print the week's moves")
    m.add_argument("--week", help="any date; the week ending on the Friday on or before it")
    m.add_argument("instruments", nargs="*", help="instrument ids (default: all)")
    return m


def run(args: argparse.Namespace) -> int:
    """Print the moves table; 0."""
    from metalwatch.reporting.i18n import iso_date, number, percent

    mv = api.moves(args.week, ids=args.instruments or None, store=args.store)

    def pct(col: str) -> list[str]:
        return [percent(v, 2, "en") for v in mv[col]]

    show = pd.DataFrame(
        {
            "instrument": mv.index,
            "venue": mv["venue"],
            "unit": mv["unit"],
            "close": [
                number(c, int(d), "en") for c, d in zip(mv["close"], mv["decimals"], strict=True)
            ],
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
