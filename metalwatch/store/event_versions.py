"""Dated events in the store, every version kept (the ``events`` table of schema 3).

An event is keyed by its id; each write of a changed event adds a version with its write time,
and the current version is the latest written (at ``as_of``: the latest written by then).
Writing an event exactly as stored adds nothing. The SQL runs on both backends; only
:class:`~metalwatch.store.Store`'s methods call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from metalwatch.errors import InvalidInputError
from metalwatch.event import Event, parse_metals
from metalwatch.store.schema import TABLES

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.store.connection import StoreConnection
    from metalwatch.store.point_in_time import DateLike

#: The stored fields of an event (the table's columns but the key's write time and the origin).
FIELDS = tuple(c for c in TABLES["events"] if c not in ("written_at", "origin"))
#: The current version of each event (at the moment in the placeholder, when one is given).
_CURRENT = (
    "SELECT {cols} FROM events e WHERE e.written_at = (SELECT MAX(x.written_at) FROM events x "
    "WHERE x.id = e.id{then})"
)


@dataclass(frozen=True)
class EventWrite:
    """What one :meth:`~metalwatch.store.Store.add_events` did.

    Attributes
    ----------
    added
        Events the store did not hold.
    revised
        Events stored with other fields: a new version was written (the old one kept).
    unchanged
        Events stored exactly so: nothing written.
    kept
        Events whose stored version another origin wrote, left as they are (``revise_only``).
    """

    added: int
    revised: int
    unchanged: int
    kept: int = 0


def _fields(event: Event) -> tuple[str, ...]:
    row = event.as_dict()
    return tuple(row[c] for c in FIELDS)


def to_event(row: Sequence[Any]) -> Event:
    """An :class:`Event` from a stored row of :data:`FIELDS`."""
    fields = dict(zip(FIELDS, (str(v) for v in row), strict=True))
    return Event(
        id=fields["id"],
        date=pd.Timestamp(fields["date"]),
        precision=fields["precision"],
        region=fields["region"],
        kind=fields["kind"],
        metals=tuple(m for m in fields["metals"].split(",") if m),
        text_en=fields["text_en"],
        text_zh=fields["text_zh"],
        source=fields["source"],
        url=fields["url"],
    )


def add_events(
    store: StoreConnection,
    events: Iterable[Event],
    *,
    origin: str,
    revise_only: str | None,
    now: str,
) -> EventWrite:
    """Write the events that are new or changed, in one transaction (see the module)."""
    incoming: dict[str, Event] = {}
    for event in events:
        seen = incoming.get(event.id)
        if seen is not None and _fields(seen) != _fields(event):
            raise InvalidInputError(
                f"event {event.id} is given twice with different fields: nothing was written"
            )
        incoming[event.id] = event
    if not incoming:
        return EventWrite(0, 0, 0)
    added = revised = unchanged = kept = 0
    cols = ", ".join(f"e.{c}" for c in (*FIELDS, "origin"))
    with store.transaction():
        store.lock("events")
        rows = store._sql(_CURRENT.format(cols=cols, then="")).fetchall()
        current = {str(r[0]): (tuple(str(v) for v in r[:-1]), str(r[-1])) for r in rows}
        new_rows = []
        for event_id, event in incoming.items():
            fields = _fields(event)
            stored = current.get(event_id)
            if stored is None:
                added += 1
            elif stored[0] == fields:
                unchanged += 1
                continue
            elif revise_only is not None and not stored[1].startswith(revise_only):
                kept += 1
                continue
            else:
                revised += 1
            new_rows.append((fields[0], now, *fields[1:], origin))
        columns = TABLES["events"]
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks})"
        for row in new_rows:
            store._sql(sql, row, "write")
    return EventWrite(added, revised, unchanged, kept)


def read_events(
    store: StoreConnection,
    metals: str | Iterable[str] | None,
    start: DateLike | None,
    end: DateLike | None,
    as_of: str | None,
) -> list[Event]:
    """The current version of each stored event, filtered; oldest first (see ``Store.events``).

    ``as_of`` is a moment as the store writes them
    (:func:`~metalwatch.store.point_in_time.as_of_text`).
    """
    params: list[Any] = []
    then = ""
    if as_of is not None:
        then, params = " AND x.written_at <= ?", [as_of]
    sql = _CURRENT.format(cols=", ".join(f"e.{c}" for c in FIELDS), then=then)
    if end is not None:
        sql += " AND e.date <= ?"
        params.append(f"{pd.Timestamp(end):%Y-%m-%d}")
    rows = store._sql(sql + " ORDER BY e.date, e.id", params).fetchall()
    out = [to_event(r) for r in rows]
    if start is not None:  # a month-precision event counts as its whole month
        first = pd.Timestamp(start).normalize()
        out = [e for e in out if last_day(e) >= first]
    if metals is not None:
        wanted = set(parse_metals(metals))
        out = [e for e in out if wanted & set(e.metals)]
    return out


def last_day(event: Event) -> pd.Timestamp:
    """The last day the event's date may stand for (its month's last day for a month)."""
    if event.precision == "month":
        return event.date + pd.offsets.MonthEnd(0)
    return event.date


def event_versions(store: StoreConnection, event_id: str) -> pd.DataFrame:
    """Every stored version of one event, oldest first: ``written_at``, the fields, ``origin``."""
    columns = ", ".join(TABLES["events"])
    df = store._frame(f"SELECT {columns} FROM events WHERE id = ? ORDER BY written_at", [event_id])
    df["date"] = pd.to_datetime(df["date"])
    return df
