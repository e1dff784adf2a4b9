"""Studies of series in the notebook API: volatility, move statistics, seasonal norms, beta,
and how series moved around dated events.

Same conventions as :mod:`metalwatch.api`; re-exported from ``metalwatch``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from metalwatch import registry
from metalwatch.analytics import weeks as week_rules
from metalwatch.api_args import DateArg, Ids, as_of_arg, date_arg
from metalwatch.errors import InvalidInputError, NoDataError, NotFoundError
from metalwatch.ingest.seed import StoreArg, opened
from metalwatch.quant import _movers, _week_rows

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.event import Event

#: A date typed as ``YYYY-MM`` (a month-precision event) or ``YYYY-MM-DD``; other text is an id.
_EVENT_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")

__all__ = ["beta", "event_study", "move_stats", "seasonal", "volatility"]


def volatility(
    week: DateArg = None,
    *,
    ids: Ids | None = None,
    days: int = 63,
    weeks: int = 26,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Realised volatility per instrument at the week: daily, weekly and annualised (percent).

    Parameters
    ----------
    week
        Any date; default the latest week the store covers.
    ids
        Instrument id(s); default every daily price, index and FX series ranked for moves.
    days, weeks
        Windows of the daily (sessions) and weekly (weeks) estimates.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.stats import realised_vol

    wanted = _movers(ids)
    w, data = _week_rows(week, wanted, store)
    return realised_vol(data, w, days=days, weeks=weeks)


def move_stats(
    week: DateArg = None,
    *,
    ids: Ids | None = None,
    lookback_weeks: int | None = 520,
    store: StoreArg = None,
) -> pd.DataFrame:
    """This week's move per instrument vs its own history: z-score, percentile, largest in N.

    Parameters
    ----------
    week
        Any date; default the latest week the store covers.
    ids
        Instrument id(s); default every daily price, index and FX series ranked for moves.
    lookback_weeks
        Weeks of history the move is ranked against (None: all).
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.stats import move_stats as compute_move_stats

    wanted = _movers(ids)
    w, data = _week_rows(week, wanted, store)
    return compute_move_stats(data, w, lookback_weeks=lookback_weeks)


def seasonal(
    ids: str, *, week: DateArg = None, years: int = 5, store: StoreArg = None
) -> pd.DataFrame:
    """A stock series' STL decomposition and seasonal norm, weekly, up to ``week``.

    Parameters
    ----------
    ids
        One inventory series id.
    week
        Any date; default the whole stored history.
    years
        Years of history the seasonal norm is fitted on.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.stats import seasonal_norm

    inst = registry.get(ids)
    with opened(store) as st:
        w = None if week is None else week_rules.week_ending(week)
        data = st.read([inst.id], fields=["stock"], end=w)
    return seasonal_norm(data, inst.id, w, years=years)


def beta(
    ids: Ids | None = None,
    *,
    benchmark: str = "ICE.DXY",
    window: int = 52,
    stat: str = "beta",
    start: DateArg = None,
    end: DateArg = None,
    tidy: bool = False,
    store: StoreArg = None,
) -> pd.DataFrame:
    """Rolling beta (or ``stat='corr'``, ``'r2'``, ``'alpha'``) of weekly returns to a benchmark.

    Parameters
    ----------
    ids
        Instrument id(s); default every daily price, index and FX series ranked for moves.
    benchmark
        The benchmark series (default the dollar index).
    window
        Weeks in the rolling regression.
    stat
        The statistic in the wide result.
    start, end
        Date range of the prices read.
    tidy
        Every statistic per row instead of weeks x instruments holding ``stat``.
    store
        Store, path or None for the default store.
    """
    from metalwatch.analytics.stats import rolling_beta

    if stat not in ("beta", "corr", "r2", "alpha"):
        raise InvalidInputError(f"stat {stat!r:.40} is not one of beta, corr, r2, alpha")
    wanted = [i for i in _movers(ids) if i != benchmark]
    bench = registry.get(benchmark).id
    with opened(store) as st:
        data = st.read([*wanted, bench], start=date_arg(start), end=date_arg(end))
    present = set(data["instrument"].astype(str))
    long = rolling_beta(data, [i for i in wanted if i in present], bench, window=window)
    if tidy:
        return long
    wide = long.pivot(index="week", columns="series", values=stat).reindex(
        columns=[i for i in wanted if i in set(long["series"])]
    )
    wide.columns.name = None
    wide.attrs = {"units": dict.fromkeys(wide.columns, stat), "window": long.attrs["window"]}
    return wide


def _stored_event(event_id: str, store: StoreArg, as_of: DateArg) -> Event:
    """The stored event with this id (its version as of ``as_of``)."""
    with opened(store) as st:
        found = [e for e in st.events(as_of=as_of_arg(as_of)) if e.id == event_id]
    if not found:
        raise NotFoundError(f"no stored event with id {event_id!r:.60}")
    return found[0]


def _event_day(
    event_or_date: Event | str | pd.Timestamp, store: StoreArg, as_of: DateArg
) -> tuple[pd.Timestamp, str, Event | None]:
    """The event day, its precision and the event (None when a date was given)."""
    from metalwatch.dates import parse_date
    from metalwatch.event import Event

    if isinstance(event_or_date, Event):
        return event_or_date.date, event_or_date.precision, event_or_date
    if isinstance(event_or_date, pd.Timestamp):
        return parse_date(event_or_date, "event date"), "day", None
    if not isinstance(event_or_date, str):
        kind = type(event_or_date).__name__
        raise InvalidInputError(
            f"event_or_date must be an Event, an event id or a date, not {kind}"
        )
    text = event_or_date.strip()
    if _EVENT_DATE.fullmatch(text):
        month = len(text) == 7
        day = parse_date(text + "-01" if month else text, "event date")
        return day, "month" if month else "day", None
    event = _stored_event(text, store, as_of)
    return event.date, event.precision, event


def event_study(
    event_or_date: Event | str | pd.Timestamp,
    *,
    ids: Ids | None = None,
    window: int = 5,
    store: StoreArg = None,
    as_of: DateArg = None,
) -> pd.DataFrame:
    """Each series' move over the ``window`` sessions before and after an event.

    Every series on its own trading days, nothing forward-filled: the base is the last
    observation before the event day, "after" the ``window``-th observation on or after it,
    "before" the ``window``-th observation before the base (see
    :mod:`metalwatch.analytics.event_study`). A month event (``"2025-04"``) counts from the
    month's first day. A side with fewer sessions than ``window`` has a NaN pct and says how
    many sessions it had.

    Parameters
    ----------
    event_or_date
        An :class:`~metalwatch.event.Event`, a stored event's id, or a date: ``"2025-12-11"``,
        or ``"2025-04"`` for a month.
    ids
        Daily series to measure; default the event's metals' daily prices and equities
        (required when a date is given).
    window
        Sessions each side, 1..60.
    store
        Store, path or None for the default store.
    as_of
        Read the store (prices and events) as it was at this moment.

    Returns
    -------
    DataFrame
        One row per series (:data:`metalwatch.analytics.event_study.COLUMNS`), pct in percent;
        ``.attrs``: ``event`` (id or None), ``when``, ``event_day``, ``precision``, ``window``,
        ``skipped`` (``{id: reason}``).

    Raises
    ------
    InvalidInputError
        A window outside 1..60, a date without ``ids``, or a series that is not daily.
    UnknownInstrumentError
        An id not in the registry.
    NotFoundError
        An event id that is not stored.
    NoDataError
        None of the series has stored observations.
    """
    from metalwatch.analytics.event_study import (
        DEFAULT_KINDS,
        SESSION_CADENCE,
        check_window,
        event_window,
    )

    n = check_window(window)
    day, precision, event = _event_day(event_or_date, store, as_of)
    reg = registry.all_instruments()
    if ids is not None:
        wanted = [i.id for i in registry.resolve(ids)]
        sparse = [f"{i} ({reg[i].cadence})" for i in wanted if reg[i].cadence != SESSION_CADENCE]
        if sparse:
            raise InvalidInputError(
                f"not daily series, their observations are not sessions: {', '.join(sparse)}"
            )
    elif event is None:
        raise InvalidInputError("ids are required when the event is a date (name the series)")
    else:
        wanted = [
            i
            for i in event.instruments()
            if reg[i].cadence == SESSION_CADENCE and reg[i].kind in DEFAULT_KINDS
        ]
    with opened(store) as st:
        rows = st.read(
            wanted, fields=sorted({reg[i].field for i in wanted}), as_of=as_of_arg(as_of)
        )
    out = event_window(rows, day, window=n, precision=precision)
    present = set(out["instrument"])
    missing = {i: "no stored observations" for i in wanted if i not in present}
    if out.empty:
        raise NoDataError(f"no stored observations for {', '.join(wanted)[:200]}")
    out = out.set_index("instrument").reindex([i for i in wanted if i in present]).reset_index()
    when = f"{day:%Y-%m}" if precision == "month" else f"{day:%Y-%m-%d}"
    out.attrs = {
        "event": None if event is None else event.id,
        "when": when,
        "event_day": day,
        "precision": precision,
        "window": n,
        "skipped": missing,
    }
    return out
