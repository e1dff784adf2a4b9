"""The notebook API of one week: which week (:func:`resolve_week`), its moves (:func:`moves`)
and its weekly (:func:`report`); re-exported from ``metalwatch``. Same conventions as
:mod:`metalwatch.api`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from metalwatch import registry
from metalwatch.analytics import weeks
from metalwatch.api_args import DateArg, Ids, as_of_arg, market_spans
from metalwatch.ingest.seed import StoreArg, opened

__all__ = ["moves", "report", "resolve_week"]


def resolve_week(week: DateArg = None, *, store: StoreArg = None) -> pd.Timestamp:
    """The Friday a report covers: ``week``'s (on or before it), else the latest the store covers.

    Raises
    ------
    NoDataError
        If ``week`` is outside the weeks the store's market prices cover.
    """
    with opened(store) as st:
        return weeks.resolve_week(week, market_spans(st))


def moves(
    week: DateArg = None,
    *,
    ids: Ids | None = None,
    as_of: DateArg = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Weekly moves, one row per instrument (default: every non-reference instrument).

    Parameters
    ----------
    week
        Any date; default the latest week the store covers.
    ids
        Instrument id(s); default every instrument outside the reference group.
    as_of
        Read the store as it was at this moment (a time; without a zone, UTC): values revised
        since as they were then, rows written since left out. Default: as it is now.
    store
        Store, path or None for the default store.

    Returns
    -------
    DataFrame
        Close and its date, WoW/5-day/MTD/YTD % (in percent), the change in units, the 52-week
        high and low, and a ``stale`` flag, indexed by instrument.
    """
    from metalwatch.analytics.moves import LOOKBACK_DAYS, compute_moves
    from metalwatch.store.week import read_observations

    wanted = registry.market_ids() if ids is None else [i.id for i in registry.resolve(ids)]
    with opened(store) as st:
        then = st.at(as_of_arg(as_of))
        w = weeks.resolve_week(week, market_spans(then))
        rows = read_observations(then, w, wanted, history_days=LOOKBACK_DAYS)
    return compute_moves(rows, w, wanted)


def report(
    week: DateArg = None,
    *,
    output: str | os.PathLike[str] | None = None,
    lang: str = "en",
    format: str = "pdf",  # noqa: A002 - the CLI's --format
    analyst: str | os.PathLike[str] | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    appendix: str | None = None,
    as_of: DateArg = None,
    store: StoreArg = None,
) -> Path:
    """Write the weekly for ``week`` and return its path.

    Parameters
    ----------
    week
        Any date; the report covers the week ending on the Friday on or before it.
        ``'latest'``: the newest week the data covers, stale figures and all. Default: the
        latest week whose cover figures are all fresh.
    output
        File to write; default ``reports/metalwatch-weekly-<week>[-zh].<format>``.
    lang
        ``'en'`` or ``'zh'``.
    format
        ``'pdf'`` or ``'html'`` (same templates).
    analyst
        YAML analyst file: publisher, rating, watch lists, core views, commentary.
    template_dir
        Folder whose templates override the packaged ones, one file at a time.
    appendix
        ``'csv'`` or ``'xlsx'``: also write every printed figure with its source and formula
        next to the report (``<name>-appendix.<ext>``).
    as_of
        Build it from the store as it was at this moment (a time; without a zone, UTC):
        values revised since as they were then, rows written since left out. Default: now.
    store
        Store, path or None for the default store.

    Raises
    ------
    InvalidInputError
        A bad option, analyst file or template folder (checked before anything is computed).
    OutputError
        The output cannot be written where asked (checked before anything is computed).
    """
    from metalwatch.weekly import write

    done = write(
        week,
        output=output,
        lang=lang,
        format=format,
        analyst=analyst,
        template_dir=template_dir,
        appendix=appendix,
        as_of=as_of_arg(as_of),
        store=store,
    )
    done.warn_missing_glyphs(stacklevel=2)
    return done.path
