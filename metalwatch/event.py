"""Dated market events (export controls, licences, supply, monetary policy ...): one record.

Every way an event comes in (the bundled events, the analyst file's ``events:`` list,
``metalwatch events add``, a CSV import) goes through :func:`parse_event`, so one set of rules
decides what a valid event is, and one message names what is wrong with a bad one.

An event dated to a month (``precision="month"``) is stored on the month's first day and is
written and drawn as the month (``2025-04``), never as a day it did not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from metalwatch import registry
from metalwatch.dates import parse_date
from metalwatch.errors import InvalidInputError

#: How exactly an event's date is known.
PRECISIONS = ("day", "month")
#: What kind of event it is.
KINDS = (
    "export_control",
    "licence",
    "supply",
    "monetary",
    "alliance",
    "statement",
    "tariff",
    "sanction",
    "other",
)
#: The metals an event can touch, each with the registry metals it covers.
METALS: dict[str, tuple[str, ...]] = {
    "gold": ("gold",),
    "silver": ("silver",),
    "platinum": ("platinum",),
    "copper": ("copper",),
    "aluminium": ("aluminum", "alumina"),
    "tin": ("tin",),
    "zinc": ("zinc",),
    "nickel": ("nickel",),
    "lead": ("lead",),
    "rare_earths": ("prnd", "praseodymium", "neodymium", "dysprosium", "terbium", "cerium"),
    "lithium": ("lithium",),
    "cobalt": ("cobalt",),
    "antimony": ("antimony",),
}
#: Other spellings accepted on input, and the name each stands for.
METAL_ALIASES = {
    "aluminum": "aluminium",
    "rare earths": "rare_earths",
    "rare_earth": "rare_earths",
    "rare-earths": "rare_earths",
    "ree": "rare_earths",
}
#: Fields of an event, in the order tables and CSV files carry them.
COLUMNS = (
    "id",
    "date",
    "precision",
    "region",
    "kind",
    "metals",
    "text_en",
    "text_zh",
    "source",
    "url",
)
#: Longest text accepted per field (a bound on hostile input, far above real events).
MAX_CHARS = {"text_en": 600, "text_zh": 300, "source": 300, "url": 500, "id": 120}
_REGION = re.compile(r"^[A-Z]{2}$|^(EU|G7|G20|OPEC|GLOBAL)$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


@dataclass(frozen=True)
class Event:
    """One dated event.

    Attributes
    ----------
    id
        Stable key (revisions of an event keep it): given, or
        ``<date>.<region>.<kind>.<metals joined by +>``.
    date
        The day, or the first of the month when ``precision`` is ``"month"``.
    precision
        ``"day"`` or ``"month"``.
    region
        ISO 3166 alpha-2 code of who acted (``CN``, ``US``, ``VN``) or ``EU``/``GLOBAL``...
    kind
        One of :data:`KINDS`.
    metals
        Keys of :data:`METALS` the event touches.
    text_en, text_zh
        What happened, in English and Simplified Chinese (either may be empty, not both).
    source
        Who states it (publisher and time, or the official body).
    url
        Where it is stated (``http(s)://``), or empty.
    """

    id: str
    date: pd.Timestamp
    precision: str
    region: str
    kind: str
    metals: tuple[str, ...]
    text_en: str
    text_zh: str
    source: str
    url: str = ""

    def when(self) -> str:
        """The date as it is known: ``2025-12-11``, or ``2025-04`` for a month."""
        fmt = "%Y-%m" if self.precision == "month" else "%Y-%m-%d"
        return self.date.strftime(fmt)

    def text(self, lang: str = "en") -> str:
        """What happened, in ``lang`` (the other language when that one is empty)."""
        first, second = (
            (self.text_zh, self.text_en) if lang == "zh" else (self.text_en, self.text_zh)
        )
        return first or second

    def instruments(self) -> list[str]:
        """Registry ids whose metal the event touches."""
        covered = {m for metal in self.metals for m in METALS[metal]}
        return [i.id for i in registry.all_instruments().values() if i.metal in covered]

    def as_dict(self) -> dict[str, str]:
        """The event as text fields in :data:`COLUMNS` order (metals joined by commas)."""
        return {
            "id": self.id,
            "date": self.date.strftime("%Y-%m-%d"),
            "precision": self.precision,
            "region": self.region,
            "kind": self.kind,
            "metals": ",".join(self.metals),
            "text_en": self.text_en,
            "text_zh": self.text_zh,
            "source": self.source,
            "url": self.url,
        }


def _text(raw: Mapping[str, object], key: str, where: str) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if not isinstance(value, str):
        raise InvalidInputError(f"{where}: {key} must be text, not {type(value).__name__}")
    text = " ".join(value.split())
    limit = MAX_CHARS.get(key)
    if limit is not None and len(text) > limit:
        raise InvalidInputError(f"{where}: {key} is longer than {limit} characters")
    return text


def parse_metals(value: str | Iterable[str], where: str = "metals") -> tuple[str, ...]:
    """Metal names (a comma-separated text or a list) as keys of :data:`METALS`, in order.

    Raises
    ------
    InvalidInputError
        An unknown metal, or none at all.
    """
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InvalidInputError(f"{where}: metal {item!r} is not text")
        name = item.strip().lower()
        if not name:
            continue
        name = METAL_ALIASES.get(name, name)
        if name not in METALS:
            known = ", ".join(METALS)
            raise InvalidInputError(f"{where}: unknown metal {item.strip()!r} (one of {known})")
        if name not in out:
            out.append(name)
    if not out:
        raise InvalidInputError(f"{where}: metals is empty (name at least one)")
    return tuple(out)


def _date(value: object, precision: str, where: str) -> tuple[pd.Timestamp, str]:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        value, precision = value.strip() + "-01", precision or "month"
    if value is None or value == "":
        raise InvalidInputError(f"{where}: date is missing")
    if not isinstance(value, (str, pd.Timestamp)):
        value = str(value)
    day = parse_date(value, f"{where}: date")
    precision = precision or "day"
    if precision not in PRECISIONS:
        raise InvalidInputError(f"{where}: precision {precision!r} is not one of day, month")
    if precision == "month" and day.day != 1:
        raise InvalidInputError(
            f"{where}: a month-precision date is the month's first day or YYYY-MM, "
            f"not {day:%Y-%m-%d}"
        )
    return day, precision


def parse_event(raw: Mapping[str, object], where: str = "event") -> Event:
    """A validated :class:`Event` from a mapping of its fields (text values, as typed).

    Keys: ``date`` (``YYYY-MM-DD``, or ``YYYY-MM`` for a month), ``precision``, ``region``,
    ``kind``, ``metals`` (comma-separated or a list), ``text_en``/``text_zh`` (or ``event_en``/
    ``event_zh``), ``source`` (or ``stated_by``), ``url`` and ``id``, all optional but the date,
    region, kind, metals, one text and the source.

    Parameters
    ----------
    raw
        The fields.
    where
        How the message names the input (``"events.csv line 3"``).

    Raises
    ------
    InvalidInputError
        One line naming the field that is wrong, and why.
    """
    unknown = set(raw) - set(COLUMNS) - {"event_en", "event_zh", "stated_by", "date_precision"}
    if unknown:
        raise InvalidInputError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    precision = _text(raw, "precision", where) or _text(raw, "date_precision", where)
    day, precision = _date(raw.get("date"), precision.lower(), where)
    region = _text(raw, "region", where).upper()
    if not _REGION.match(region):
        raise InvalidInputError(
            f"{where}: region {region!r} is not a two-letter country code (or EU, GLOBAL ...)"
        )
    kind = _text(raw, "kind", where).lower()
    if kind not in KINDS:
        raise InvalidInputError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    metals_raw = raw.get("metals")
    if not isinstance(metals_raw, (str, list, tuple)):
        raise InvalidInputError(f"{where}: metals is missing")
    metals = parse_metals(metals_raw, f"{where}")
    text_en = _text(raw, "text_en", where) or _text(raw, "event_en", where)
    text_zh = _text(raw, "text_zh", where) or _text(raw, "event_zh", where)
    if not (text_en or text_zh):
        raise InvalidInputError(f"{where}: the event has no text (give text_en or text_zh)")
    source = _text(raw, "source", where) or _text(raw, "stated_by", where)
    if not source:
        raise InvalidInputError(f"{where}: source is missing (who states the event)")
    url = _text(raw, "url", where)
    if url and not re.match(r"^https?://[^\s]+$", url):
        raise InvalidInputError(f"{where}: url {url!r} is not an http(s) address")
    event_id = _text(raw, "id", where) or f"{day:%Y-%m-%d}.{region}.{kind}.{'+'.join(metals)}"
    if not _ID.match(event_id):
        raise InvalidInputError(f"{where}: id {event_id!r} may hold letters, digits and ._+-")
    return Event(event_id, day, precision, region, kind, metals, text_en, text_zh, source, url)


def events_frame(events: Iterable[Event]) -> pd.DataFrame:
    """Events as a frame of :data:`COLUMNS` (``date`` a timestamp), oldest first."""
    rows = [e.as_dict() for e in events]
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")  # as canonical frames
    return out.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def from_frame(table: pd.DataFrame, where: str = "events") -> list[Event]:
    """Events from a frame with :data:`COLUMNS` (as :func:`events_frame` or the store gives)."""
    out = []
    for n, row in enumerate(table.to_dict("records"), start=1):
        fields = {k: v for k, v in row.items() if k in COLUMNS}
        if isinstance(fields.get("date"), pd.Timestamp):
            fields["date"] = fields["date"].strftime("%Y-%m-%d")
        out.append(parse_event(fields, f"{where} row {n}"))
    return out


__all__ = [
    "COLUMNS",
    "KINDS",
    "METALS",
    "PRECISIONS",
    "Event",
    "events_frame",
    "from_frame",
    "parse_event",
    "parse_metals",
]
