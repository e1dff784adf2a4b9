"""One read per week: everything a weekly needs for the week ending W, as one object.

The report model and the analytics behind it are pure functions of a :class:`WeekData`; only
this module's :func:`read_week` touches the store for them. No price dated after the week is
read, so a weekly rebuilt later from a store that has grown shows the same figures (events
ahead of the week are read: a weekly names what is scheduled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from metalwatch import contracts, frame, registry
from metalwatch.event import Event
from metalwatch.store.database import Store

#: Cadences read over the history window; the rest (sparse quotes, monthly series) in full.
WINDOWED_CADENCES = ("daily", "weekly")
#: Fields of quoted ranges kept beside a mid-of-range series.
RANGE_FIELDS = ("low", "high")
#: Groups whose daily prices are read over their whole history (weekly records: "since") when
#: :func:`read_week` is not told which.
RECORD_GROUPS = ("precious", "industrial", "strategic")
#: Calendar days of futures-contract settlements read before the week (this week's curve and
#: the one a week earlier, with room for a holiday week).
CURVE_DAYS = 21
#: Fields read beside the registered one over :data:`SIDE_DAYS`: the 100ppi spot's basis to the
#: dominant contract, a Shenwan index's price-to-book.
SIDE_FIELDS = ("basis", "pb")
SIDE_DAYS = 21
#: Fields of positioning series kept in full beside their registered net.
POSITION_FIELDS = ("mm_long", "mm_short", "mm_net", "open_interest")
#: Events read around a week: dated from this many days before its Friday ...
EVENTS_BEFORE_DAYS = 400
#: ... to this many after (scheduled events ahead, told apart by their date).
EVENTS_AFTER_DAYS = 120


@dataclass(frozen=True)
class WeekData:
    """What the store knew about the week ending ``week``, read once.

    Attributes
    ----------
    week
        The week's Friday.
    ids
        The instruments read (``ids`` of :func:`read_week`, each once, in order): what the
        weekly covers.
    observations
        Canonical rows of each instrument's registered field dated on or before ``week``:
        the last ``history_days`` of daily and weekly series, the whole history of sparse and
        monthly series (and of any series silent over the window, so it shows as stale).
    quote_ranges
        The latest quoted ``low`` and ``high`` on or before ``week`` of each series quoted as
        a mid of a range, indexed by instrument, with the ``date`` they were quoted.
    spans
        First and last date of each instrument's registered field, on or before ``week``.
    fetches
        The latest update attempt per instrument (empty before any update).
    news
        Stored headlines dated in the week (Saturday to Friday), newest first.
    history
        The whole stored history (registered field, on or before ``week``) of the daily metal
        prices whose records are stated (``records`` of :func:`read_week`), for records
        measured over every week held ("the largest gain since ...").
    positions
        Every stored row of the positioning series read (``positioned``: long, short, net,
        open interest) dated on or before ``week``, in the store's long layout.
    events
        Stored events (all metals) dated from :data:`EVENTS_BEFORE_DAYS` days before ``week``
        to :data:`EVENTS_AFTER_DAYS` days after it, oldest first: those dated after ``week``
        are scheduled. A month-precision event counts as its month.
    curves
        Settlements of every stored futures contract of a tracked curve
        (:data:`metalwatch.contracts.CURVES`) over the :data:`CURVE_DAYS` before ``week``.
    side
        Rows of the :data:`SIDE_FIELDS` of ``ids`` over the :data:`SIDE_DAYS` before ``week``
        (the spot basis, the PB), in the store's long layout.
    """

    week: pd.Timestamp
    ids: tuple[str, ...]
    observations: pd.DataFrame = field(repr=False)
    quote_ranges: pd.DataFrame = field(repr=False)
    spans: dict[str, tuple[str, str]] = field(repr=False)
    fetches: pd.DataFrame = field(repr=False)
    news: pd.DataFrame = field(repr=False)
    history_days: int = 0
    positions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    history: pd.DataFrame = field(default_factory=frame.empty, repr=False)
    curves: pd.DataFrame = field(default_factory=frame.empty, repr=False)
    side: pd.DataFrame = field(default_factory=frame.empty, repr=False)
    events: tuple[Event, ...] = field(default=(), repr=False)

    def rows(self, ids: Iterable[str]) -> pd.DataFrame:
        """The observations of ``ids`` only."""
        return self.observations[self.observations["instrument"].isin(list(ids))].reset_index(
            drop=True
        )


def read_observations(
    store: Store, week: pd.Timestamp, ids: Iterable[str], *, history_days: int
) -> pd.DataFrame:
    """Each instrument's registered field on or before ``week``: the last ``history_days`` of
    daily and weekly series, the whole history of sparse and monthly ones (and of a windowed
    series silent over the window, so it shows as stale), sorted by instrument and date.

    Parameters
    ----------
    store
        An open store (as of the moment wanted).
    week
        The week's Friday.
    ids
        Registered instrument ids.
    history_days
        Calendar days of history before ``week`` read for daily and weekly series.
    """
    reg = registry.all_instruments()
    ids = list(dict.fromkeys(ids))
    windowed = [i for i in ids if reg[i].cadence in WINDOWED_CADENCES]
    full = [i for i in ids if i not in windowed]
    fields = sorted({reg[i].field for i in ids})
    start = week - pd.Timedelta(days=history_days)
    parts = []
    if windowed:
        recent = frame.registered(store.read(windowed, fields=fields, start=start, end=week))
        parts.append(recent)
        seen = set(recent["instrument"].unique())
        full += [i for i in windowed if i not in seen]
    if full:
        parts.append(frame.registered(store.read(full, fields=fields, end=week)))
    return (
        pd.concat(parts, ignore_index=True).sort_values(["instrument", "date"], kind="stable")
        if parts
        else frame.empty()
    ).reset_index(drop=True)


def read_week(
    store: Store,
    week: pd.Timestamp,
    ids: Iterable[str],
    *,
    history_days: int,
    as_of: str | pd.Timestamp | None = None,
    records: Iterable[str] | None = None,
    positioned: Iterable[str] | None = None,
) -> WeekData:
    """Read everything a weekly for ``week`` needs about ``ids`` from ``store``.

    Parameters
    ----------
    store
        An open store.
    week
        The week's Friday.
    ids
        Registered instrument ids the weekly covers.
    history_days
        Calendar days of history before ``week`` read for daily and weekly series.
    as_of
        Read the store as it was at this moment (values revised since as they were, rows
        written since absent, update attempts made since ignored, each event as it was
        then); None: as it is. Headlines carry no write time and are read as they are.
    records
        Instruments whose whole stored history is read for weekly records (``history``);
        None: every daily price of :data:`RECORD_GROUPS` among ``ids``. Only those of ``ids``
        that are daily prices are read.
    positioned
        Positioning instruments whose :data:`POSITION_FIELDS` are read (``positions``); None:
        every positioning series among ``ids``.
    """
    store = store.at(as_of)
    week = pd.Timestamp(week)
    reg = registry.all_instruments()
    ids = list(dict.fromkeys(ids))
    if records is None:
        records = [i for i in ids if reg[i].group in RECORD_GROUPS]
    if positioned is None:
        positioned = ids
    observations = read_observations(store, week, ids, history_days=history_days)
    return WeekData(
        week=week,
        ids=tuple(ids),
        observations=observations,
        quote_ranges=_quote_ranges(store, week, [i for i in ids if reg[i].field == "mid"]),
        spans=_spans(store, week, ids),
        fetches=store.last_fetches(),
        news=store.news(f"{week - pd.Timedelta(days=6):%Y-%m-%d}", f"{week:%Y-%m-%d}"),
        history_days=history_days,
        positions=_positions(store, week, _among(ids, positioned, kind="positioning")),
        history=_history(
            store,
            _among(ids, records, kind="price", cadence="daily"),
            observations,
            week - pd.Timedelta(days=history_days),
        ),
        curves=_curves(store, week),
        side=store.read(
            ids, fields=list(SIDE_FIELDS), start=week - pd.Timedelta(days=SIDE_DAYS), end=week
        ).reset_index(drop=True),
        events=tuple(
            store.events(
                start=week - pd.Timedelta(days=EVENTS_BEFORE_DAYS),
                end=week + pd.Timedelta(days=EVENTS_AFTER_DAYS),
            )
        ),
    )


def _curves(store: Store, week: pd.Timestamp) -> pd.DataFrame:
    """Settlements of every stored contract of a tracked curve over :data:`CURVE_DAYS`."""
    held = [
        iid for iid, fld in store.series_held() if fld == contracts.FIELD and contracts.parse(iid)
    ]
    if not held:
        return frame.empty()
    start = week - pd.Timedelta(days=CURVE_DAYS)
    return store.read(held, fields=[contracts.FIELD], start=start, end=week).reset_index(drop=True)


def _among(
    ids: list[str], named: Iterable[str], *, kind: str, cadence: str | None = None
) -> list[str]:
    """The instruments of ``ids`` that are ``named`` and of ``kind`` (and ``cadence``)."""
    reg = registry.all_instruments()
    wanted = set(named)
    return [
        i
        for i in ids
        if i in wanted and reg[i].kind == kind and (cadence is None or reg[i].cadence == cadence)
    ]


def _history(
    store: Store, wanted: list[str], observations: pd.DataFrame, start: pd.Timestamp
) -> pd.DataFrame:
    """The whole stored history of ``wanted`` (daily prices) up to the week: the rows before
    ``start`` read here, those from ``start`` on taken from ``observations`` (read already),
    sorted by instrument and date."""
    reg = registry.all_instruments()
    if not wanted:
        return frame.empty()
    fields = sorted({reg[i].field for i in wanted})
    before = start - pd.Timedelta(days=1)
    older = frame.registered(store.read(wanted, fields=fields, end=before))
    recent = observations[observations["instrument"].isin(wanted) & (observations["date"] >= start)]
    both = pd.concat([older, recent], ignore_index=True)
    return both.sort_values(["instrument", "date"], kind="stable").reset_index(drop=True)


def _positions(store: Store, week: pd.Timestamp, ids: list[str]) -> pd.DataFrame:
    if not ids:
        return pd.DataFrame(columns=["instrument", "field", "date", "value"])
    return store.read(ids, fields=list(POSITION_FIELDS), end=week)


def _quote_ranges(store: Store, week: pd.Timestamp, ids: list[str]) -> pd.DataFrame:
    columns = ["low", "high", "date"]
    if not ids:
        return pd.DataFrame(columns=columns)
    df = store.read(ids, fields=list(RANGE_FIELDS), end=week)
    if df.empty:
        return pd.DataFrame(columns=columns)
    last = df.sort_values("date").groupby(["instrument", "field"], observed=True).tail(1)
    wide = last.pivot(index="instrument", columns="field", values="value")
    wide["date"] = last.groupby("instrument", observed=True)["date"].max()
    wide.index = wide.index.astype(str)
    wide.columns.name = None
    return wide.reindex(columns=columns)


def _spans(store: Store, week: pd.Timestamp, ids: list[str]) -> dict[str, tuple[str, str]]:
    reg = registry.all_instruments()
    got = store.span([(i, reg[i].field) for i in ids], end=week)
    return {iid: got[(iid, fld)] for iid, fld in got}


def market_spans(store: Store, groups: Iterable[str]) -> list[tuple[str, str]]:
    """First and last date of every daily series in ``groups`` that has data."""
    wanted = set(groups)
    market = [
        (i.id, i.field)
        for i in registry.all_instruments().values()
        if i.group in wanted and i.cadence == "daily"
    ]
    return list(store.span(market).values())
