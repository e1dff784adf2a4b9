"""The embedded SQLite store."""

from metalwatch.store.database import Store, WriteResult
from metalwatch.store.paths import default_store_path, resolve_store_path

__all__ = ["Store", "WriteResult", "default_store_path", "resolve_store_path"]
