"""The store: an embedded SQLite file, or a shared PostgreSQL database; one interface."""

from metalwatch.store.database import Store, WriteResult, parse_as_of
from metalwatch.store.event_versions import EventWrite
from metalwatch.store.paths import default_store_path, resolve_location, resolve_store_path

__all__ = [
    "EventWrite",
    "Store",
    "WriteResult",
    "default_store_path",
    "parse_as_of",
    "resolve_location",
    "resolve_store_path",
]
