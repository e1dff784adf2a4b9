"""The end-of-run summary table and the progress bar of ``metalwatch update``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from metalwatch.update.outcome import SeriesOutcome, UpdateReport


def status_text(o: SeriesOutcome) -> str:
    """'ok', 'ok: no new rows', 'failed: <cause>' or 'skipped: <why>'.

    The cause drops the ``<source> <series>: `` prefix the error message starts with, since
    the table shows both already; fallbacks keep every route's cause.
    """
    if o.status == "ok":
        quiet = o.added == 0 and o.revised == 0
        return "ok: no new rows" if quiet else "ok"
    if not o.message:
        return o.status
    causes = [_cause(part, o.instrument) for part in o.message.split(" | ")]
    return f"{o.status}: " + " | ".join(causes)


def _cause(message: str, instrument: str) -> str:
    head, sep, rest = message.partition(f" {instrument}: ")
    return f"{head}: {rest}" if sep and " " not in head else message


def rows(report: UpdateReport) -> list[dict[str, str]]:
    """One dict per outcome: series, source, added, revised, last date, status, notes."""
    out = []
    for o in report.outcomes:
        notes = o.message if o.status == "ok" else ""
        out.append({
            "series": o.instrument, "source": o.source, "added": str(o.added),
            "revised": str(o.revised),
            "last date": f"{o.last_date:%Y-%m-%d}" if o.last_date is not None else "-",
            "status": status_text(o),
            "notes": notes,
        })  # fmt: skip
    return out


def footer(report: UpdateReport) -> str:
    """One line: counts, rows, time and rate-limit waits."""
    n = len(report.outcomes)
    failed = len(report.failed)
    skipped = sum(o.status == "skipped" for o in report.outcomes)
    waited = sum(report.waited.values())
    reqs = sum(report.requests.values())
    return (f"{n} series: {n - failed - skipped} ok, {failed} failed, {skipped} skipped; "
            f"{report.added} rows added, {report.revised} revised; {reqs} rate-limited "
            f"requests, {waited:.1f} s waited; {report.seconds:.1f} s")  # fmt: skip


def print_summary(report: UpdateReport, console: Any = None) -> None:
    """Print the summary table (rich) and the footer line."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console(width=max(160, Console().width))
    table = Table(title="metalwatch update", show_lines=False)
    for col, justify in (("series", "left"), ("source", "left"), ("added", "right"),
                         ("revised", "right"), ("last date", "left"), ("status", "left"),
                         ("notes", "left")):  # fmt: skip
        table.add_column(col, justify=justify, overflow="fold")
    for r, o in zip(rows(report), report.outcomes, strict=True):
        style = "red" if o.status == "failed" else ("dim" if o.status == "skipped" else None)
        table.add_row(*r.values(), style=style)
    console.print(table)
    console.print(footer(report))


@contextmanager
def progress(quiet: bool = False) -> Iterator[tuple[Any, Any]]:
    """A rich progress bar on stderr; silent when ``quiet`` or stderr is not a terminal.

    Yields ``(on_plan, on_done)`` callbacks for :func:`metalwatch.update.update`.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield (lambda n: None), (lambda o: None)
        return
    bar = Progress(TextColumn("updating"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.description}"), TimeElapsedColumn(),
                   console=console, transient=True)  # fmt: skip
    task = bar.add_task("", total=None)
    with bar:
        yield (
            (lambda n: bar.update(task, total=n)),
            (lambda o: bar.update(task, advance=1, description=o.instrument)),
        )
