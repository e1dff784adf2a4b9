"""``metalwatch store``: inspect, import into, export, check or copy the store."""

from __future__ import annotations

import argparse
from typing import Any

from metalwatch.commands.table import print_table
from metalwatch.errors import InvalidInputError
from metalwatch.ingest.seed import opened
from metalwatch.store import Store

NAME = "store"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``store`` to ``metalwatch``'s subparsers."""
    s: argparse.ArgumentParser = subparsers.add_parser(
        NAME, help="inspect, import into, export, check or copy the store"
    )
    s.add_argument("action", choices=["info", "import", "export", "check", "copy"],
                   help="info: rows, snapshot and series; import/export: canonical CSV; "
                   "check: integrity check; copy SRC DST: a whole store to a new one, between "
                   "SQLite files and postgresql:// URLs")  # fmt: skip
    s.add_argument("file", nargs="?",
                   help="CSV file for import/export (canonical layout); SRC for copy")  # fmt: skip
    s.add_argument("instruments", nargs="*",
                   help="instrument ids to export (default: all); DST store for copy")  # fmt: skip
    return s


def run(args: argparse.Namespace) -> int:
    """Run one store action; its exit code."""
    from metalwatch.ingest.file_import import import_csv
    from metalwatch.store import WriteResult
    from metalwatch.store.transfer import export_csv

    if args.action in ("import", "export") and not args.file:
        raise InvalidInputError(f"store {args.action} needs a CSV file")
    if args.action == "copy":
        return _copy(args)
    if args.action == "check":
        with Store(args.store) as st:
            result = st.integrity_check()
        print(f"{st.location}: integrity {result}")
        return 0 if result == "ok" else 1
    with opened(args.store) as st:
        if args.action == "import":

            def committed(iid: str, res: WriteResult) -> None:
                print(f"committed {iid}: {res.added} added, {res.revised} revised", flush=True)

            def started(rows: int, n: int) -> None:
                print(f"importing {rows} rows of {n} instruments", flush=True)

            res = import_csv(st, args.file, on_start=started, on_commit=committed)
            print(f"imported {args.file}: {res.added} added, {res.revised} revised, "
                  f"{res.unchanged} unchanged")  # fmt: skip
            return 0
        if args.action == "export":
            n = export_csv(st, args.file, args.instruments or None)
            print(f"exported {n} rows to {args.file}")
            return 0
    return _info(args)


def _info(args: argparse.Namespace) -> int:
    from metalwatch.ingest.seed import NOT_SEEDED, snapshot_status
    from metalwatch.store.chart_cache import KEEP

    with opened(args.store) as st:
        info = st.info()
        snap = snapshot_status(st)
        mode = ""
        if st.read_only:
            mode = " (read-only: opened as an unchanging file)" if st.immutable else " (read-only)"
        print(f"store: {st.location}{mode}")
        print(f"rows: {int(info['rows'].sum())} in {info['instrument'].nunique()} instruments")
        events = st.events()
        if events:
            first, last = min(e.date for e in events), max(e.date for e in events)
            print(f"events: {len(events)}, {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        kept = st.charts_kept()
        if kept:
            print(f"charts kept: {kept} (drawn for weeklies, the {KEEP} most recently used)")
        if snap.current:
            state = "current"
        elif snap.stored == NOT_SEEDED:
            state = f"left empty on purpose; the package's is {snap.package}"
        else:
            why = ", not applied: the store is read-only" if st.read_only else ""
            state = f"not current: the package's is {snap.package}{why}"
        print(f"snapshot: {snap.stored or 'never seeded'} ({state})")
        if snap.applied:
            print(f"last applied: {snap.applied}")
        per = info.groupby("instrument").agg(
            fields=("field", lambda f: ",".join(f)), rows=("rows", "sum"),
            first=("first", "min"), last=("last", "max"),
        ).reset_index()  # fmt: skip
    print_table("Stored series", per.astype(str))
    return 0


def _copy(args: argparse.Namespace) -> int:
    """``store copy SRC DST``: SRC (a file or URL) into the new store DST, verified."""
    from metalwatch.store.copier import copy_store

    if not args.file or len(args.instruments) != 1:
        raise InvalidInputError("store copy needs SRC and DST (a file or a postgresql:// URL)")
    with Store(args.file, read_only=True) as src, Store(args.instruments[0]) as dst:
        result = copy_store(src, dst)
        where = f"{src.location} ({src.backend}) -> {dst.location} ({dst.backend})"
    fp = result.fingerprint
    counts = ", ".join(f"{table} {n}" for table, n in fp.counts.items())
    print(f"copied {where} in {result.seconds:.1f} s")
    print(f"rows: {counts} ({fp.rows} in all), the same in both")
    print(f"checksum: sha256 {fp.checksum}, the same in both")
    return 0
