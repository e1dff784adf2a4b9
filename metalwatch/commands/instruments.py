"""``metalwatch instruments``: list the instrument registry."""

from __future__ import annotations

import argparse
from typing import Any

from metalwatch import api
from metalwatch.commands.table import print_table

NAME = "instruments"
COLUMNS = ["id", "name_en", "name_zh", "kind", "venue", "unit", "currency", "field"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``instruments`` to ``metalwatch``'s subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(NAME, help="list the instrument registry")
    return p


def run(args: argparse.Namespace) -> int:
    """Print the registry; 0."""
    df = api.instruments().reset_index()
    print_table("Instruments", df[COLUMNS].astype(str))
    return 0
