"""The notebook API: data, moves, the weekly and updates, re-exported from ``metalwatch``.

Every function takes the same names for the same things: ``ids`` (one id or several),
``start`` / ``end`` (dates, inclusive), ``week`` (any date; its week ends on the Friday on or
before it) and ``store`` (an open :class:`~metalwatch.store.Store`, a path, or None for the
default store, seeded from the bundled snapshot on first use). Everything after the first
argument is keyword-only. The week, its moves and its weekly are in
:mod:`metalwatch.week_api`, the statistics in :mod:`metalwatch.quant`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from metalwatch import frame, registry
from metalwatch.api_args import DateArg, Ids, as_of_arg, date_arg
from metalwatch.errors import NoDataError, RenderWarning
from metalwatch.ingest.seed import StoreArg, open_store, opened

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.ingest import UpdateReport

__all__ = [
    "RenderWarning",
    "StoreArg",
    "curve",
    "events",
    "instruments",
    "open_store",
    "prices",
    "series",
    "update",
]


def instruments() -> pd.DataFrame:
    """The instrument registry as a DataFrame indexed by id.

    Returns
    -------
    DataFrame
        One row per registered series: names, metal, kind, group, venue, unit, currency, the
        registered field, decimals, calendar, staleness limit, cadence and sources.
    """
    return registry.instruments_frame()


def series(
    ids: Ids,
    *,
    start: DateArg = None,
    end: DateArg = None,
    fields: Iterable[str] | None = None,
    as_of: DateArg = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Stored rows of one or several instruments as a tidy canonical frame.

    Parameters
    ----------
    ids
        Instrument id(s).
    start, end
        First and last date (inclusive); default the whole history.
    fields
        Fields to keep (``close``, ``high``, ``stock``...); default every stored field.
    as_of
        Read the store as it was at this moment (a time; without a zone, UTC): values revised
        since as they were then, rows written since left out. Default: as it is now.
    store
        Store, path or None for the default store.

    Raises
    ------
    NoDataError
        If nothing is stored for the ids and range asked.
    """
    insts = registry.resolve(ids)
    with opened(store) as st:
        df = st.read(
            [i.id for i in insts],
            fields=fields,
            start=date_arg(start),
            end=date_arg(end),
            as_of=as_of_arg(as_of),
        )
    if df.empty:
        raise NoDataError(f"no stored data for {', '.join(i.id for i in insts)} in the range asked")
    return df


def prices(
    ids: Ids,
    *,
    start: DateArg = None,
    end: DateArg = None,
    field: str | None = None,
    as_of: DateArg = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Wide prices: DatetimeIndex x instrument ids, each instrument's registered field by default.

    Parameters
    ----------
    ids
        Instrument id(s); columns come in this order.
    start, end
        First and last date (inclusive).
    field
        One field for every column instead of each instrument's registered one.
    as_of
        Read the store as it was at this moment (a time; without a zone, UTC): values revised
        since as they were then, rows written since left out. Default: as it is now.
    store
        Store, path or None for the default store.

    Returns
    -------
    DataFrame
        Units and currencies in ``.attrs['units']`` and ``.attrs['currencies']``. Dates an
        instrument did not trade stay NaN.
    """
    insts = registry.resolve(ids)
    with opened(store) as st:
        df = st.read(
            [i.id for i in insts],
            fields=[field] if field else sorted({i.field for i in insts}),  # only those used
            start=date_arg(start),
            end=date_arg(end),
            as_of=as_of_arg(as_of),
        )
    wide = frame.to_wide(df, field)
    out = wide.reindex(columns=[i.id for i in insts])
    out.attrs = wide.attrs
    return out


def events(
    metals: str | Iterable[str] | None = None,
    *,
    start: DateArg = None,
    end: DateArg = None,
    as_of: DateArg = None,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Stored dated events (export controls, licences, monetary policy ...), oldest first.

    Parameters
    ----------
    metals
        Keep the events touching any of these metals (``"rare_earths"``, ``"gold"``, a list,
        or a comma-separated text; see :data:`metalwatch.event.METALS`); default all.
    start, end
        First and last date (inclusive); an event known only to its month
        (``precision == "month"``, dated the 1st) counts as the whole month.
    as_of
        Each event as the store held it at this moment (later revisions undone, events
        first written since left out). Default: as it is now.
    store
        Store, path or None for the default store.

    Returns
    -------
    DataFrame
        Columns :data:`metalwatch.event.COLUMNS` (``date`` a timestamp, ``metals`` the
        metals joined by commas), one row per event, oldest first; empty when none match.
    """
    from metalwatch.event import events_frame

    with opened(store) as st:
        got = st.events(
            metals, start=date_arg(start, "start"), end=date_arg(end, "end"), as_of=as_of_arg(as_of)
        )
    return events_frame(got)


def curve(ids: str, *, date: DateArg = None, store: StoreArg = None) -> pd.DataFrame:
    """The futures curve of one day: every stored contract's settlement, nearest first.

    Parameters
    ----------
    ids
        One curve's root (``"SHFE.CU"``, ``"GFEX.LC"``; ``"SHFE.CU.CURVE"`` also works).
    date
        The trading day; default the latest day the store holds contracts of this curve.
    store
        Store, path or None for the default store.

    Returns
    -------
    DataFrame
        ``contract`` (``SHFE.CU.2601``), ``expiry`` (last trading day by the exchange's rule,
        :mod:`metalwatch.contracts`), ``settle`` (quote unit) and ``days_to_expiry`` (calendar
        days), sorted by expiry; ``attrs``: ``instrument``, ``date``, ``unit``, ``currency``
        and ``estimated`` (contracts whose expiry is past the trading calendar).

    Raises
    ------
    InvalidInputError
        Not a tracked curve.
    NoDataError
        No contract of the curve stored, or none on ``date`` (the message names the last day
        held).
    """
    from metalwatch import contracts
    from metalwatch.analytics.curves import curve_on
    from metalwatch.sources.futures_calendar import trading_days

    spec = contracts.curve_of(ids)
    day = date_arg(date)
    with opened(store) as st:
        held_ids = sorted(
            iid
            for iid, fld in st.last_dates()
            if fld == contracts.FIELD and iid.startswith(f"{spec.root}.") and contracts.parse(iid)
        )
        rows = st.read(held_ids, fields=[contracts.FIELD]) if held_ids else frame.empty()
    if rows.empty:
        raise NoDataError(
            f"no {spec.root} contracts stored (metalwatch update "
            f"{contracts.curve_id(spec.root)} fetches them)"
        )
    held = rows["date"].max()
    day = held if day is None else day
    out = curve_on(rows, day, trading_days())
    if out.empty:
        raise NoDataError(
            f"no {spec.root} contracts stored on {day:%Y-%m-%d}; the last day held is "
            f"{held:%Y-%m-%d}"
        )
    root = registry.get(spec.root)
    out.attrs.update(instrument=spec.root, unit=root.unit, currency=root.currency)
    return out


def update(
    ids: Ids | None = None,
    *,
    since: DateArg = None,
    force: bool = False,
    files: Iterable[str | os.PathLike[str]] = (),
    news: bool | None = None,
    store: StoreArg = None,
) -> UpdateReport:
    """Fetch the live series (or ``ids``) and store new and revised rows.

    Parameters
    ----------
    ids
        Instrument id(s); default every instrument with a live source, and the news feed.
    since
        Fetch from this date instead of from the last stored one (minus the overlap).
    force
        Ignore what is stored and fetch each source's default history again.
    files
        Price files to load (no network when given without ids).
    news
        Fetch the metals headlines (default: when no ids are given).
    store
        Store, path or None for the default store.

    Returns
    -------
    UpdateReport
        One outcome per series; ``.failed`` lists the series that failed and why.
    """
    from metalwatch.ingest import update as run_update

    wanted = None if ids is None else [i.id for i in registry.resolve(ids)]
    with opened(store) as st:
        return run_update(
            wanted, since=date_arg(since, "since"), force=force, files=files, news=news, store=st
        )
