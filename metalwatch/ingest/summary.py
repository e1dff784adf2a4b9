"""The end-of-run summary table and the progress bar of ``metalwatch update``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from metalwatch.errors import DataError, SourceError
from metalwatch.ingest.outcome import SeriesOutcome, UpdateReport


def status_text(o: SeriesOutcome) -> str:
    """'ok', 'ok: no new rows', 'failed: <source>: <cause>' or 'skipped: <why>'.

    A failure shows each failed route as ``<source>: <cause>``, built from the errors' fields
    (the table's series column names the series already); fallbacks keep every route's cause.
    """
    if o.status == "ok":
        quiet = o.added == 0 and o.revised == 0
        return "ok: no new rows" if quiet else "ok"
    if o.status == "failed" and o.error is not None:
        return f"{o.status}: " + " | ".join(cause(e, o.source) for e in _errors(o))
    return f"{o.status}: {o.message}" if o.message else o.status


def cause(error: BaseException, source: str = "") -> str:
    """``"<source>: <reason>"`` of a failure; ``source`` stands in when the error names none."""
    if isinstance(error, (SourceError, DataError)):
        where, reason = error.source or source, error.reason
    else:
        where, reason = source, str(error)
    return f"{where}: {reason}" if where else reason


def _errors(o: SeriesOutcome) -> list[BaseException]:
    """The errors behind a failure: every route's when no route served, else the final one."""
    routes = [a.error for a in o.attempts if a.error is not None]
    if o.error is None or any(e is o.error for e in routes):
        return routes
    return [o.error]  # a check or a write failed after a route served


def rows(report: UpdateReport) -> list[dict[str, str]]:
    """One dict per outcome: series, source, added, revised, last date, status, notes."""
    return [
        {
            "series": o.instrument,
            "source": o.source,
            "added": str(o.added),
            "revised": str(o.revised),
            "last date": f"{o.last_date:%Y-%m-%d}" if o.last_date is not None else "-",
            "status": status_text(o),
            "notes": o.message if o.status == "ok" else "",
        }
        for o in report.outcomes
    ]


def footer(report: UpdateReport) -> str:
    """One line: counts, rows, time and rate-limit waits."""
    n = len(report.outcomes)
    failed = len(report.failed)
    skipped = sum(o.status == "skipped" for o in report.outcomes)
    waited = sum(report.waited.values())
    reqs = sum(report.requests.values())
    return (
        f"{n} series: {n - failed - skipped} ok, {failed} failed, {skipped} skipped; "
        f"{report.added} rows added, {report.revised} revised; {reqs} rate-limited "
        f"requests, {waited:.1f} s waited; {report.seconds:.1f} s"
    )


def print_summary(report: UpdateReport, console: Any = None) -> None:
    """Print the summary table (rich) and the footer line."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console(width=max(160, Console().width))
    table = Table(title="metalwatch update", show_lines=False)
    right = {"added", "revised"}
    for col in ("series", "source", "added", "revised", "last date", "status", "notes"):
        table.add_column(col, justify="right" if col in right else "left", overflow="fold")
    for r, o in zip(rows(report), report.outcomes, strict=True):
        style = "red" if o.status == "failed" else ("dim" if o.status == "skipped" else None)
        table.add_row(*r.values(), style=style)
    console.print(table)
    console.print(footer(report))


@contextmanager
def progress(
    quiet: bool = False,
) -> Iterator[tuple[Callable[[int], None], Callable[[SeriesOutcome], None]]]:
    """A rich progress bar on stderr; silent when ``quiet`` or stderr is not a terminal.

    Yields ``(on_plan, on_done)`` callbacks for :func:`metalwatch.ingest.update`.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield (lambda n: None), (lambda o: None)
        return
    bar = Progress(
        TextColumn("updating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("", total=None)
    with bar:
        yield (
            (lambda n: bar.update(task, total=n)),
            (lambda o: bar.update(task, advance=1, description=o.instrument)),
        )
