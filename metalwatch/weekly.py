"""Write the weekly: check every input, read the week once, build the model, render, write.

The one path the ``metalwatch report`` command and :func:`metalwatch.report` share. Inputs
that can be checked without data (language, format, appendix, analyst file, template folder,
output path) are checked first, so a bad one fails in milliseconds, not after a render.
"""

from __future__ import annotations

import gc
import logging
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from metalwatch.errors import InvalidInputError, NoDataError, RenderWarning, StoreError
from metalwatch.ingest.seed import StoreArg, opened
from metalwatch.store.database import Store

if TYPE_CHECKING:
    from metalwatch.store.week import WeekData

_log = logging.getLogger(__name__)

FORMATS = ("pdf", "html")
#: Where reports go when no output is given (created on first use).
DEFAULT_FOLDER = Path("reports")


def default_output(week_label: str, lang: str, format: str) -> Path:  # noqa: A002
    """``reports/metalwatch-weekly-<week>[-zh].<format>``."""
    suffix = "-zh" if lang == "zh" else ""
    return DEFAULT_FOLDER / f"metalwatch-weekly-{week_label}{suffix}.{format}"


@dataclass(frozen=True)
class WeekChoice:
    """The week a weekly covers and why that one (printed by ``metalwatch report``)."""

    week: pd.Timestamp
    reason: str


@dataclass(frozen=True)
class WrittenWeekly:
    """What :func:`write` wrote: the file, the week it chose and why, the renderer's warnings."""

    path: Path
    choice: WeekChoice
    problems: list[str] = field(default_factory=list)

    def warn_missing_glyphs(self, stacklevel: int = 2) -> None:
        """Warn (:class:`RenderWarning`) when the PDF lacks glyphs for some characters."""
        glyphs = sorted({m for m in self.problems if ".notdef" in m})
        if glyphs:
            warnings.warn(
                f"{self.path}: {len(glyphs)} missing glyph(s), e.g. {glyphs[0]}",
                RenderWarning,
                stacklevel=stacklevel + 1,
            )


class StoreShelf:
    """The store's chart cache as a :class:`~metalwatch.reporting.chart_memo.ChartShelf`:
    lookups read the store; charts drawn are kept by :meth:`flush`, in one write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.drawn: dict[str, str] = {}
        self.used: list[str] = []

    def get(self, digest: str) -> str | None:
        """The kept chart ``digest`` (drawn in this weekly, or in the store), noted as used."""
        if digest in self.drawn:
            return self.drawn[digest]
        uri = self.store.charts([digest]).get(digest)
        if uri is not None:
            self.used.append(digest)
        return uri

    def put(self, digest: str, uri: str) -> None:
        """Note a chart drawn, kept at :meth:`flush`."""
        self.drawn[digest] = uri

    def flush(self) -> None:
        """Keep the charts drawn and mark those used (skipped on a store that takes no
        writes: read-only, or another writer holds it; the next weekly draws them again)."""
        if not (self.drawn or self.used) or self.store.read_only:
            return
        try:
            self.store.keep_charts(self.drawn, self.used)
        except StoreError as exc:
            _log.info("charts not kept in %s: %s", self.store.location, exc)


def _names(stale: dict[str, pd.Timestamp | None]) -> str:
    return ", ".join(
        f"{iid} ({'no data' if day is None else f'last {day:%Y-%m-%d}'})"
        for iid, day in stale.items()
    )


def choose_week(store: Store, week: object = None) -> WeekChoice:
    """The week a weekly covers: ``week`` if given, ``'latest'`` for the newest data regardless
    of staleness, and by default the latest week whose cover figures are all fresh.

    Raises :class:`NoDataError` when the store holds no market prices, ``week`` is outside them,
    or no week in the last ten years has every cover figure fresh.
    """
    from metalwatch import frame, registry
    from metalwatch.analytics import weeks
    from metalwatch.reporting.layout import KEY_FIGURES
    from metalwatch.store.week import market_spans

    spans = market_spans(store, weeks.MARKET_GROUPS)
    newest = weeks.resolve_week(None, spans)
    if isinstance(week, str) and week.strip().lower() == weeks.LATEST:
        return WeekChoice(newest, "the newest week the data covers (--week latest)")
    if week is not None:
        chosen = weeks.resolve_week(week, spans)  # type: ignore[arg-type]
        return WeekChoice(chosen, "the week asked for")
    reg = registry.all_instruments()
    ids = list(KEY_FIGURES)
    fields = sorted({reg[i].field for i in ids})
    rows = frame.registered(store.read(ids, fields=fields, end=newest))
    dates = {i: pd.DatetimeIndex(rows.loc[rows["instrument"] == i, "date"]) for i in ids}
    after = {i: reg[i].stale_after_days for i in ids}
    fresh = weeks.fresh_week(dates, after, newest)
    if fresh is None:
        raise NoDataError(
            "no week in the last ten years has every cover figure fresh; "
            "use --week latest or --week DATE"
        )
    if fresh == newest:
        return WeekChoice(fresh, "the newest week the data covers; every cover figure is fresh")
    stale = weeks.stale_ids(dates, after, newest)
    return WeekChoice(
        fresh,
        f"the latest week whose cover figures are all fresh; the newest data "
        f"(week {newest:%Y-%m-%d}) has stale cover figures: {_names(stale)} "
        f"(--week latest writes it anyway)",
    )


def read_weekly(
    store: Store,
    week: pd.Timestamp,
    *,
    as_of: str | pd.Timestamp | None = None,
    watch_lists: Mapping[str, Iterable[str]] | None = None,
) -> WeekData:
    """What a weekly of ``week`` reads from ``store``: the series it covers
    (:func:`~metalwatch.reporting.layout.report_instruments` with the analyst's
    ``watch_lists``; None: the default lists) over
    :data:`~metalwatch.reporting.layout.HISTORY_DAYS`, and the whole history of the series
    whose records it states and of the CFTC reports it prints
    (:func:`~metalwatch.store.week.read_week`; ``as_of`` as there)."""
    from metalwatch.reporting.layout import (
        HISTORY_DAYS,
        positioned_instruments,
        record_instruments,
        report_instruments,
    )
    from metalwatch.store.week import read_week

    return read_week(
        store,
        week,
        report_instruments(watch_lists),
        history_days=HISTORY_DAYS,
        as_of=as_of,
        records=record_instruments(),
        positioned=positioned_instruments(),
    )


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects alive on entry (modules, the caller's own) out of garbage collection
    until exit.

    A weekly allocates millions of objects, so the collector's full passes, each walking every
    module object of pandas and WeasyPrint, took 0.6 s of a 4.3 s report. ``gc.freeze`` moves
    what exists into a generation no pass visits, and ``gc.unfreeze`` hands it back on exit:
    ~0.25 s, with the same peak memory (issue 13). Collecting the young generation ten times
    less often saved no more time and held ~4.5 MiB more.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def write(
    week: object = None,
    *,
    output: str | os.PathLike[str] | None = None,
    lang: str = "en",
    format: str = "pdf",  # noqa: A002 - the CLI's --format
    analyst: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    appendix: str | None = None,
    store: StoreArg = None,
    generated_at: datetime | None = None,
    as_of: str | pd.Timestamp | datetime | None = None,
) -> WrittenWeekly:
    """Write the weekly for ``week``: the path written, the week chosen (resolved once, here)
    and why, and the renderer's warnings.

    See :func:`metalwatch.report` for the parameters. ``week`` None is the latest week whose
    cover figures are all fresh, ``'latest'`` the newest week the data covers
    (:func:`choose_week`). Every input that needs no data (options, analyst file, template
    folder, an output path given) is checked before the store is opened.
    """
    from metalwatch.reporting.analyst import load_analyst
    from metalwatch.reporting.appendix import FORMATS as APPENDIX_FORMATS
    from metalwatch.reporting.appendix import appendix_path, write_appendix
    from metalwatch.reporting.chart_memo import remembering
    from metalwatch.reporting.i18n import LANGS
    from metalwatch.reporting.model import build_weekly
    from metalwatch.reporting.output_path import check_output_path, write_bytes
    from metalwatch.reporting.render import load_renderer, write_pdf
    from metalwatch.reporting.templates import check_template_dir, render_html

    if lang not in LANGS:
        raise InvalidInputError(f"language {lang!r:.40} is not supported (use en or zh)")
    if format not in FORMATS:
        raise InvalidInputError(f"format {format!r:.40} is not supported (use pdf or html)")
    if appendix is not None and appendix not in APPENDIX_FORMATS:
        raise InvalidInputError(
            f"appendix format {appendix!r:.40} is not supported (use csv or xlsx)"
        )
    if output is not None:
        check_output_path(output)
    check_template_dir(template_dir)
    notes = load_analyst(analyst)
    if format == "pdf":
        load_renderer()  # WeasyPrint's modules are imported before the freeze, and frozen too
    with frozen_heap():  # what exists now outlives the weekly: the collector skips it
        with opened(store) as st:
            then = st.at(as_of)  # the store as it was at as_of (None: as it is)
            choice = choose_week(then, week)
            w = choice.week
            data = read_weekly(then, w, watch_lists=notes.watch_lists)
            out = (
                Path(output)
                if output is not None
                else default_output(f"{w:%Y-%m-%d}", lang, format)
            )
            if output is None:
                out.parent.mkdir(exist_ok=True)
                check_output_path(out)
            shelf = StoreShelf(st)
            with remembering(shelf):  # charts already drawn from the same inputs are not redrawn
                model = build_weekly(data, lang=lang, analyst=notes, generated_at=generated_at)
            shelf.flush()
            del data, shelf  # the week's rows are not needed to render: free them for the renderer
        # From here only the page's UTF-8 bytes are held (half its text's size) and the model
        # only for an appendix: its charts are in the page. WeasyPrint's layout sets the peak.
        source = render_html(model, template_dir).encode("utf-8")
        kept = model if appendix else None
        del model
        problems: list[str] = []
        if format == "html":
            write_bytes(out, source)
        else:
            problems = write_pdf(source, out, template_dir)
        if kept is not None and appendix:
            write_appendix(kept, appendix_path(out, appendix), appendix)
    return WrittenWeekly(out, choice, problems)
