"""Events from a CSV file (``metalwatch events import``, and the bundled ``events.csv``).

The columns are :data:`metalwatch.event.COLUMNS` (``id`` and ``url`` optional) or those of
the seed's ``events.csv`` (``date_precision``, ``event_en``, ``event_zh``, ``stated_by``). The
file is hostile until read: at most :data:`MAX_BYTES` and :data:`MAX_ROWS`, UTF-8 (a BOM is
allowed), and every row goes through :func:`metalwatch.event.parse_event`. A bad row is a
one-line :class:`~metalwatch.errors.InvalidInputError` naming the file, its line and the field,
and nothing of the file is written.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from metalwatch.errors import InvalidInputError
from metalwatch.event import Event, parse_event
from metalwatch.store import EventWrite, Store

#: Largest file read (far above any hand-kept list of events).
MAX_BYTES = 2 * 1024 * 1024
#: Most events one file may hold.
MAX_ROWS = 10_000


def parse_events_csv(data: bytes, name: str) -> list[Event]:
    """The events of a CSV file's bytes, all valid, or a one-line error naming the line.

    Parameters
    ----------
    data
        The file's content.
    name
        How messages name the file.

    Raises
    ------
    InvalidInputError
        Too large, not UTF-8, not a CSV of events, or a row that is not a valid event (the
        message names its line), or two rows giving one id different fields.
    """
    if len(data) > MAX_BYTES:
        raise InvalidInputError(f"{name} is larger than {MAX_BYTES // 1024} KiB: not imported")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{name} is not UTF-8 text (byte {exc.start}): not imported"
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00extra")
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise InvalidInputError(f"{name} is not a readable CSV: {exc}") from exc
    if not header:
        raise InvalidInputError(f"{name} is empty: no header line")
    out: list[Event] = []
    first: dict[str, tuple[int, Event]] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise InvalidInputError(f"{name} line {line}: not a readable CSV row: {exc}") from exc
        if row is None:
            break
        where = f"{name} line {line}"
        if "\x00extra" in row:
            raise InvalidInputError(f"{where}: more fields than the header names")
        if len(out) >= MAX_ROWS:
            raise InvalidInputError(f"{name} holds more than {MAX_ROWS} events: not imported")
        event = parse_event(row, where)
        seen = first.get(event.id)
        if seen is not None and seen[1] != event:
            raise InvalidInputError(
                f"{where}: id {event.id} is also on line {seen[0]}, with other fields"
            )
        first.setdefault(event.id, (line, event))
        out.append(event)
        line = reader.line_num + 1
    return out


def read_events_csv(path: str | os.PathLike[str]) -> list[Event]:
    """The events of the CSV file at ``path`` (see :func:`parse_events_csv`)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInputError(f"{p} does not exist") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{p} is a folder, not a CSV file") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    return parse_events_csv(data, p.name)


def import_events(store: Store, path: str | os.PathLike[str]) -> EventWrite:
    """Read, validate and store the events of a CSV file, all or nothing (one transaction).

    Parameters
    ----------
    store
        An open, writable store (a read-only one is refused before the file is read).
    path
        The CSV file.
    """
    store.require_writable()
    events = read_events_csv(path)
    return store.add_events(events, origin=f"file:{Path(path).name}")
