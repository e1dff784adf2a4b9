"""``metalwatch update``: fetch new and revised rows from the live sources."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

NAME = "update"
EXIT_FAILED = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``update`` subcommand to ``metalwatch``'s subparsers."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        NAME,
        help="fetch new and revised rows from the live sources",
        description="Fetch every live series (or the ones named) from the last stored date "
        "minus a small overlap to today, write new and revised rows, print a summary. Exits "
        "1 if any series failed.",
    )
    p.add_argument("instruments", nargs="*", help="instrument ids (default: every live one)")
    p.add_argument("--since", help="fetch from this date (YYYY-MM-DD) instead")
    p.add_argument(
        "--force",
        action="store_true",
        help="ignore what is stored and fetch each source's default history",
    )
    p.add_argument(
        "--from-file",
        dest="files",
        action="append",
        default=[],
        metavar="FILE",
        help="load licensed prices from a CSV/Excel file (repeatable)",
    )
    p.add_argument(
        "--no-news",
        dest="news",
        action="store_false",
        default=None,
        help="do not fetch headlines",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="fetch threads (default 16; each host keeps its rate limit)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``metalwatch update``; 0 if every series succeeded, 1 if any failed."""
    from metalwatch.dates import parse_date
    from metalwatch.ingest import runner, summary

    os.environ.setdefault("TQDM_DISABLE", "1")  # akshare's page loops draw tqdm bars
    since = parse_date(args.since, "--since") if args.since else None
    with summary.progress(args.quiet) as (on_plan, on_done):
        report = runner.update(
            args.instruments or None,
            since=since,
            force=args.force,
            store=args.store,
            files=args.files,
            news=args.news,
            workers=args.workers or runner.WORKERS,
            on_plan=on_plan,
            on_done=on_done,
        )
    summary.print_summary(report)
    if report.failed:
        print(
            f"metalwatch: {len(report.failed)} series failed; the store keeps their last good rows",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0
