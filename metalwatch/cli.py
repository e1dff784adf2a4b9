"""The ``metalwatch`` command: a thin face on the library functions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from metalwatch import api
from metalwatch.errors import InvalidInputError, MetalwatchError
from metalwatch.store import Store
from metalwatch.ingest.seed import opened
from metalwatch.ingest import cli as update_cli


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="metalwatch", description=__doc__)
    p.add_argument("--store", help="store file (default: $METALWATCH_STORE or the user data dir)")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("report", help="write the weekly report")
    r.add_argument(
        "--week",
        help="any date (the week ending on the Friday on or before it), or 'latest' for the "
        "newest data regardless of staleness; default: the latest week whose cover figures "
        "are all fresh",
    )
    r.add_argument("--lang", choices=["en", "zh"], default="en")
    r.add_argument("--format", dest="fmt", choices=["pdf", "html"], default="pdf")
    r.add_argument("--analyst", help="YAML analyst file (publisher, rating, views, watch lists)")
    r.add_argument("--template-dir", help="folder of templates overriding the packaged ones")
    r.add_argument("--appendix", choices=["csv", "xlsx"], help="also write the data appendix")
    r.add_argument("-o", "--output", help="output file (default reports/metalwatch-weekly-<week>)")

    m = sub.add_parser("moves", help="print the week's moves")
    m.add_argument("--week", help="any date; the week ending on the Friday on or before it")
    m.add_argument("instruments", nargs="*", help="instrument ids (default: all)")

    sub.add_parser("instruments", help="list the instrument registry")
    update_cli.add_parser(sub)

    s = sub.add_parser("store", help="inspect, import into or export the store")
    s.add_argument("action", choices=["info", "import", "export", "check"])
    s.add_argument("file", nargs="?", help="CSV file for import/export (canonical layout)")
    s.add_argument("instruments", nargs="*", help="instrument ids to export (default: all)")
    return p


def _print_table(title: str, df: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col), justify="left" if df[col].dtype == object else "right")
    for row in df.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    Console(width=max(160, Console().width)).print(table)


def _cmd_moves(args: argparse.Namespace) -> int:
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
    _print_table(f"Moves, week ending {mv.attrs['week']:%Y-%m-%d}", show.astype(str))
    return 0


def _cmd_store(args: argparse.Namespace) -> int:
    from metalwatch.store import WriteResult
    from metalwatch.store.transfer import export_csv
    from metalwatch.ingest.file_import import import_csv

    if args.action in ("import", "export") and not args.file:
        raise InvalidInputError(f"store {args.action} needs a CSV file")
    if args.action == "check":
        with Store(args.store) as st:
            result = st.integrity_check()
        print(f"{st.path}: integrity {result}")
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
    return _cmd_store_info(args)


def _cmd_store_info(args: argparse.Namespace) -> int:
    from metalwatch.ingest.seed import NOT_SEEDED, snapshot_status

    with opened(args.store) as st:
        info = st.info()
        snap = snapshot_status(st)
        mode = ""
        if st.read_only:
            mode = " (read-only: opened as an unchanging file)" if st.immutable else " (read-only)"
        print(f"store: {st.path}{mode}")
        print(f"rows: {int(info['rows'].sum())} in {info['instrument'].nunique()} instruments")
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
    _print_table("Stored series", per.astype(str))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from metalwatch.weekly import choose_week

    with opened(args.store) as st:
        choice = choose_week(st, args.week)
    print(f"week {choice.week:%Y-%m-%d}: {choice.reason}")
    out = api.report(
        f"{choice.week:%Y-%m-%d}",
        output=args.output,
        lang=args.lang,
        format=args.fmt,
        analyst=args.analyst,
        template_dir=args.template_dir,
        appendix=args.appendix,
        store=args.store,
    )
    print(f"wrote {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "update":
            return update_cli.run(args)
        if args.command == "moves":
            return _cmd_moves(args)
        if args.command == "instruments":
            df = api.instruments().reset_index()
            cols = ["id", "name_en", "name_zh", "kind", "venue", "unit", "currency", "field"]
            _print_table("Instruments", df[cols].astype(str))
            return 0
        return _cmd_store(args)
    except MetalwatchError as exc:
        print(f"metalwatch: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
