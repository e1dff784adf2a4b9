"""The end-of-run summary table and the progress bar of ``metalwatch update``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from metalwatch.errors import DataError, SourceError
from metalwatch.ingest.outcome import SeriesOutcome, UpdateReport
from metalwatch.sources.host_breaker import HostUnreachableError

#: Longest cause printed in the table's status column (the full text is in the fetch log).
SHORT = 60
#: Terminal width from which the table also shows each series' source.
WIDE = 120
SERIES_WIDTH = 24
SOURCE_WIDTH = 30


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


def short_status(o: SeriesOutcome, report: UpdateReport | None = None) -> str:
    """One short line for the table: 'ok', 'ok: 3 notes…', 'failed: no network', ….

    A failure shows the last route's cause only, cut to :data:`SHORT` characters; a host
    the run could not resolve or reach is said so (the host is named once above the table,
    :func:`network_lines`), or "no network" when nothing resolved.
    The full text of every cause is in the store's fetch log (``metalwatch store log``).
    """
    if o.status == "ok":
        text = status_text(o)
        return f"{text}; {o.message}" if o.message else text
    if o.status != "failed" or o.error is None:
        return _cut(status_text(o))
    errors = _errors(o)
    last = errors[-1] if errors else o.error
    if isinstance(last, HostUnreachableError):
        if report is not None and report.no_network:
            return "failed: no network"
        return "failed: cannot resolve host" if last.resolve else "failed: cannot reach host"
    reason = last.reason if isinstance(last, (SourceError, DataError)) else str(last)
    return _cut(f"failed: {reason}")


def _cut(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def network_lines(report: UpdateReport) -> list[str]:
    """'no network: …' once when nothing resolved, else one line per unreachable host."""
    if report.no_network:
        return [f"no network: {len(report.unreachable)} hosts did not resolve, none answered"]
    return [f"unreachable: {host}: {why}" for host, why in sorted(report.unreachable.items())]


def print_summary(report: UpdateReport, console: Any = None) -> None:
    """Print the summary table (rich), one line per series at any width, and the footer.

    Columns: series, source (from :data:`WIDE` columns on), rows added (``+3``) and revised
    (``~1``), last date, status. The status holds a shortened cause (:func:`short_status`);
    the full causes are in the store's fetch log. "no network" is said once, above the table.
    """
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
    for line in network_lines(report):
        console.print(line, markup=False, highlight=False)
    width = int(console.width)
    wide = width >= WIDE
    ids = [o.instrument for o in report.outcomes] or ["series"]
    series_w = min(SERIES_WIDTH, max(6, *map(len, ids)))
    source_w = min(SOURCE_WIDTH, max(6, *(len(o.source) for o in report.outcomes))) if wide else 0
    cols = 5 if wide else 4
    status_w = max(16, width - series_w - source_w - 7 - 10 - 3 * (cols - 1) - 2)
    table = Table(title="metalwatch update", show_lines=False, show_edge=False)
    table.add_column("series", no_wrap=True, overflow="ellipsis", width=series_w)
    if wide:
        table.add_column("source", no_wrap=True, overflow="ellipsis", width=source_w)
    table.add_column("rows", justify="right", no_wrap=True, overflow="ellipsis", width=7)
    table.add_column("last date", no_wrap=True, width=10)
    table.add_column("status", no_wrap=True, overflow="ellipsis", width=status_w)
    for o in report.outcomes:
        style = "red" if o.status == "failed" else ("dim" if o.status == "skipped" else None)
        last = f"{o.last_date:%Y-%m-%d}" if o.last_date is not None else "-"
        counts = f"+{o.added}" + (f" ~{o.revised}" if o.revised else "")
        cells = [o.instrument, *([o.source] if wide else []), counts, last]
        table.add_row(*cells, short_status(o, report), style=style)
    console.print(table)
    console.print(footer(report), markup=False, highlight=False)


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
