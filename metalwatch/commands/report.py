"""``metalwatch report``: write the weekly."""

from __future__ import annotations

import argparse
from typing import Any

NAME = "report"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``report`` to ``metalwatch``'s subparsers."""
    r: argparse.ArgumentParser = subparsers.add_parser(NAME, help="write the weekly report")
    r.add_argument(
        "--week",
        help="any date (the week ending on the Friday on or before it), or 'latest' for the "
        "newest data regardless of staleness; default: the latest week whose cover figures "
        "are all fresh",
    )
    r.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the weekly")
    r.add_argument(
        "--format",
        dest="fmt",
        choices=["pdf", "html"],
        default="pdf",
        help="output format (the same templates)",
    )
    r.add_argument("--analyst", help="YAML analyst file (publisher, rating, views, watch lists)")
    r.add_argument("--template-dir", help="folder of templates overriding the packaged ones")
    r.add_argument("--appendix", choices=["csv", "xlsx"], help="also write the data appendix")
    r.add_argument("-o", "--output", help="output file (default reports/metalwatch-weekly-<week>)")
    r.add_argument(
        "--as-of",
        help="build it from the store as it was at this time (e.g. 2025-12-12T18:00+08:00; "
        "no zone: UTC): revisions made since are undone, rows written since left out",
    )
    return r


def run(args: argparse.Namespace) -> int:
    """Write the weekly; 0 when written.

    The week is resolved once, by :func:`metalwatch.weekly.write`, after every input that
    needs no data (a bad ``-o`` or template folder fails before any week work).
    """
    from metalwatch.store import parse_as_of
    from metalwatch.weekly import write

    done = write(
        args.week,
        output=args.output,
        lang=args.lang,
        format=args.fmt,
        analyst=args.analyst,
        template_dir=args.template_dir,
        appendix=args.appendix,
        as_of=None if args.as_of is None else parse_as_of(args.as_of, "as_of"),
        store=args.store,
    )
    done.warn_missing_glyphs()
    print(f"week {done.choice.week:%Y-%m-%d}: {done.choice.reason}")
    print(f"wrote {done.path}")
    return 0
