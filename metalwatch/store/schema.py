"""SQL schema of the store, versioned: one schema for both backends.

Dates are ISO text (``YYYY-MM-DD``) and write times UTC ISO text on both backends, so they
sort, compare and copy the same way; the DDL differs only where the SQL dialects do (a
PostgreSQL ``REAL`` is single precision, an SQLite ``INTEGER PRIMARY KEY`` is its row id, and
PostgreSQL text is compared in byte order, ``COLLATE "C"``, as SQLite compares it).
"""

from __future__ import annotations

SCHEMA_VERSION = 3

#: Dated events (:class:`metalwatch.event.Event`), every version kept: the current version of
#: an event is its latest written; ``as_of`` sees the latest written by then. ``metals`` is the
#: event's metals joined by commas; ``origin`` says what wrote the version (``bundled``,
#: ``cli``, ``file:<name>``), so a newer bundled version never replaces an analyst's.
EVENTS_TABLE = """CREATE TABLE IF NOT EXISTS events (
    id         TEXT NOT NULL,
    written_at TEXT NOT NULL,            -- UTC ISO timestamp of the write
    date       TEXT NOT NULL,            -- YYYY-MM-DD (a month's first day for a month)
    precision  TEXT NOT NULL,            -- day | month
    region     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    metals     TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    text_zh    TEXT NOT NULL,
    source     TEXT NOT NULL,
    url        TEXT NOT NULL,
    origin     TEXT NOT NULL,
    PRIMARY KEY (id, written_at)
) WITHOUT ROWID;"""
EVENTS_INDEX = "CREATE INDEX IF NOT EXISTS events_date ON events (date);"

#: Schema versions this metalwatch upgrades on open (a writable store), and how.
UPGRADES: dict[int, tuple[str, ...]] = {
    # 1 -> 2: when a revised value had been written, so ``as_of`` knows whether it existed then
    1: ("ALTER TABLE revisions ADD COLUMN old_updated_at TEXT",),
    # 2 -> 3: dated events, every revision kept
    2: (EVENTS_TABLE, EVENTS_INDEX),
}

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    instrument TEXT NOT NULL,
    field      TEXT NOT NULL,
    date       TEXT NOT NULL,            -- YYYY-MM-DD trading day
    value      REAL NOT NULL,
    unit       TEXT NOT NULL,
    currency   TEXT,
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL,            -- UTC ISO timestamp of the write
    PRIMARY KEY (instrument, field, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revisions (
    id         INTEGER PRIMARY KEY,
    instrument TEXT NOT NULL,
    field      TEXT NOT NULL,
    date       TEXT NOT NULL,
    old_value  REAL NOT NULL,
    new_value  REAL NOT NULL,
    old_source TEXT NOT NULL,
    new_source TEXT NOT NULL,
    revised_at TEXT NOT NULL,
    old_updated_at TEXT                   -- when the old value was written (NULL before v2)
);
CREATE INDEX IF NOT EXISTS revisions_series ON revisions (instrument, field, date);
CREATE TABLE IF NOT EXISTS fetch_log (
    id           INTEGER PRIMARY KEY,
    instrument   TEXT NOT NULL,
    source       TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    status       TEXT NOT NULL,          -- ok | failed
    rows_added   INTEGER NOT NULL DEFAULT 0,
    rows_revised INTEGER NOT NULL DEFAULT 0,
    last_date    TEXT,
    message      TEXT
);
CREATE INDEX IF NOT EXISTS fetch_log_series ON fetch_log (instrument, attempted_at);
CREATE TABLE IF NOT EXISTS news (
    date    TEXT NOT NULL,
    title   TEXT NOT NULL,
    source  TEXT NOT NULL,
    url     TEXT NOT NULL DEFAULT '',
    keyword TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (date, title)
);
"""
DDL += EVENTS_TABLE + "\n" + EVENTS_INDEX + "\n"

#: The store's tables and their columns, in the order :func:`ddl` creates them (``store copy``).
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "observations": (
        "instrument", "field", "date", "value", "unit", "currency", "source", "updated_at",
    ),
    "revisions": (
        "id", "instrument", "field", "date", "old_value", "new_value", "old_source",
        "new_source", "revised_at", "old_updated_at",
    ),
    "fetch_log": (
        "id", "instrument", "source", "attempted_at", "status", "rows_added", "rows_revised",
        "last_date", "message",
    ),
    "news": ("date", "title", "source", "url", "keyword"),
    "events": (
        "id", "written_at", "date", "precision", "region", "kind", "metals", "text_en",
        "text_zh", "source", "url", "origin",
    ),
}  # fmt: skip
#: Tables whose ``id`` is a generated integer (a copy moves its sequence past the ids loaded).
GENERATED_IDS = ("revisions", "fetch_log")
#: The natural order of each table's rows (its key), for checksums and copies.
ORDER: dict[str, str] = {
    "meta": "key",
    "observations": "instrument, field, date",
    "revisions": "id",
    "fetch_log": "id",
    "news": "date, title",
    "events": "id, written_at",
}


def ddl(dialect: str, sql: str = DDL) -> str:
    """The schema's DDL (or ``sql`` written in it) in ``dialect`` (``"sqlite"``/``"postgresql"``).

    Parameters
    ----------
    dialect
        The backend's SQL dialect.
    sql
        DDL written for SQLite (default: the whole schema).
    """
    if dialect == "sqlite":
        return sql
    # byte order for text, as SQLite compares it, whatever the database's locale
    return (
        sql.replace(" TEXT", ' TEXT COLLATE "C"')
        .replace("REAL", "DOUBLE PRECISION")
        .replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
        .replace(") WITHOUT ROWID;", ");")
    )
