"""``metalwatch events``: list the stored events, add one, or import a CSV of them."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from metalwatch.commands.table import print_table
from metalwatch.event import KINDS, PRECISIONS, Event, parse_event
from metalwatch.ingest.seed import opened

NAME = "events"
#: What ``add`` stores as the origin of the versions it writes.
CLI_ORIGIN = "cli"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``events`` (``list``, ``add``, ``import``) to ``metalwatch``'s subparsers."""
    e: argparse.ArgumentParser = subparsers.add_parser(
        NAME, help="list the stored dated events, add one, or import a CSV of them"
    )
    actions = e.add_subparsers(dest="action", required=True)
    ls = actions.add_parser("list", help="print the stored events, oldest first")
    ls.add_argument("--metal", action="append", dest="metals", metavar="METAL",
                    help="only events touching this metal (repeat for several)")  # fmt: skip
    ls.add_argument("--since", help="first date (YYYY-MM-DD)")
    ls.add_argument("--until", help="last date (YYYY-MM-DD)")
    ls.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the text")
    add = actions.add_parser("add", help="store one event (a changed one: a new version)")
    add.add_argument("--date", required=True, help="YYYY-MM-DD, or YYYY-MM for a month")
    add.add_argument("--precision", choices=PRECISIONS, help="day or month (default: from --date)")
    add.add_argument("--region", required=True, help="who acted: CN, US, VN, EU, GLOBAL ...")
    add.add_argument("--kind", required=True, help=f"one of {', '.join(KINDS)}")
    add.add_argument("--metals", required=True, help="comma-separated: rare_earths,gold ...")
    add.add_argument("--text-en", default="", help="what happened, in English")
    add.add_argument("--text-zh", default="", help="what happened, in Chinese")
    add.add_argument("--source", required=True, help="who states it (publisher and time)")
    add.add_argument("--url", default="", help="where it is stated (http(s)://)")
    add.add_argument("--id", default="", help="the event's id (default: date.region.kind.metals)")
    imp = actions.add_parser("import", help="store the events of a CSV file, all or nothing")
    imp.add_argument("file", help="CSV with the columns of events.csv or metalwatch.event.COLUMNS")
    return e


def run(args: argparse.Namespace) -> int:
    """Run one ``events`` action; 0."""
    if args.action == "list":
        return _list(args)
    if args.action == "add":
        return _add(args)
    return _import(args)


def _list(args: argparse.Namespace) -> int:
    from metalwatch.dates import parse_date

    since = None if args.since is None else parse_date(args.since, "--since")
    until = None if args.until is None else parse_date(args.until, "--until")
    with opened(args.store) as st:
        events = st.events(args.metals, start=since, end=until)
    print_table(f"Events ({len(events)})", table(events, args.lang))
    return 0


def table(events: list[Event], lang: str) -> pd.DataFrame:
    """The rows ``events list`` prints: the date as known (a month as ``YYYY-MM``) and text."""
    columns = ["date", "region", "kind", "metals", "event", "source", "id"]
    rows = [
        [e.when(), e.region, e.kind, ",".join(e.metals), e.text(lang), e.source, e.id]
        for e in events
    ]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _add(args: argparse.Namespace) -> int:
    fields = {
        "id": args.id,
        "date": args.date,
        "precision": args.precision or "",
        "region": args.region,
        "kind": args.kind,
        "metals": args.metals,
        "text_en": args.text_en,
        "text_zh": args.text_zh,
        "source": args.source,
        "url": args.url,
    }
    event = parse_event(fields, "events add")
    with opened(args.store) as st:
        result = st.add_events([event], origin=CLI_ORIGIN)
    if result.added:
        print(f"added event {event.id} ({event.when()})")
    elif result.revised:
        print(f"revised event {event.id} ({event.when()}): the earlier version is kept")
    else:
        print(f"event {event.id} is stored exactly so: nothing written")
    return 0


def _import(args: argparse.Namespace) -> int:
    from metalwatch.ingest.event_import import import_events

    with opened(args.store) as st:
        result = import_events(st, args.file)
    print(
        f"imported {args.file}: {result.added} added, {result.revised} revised, "
        f"{result.unchanged} unchanged"
    )
    return 0
