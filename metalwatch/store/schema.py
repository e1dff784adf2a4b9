"""SQL schema of the store, versioned: one schema for both backends.

Observations are compact (schema 4). A row is a series id (a row of ``series``: instrument,
field, unit, currency), a day (days since 1970-01-01), the value, a source id (a row of
``sources``) and a write id (a row of ``writes``: the UTC ISO time of one upsert), clustered
on (series, day); revisions are keyed the same way. Write times and the other tables' dates
stay ISO text (``YYYY-MM-DD``, UTC ISO timestamps), so they sort, compare and copy the same
way on both backends. The DDL differs only where the SQL dialects do (a PostgreSQL ``REAL`` is
single precision, an SQLite ``INTEGER PRIMARY KEY`` is its row id, and PostgreSQL text is
compared in byte order, ``COLLATE "C"``, as SQLite compares it).
"""

from __future__ import annotations

SCHEMA_VERSION = 5

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

#: Charts of the weekly already drawn (schema 5), keyed by a digest of everything that draws one
#: (:mod:`metalwatch.reporting.chart_memo`): derived, never copied or checksummed, pruned to the
#: most recently used (:data:`metalwatch.store.chart_cache.KEEP`).
CHART_CACHE_TABLE = """CREATE TABLE IF NOT EXISTS chart_cache (
    digest  TEXT PRIMARY KEY,            -- sha256 (hex) of the chart's kind, inputs and code
    uri     TEXT NOT NULL,               -- the chart as a data URI (SVG, base64)
    used_at TEXT NOT NULL                -- UTC ISO timestamp of its last use
) WITHOUT ROWID;"""

#: A series (instrument, field) and the unit and currency its values are in.
SERIES_TABLE = """CREATE TABLE IF NOT EXISTS series (
    id         INTEGER PRIMARY KEY,
    instrument TEXT NOT NULL,
    field      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    currency   TEXT,
    UNIQUE (instrument, field)
);"""
#: Source names. Not unique: a writer adds a name it does not see, and two writers adding the
#: same new name at once each add their own row (a unique name would make the second wait for
#: the first's commit, and writers of different series must not wait). Reads map ids to names.
SOURCES_TABLE = """CREATE TABLE IF NOT EXISTS sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);"""
#: One row per upsert that stored something: when it wrote (``as_of`` compares this text).
WRITES_TABLE = """CREATE TABLE IF NOT EXISTS writes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL                     -- UTC ISO timestamp of the write
);"""
OBSERVATIONS_TABLE = """CREATE TABLE IF NOT EXISTS observations (
    series  INTEGER NOT NULL,            -- series.id
    day     INTEGER NOT NULL,            -- trading day, days since 1970-01-01
    value   REAL NOT NULL,
    source  INTEGER NOT NULL,            -- sources.id
    written INTEGER NOT NULL,            -- writes.id of the write that stored the value
    PRIMARY KEY (series, day)
) WITHOUT ROWID;"""
REVISIONS_TABLE = """CREATE TABLE IF NOT EXISTS revisions (
    id             INTEGER PRIMARY KEY,
    series         INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    old_value      REAL NOT NULL,
    new_value      REAL NOT NULL,
    old_source     INTEGER NOT NULL,
    new_source     INTEGER NOT NULL,
    revised_at     TEXT NOT NULL,
    old_updated_at TEXT                  -- when the old value was written (NULL before v2)
);"""
REVISIONS_INDEX = "CREATE INDEX IF NOT EXISTS revisions_series ON revisions (series, day);"

#: The tables of the compact layout (schema 4), as the schema creates them and the 3 -> 4
#: upgrade does.
COMPACT_TABLES = (
    SERIES_TABLE,
    SOURCES_TABLE,
    WRITES_TABLE,
    OBSERVATIONS_TABLE,
    REVISIONS_TABLE,
    REVISIONS_INDEX,
)

#: The day number (since 1970-01-01) of an ISO date text column, in SQLite (``ddl`` turns it
#: into PostgreSQL's); exact: a date's Julian day is a whole number and a half.
_DAY_OF = "CAST(julianday({col}) - 2440587.5 AS INTEGER)"

#: 3 -> 4: the compact observations and revisions, every row rewritten in SQL (one pass).
_TO_V4: tuple[str, ...] = (
    "DROP INDEX IF EXISTS revisions_series",
    "ALTER TABLE observations RENAME TO observations_v3",
    "ALTER TABLE revisions RENAME TO revisions_v3",
    *COMPACT_TABLES,
    "INSERT INTO series (instrument, field, unit, currency) SELECT instrument, field, "
    "MAX(unit), MAX(currency) FROM (SELECT instrument, field, unit, currency FROM "
    "observations_v3 UNION ALL SELECT instrument, field, '', NULL FROM revisions_v3) a "
    "GROUP BY instrument, field ORDER BY instrument, field",
    "INSERT INTO sources (name) SELECT name FROM (SELECT source AS name FROM observations_v3 "
    "UNION SELECT old_source FROM revisions_v3 UNION SELECT new_source FROM revisions_v3) a "
    "ORDER BY name",
    "INSERT INTO writes (at) SELECT DISTINCT updated_at FROM observations_v3 ORDER BY updated_at",
    "INSERT INTO observations (series, day, value, source, written) SELECT s.id, "
    + _DAY_OF.format(col="o.date")
    + ", o.value, c.id, w.id FROM observations_v3 o JOIN series s ON s.instrument = o.instrument "
    "AND s.field = o.field JOIN sources c ON c.name = o.source JOIN writes w ON w.at = "
    "o.updated_at ORDER BY s.id, o.date",
    "INSERT INTO revisions (id, series, day, old_value, new_value, old_source, new_source, "
    "revised_at, old_updated_at) SELECT r.id, s.id, "
    + _DAY_OF.format(col="r.date")
    + ", r.old_value, r.new_value, a.id, b.id, r.revised_at, r.old_updated_at FROM revisions_v3 "
    "r JOIN series s ON s.instrument = r.instrument AND s.field = r.field JOIN sources a ON "
    "a.name = r.old_source JOIN sources b ON b.name = r.new_source ORDER BY r.id",
    "DROP TABLE observations_v3",
    "DROP TABLE revisions_v3",
)

#: Schema versions this metalwatch upgrades on open (a writable store), and how.
UPGRADES: dict[int, tuple[str, ...]] = {
    # 1 -> 2: when a revised value had been written, so ``as_of`` knows whether it existed then
    1: ("ALTER TABLE revisions ADD COLUMN old_updated_at TEXT",),
    # 2 -> 3: dated events, every revision kept
    2: (EVENTS_TABLE, EVENTS_INDEX),
    # 3 -> 4: compact observations (integer series, day, source and write ids)
    3: _TO_V4,
    # 4 -> 5: the cache of drawn charts
    4: (CHART_CACHE_TABLE,),
}
#: Tables whose id sequence an upgrade step loads explicit ids into, per step.
UPGRADE_IDS: dict[int, tuple[str, ...]] = {3: ("revisions",)}

DDL = "\n".join(
    (
        """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);""",
        *COMPACT_TABLES,
        """CREATE TABLE IF NOT EXISTS fetch_log (
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
);""",
        EVENTS_TABLE,
        EVENTS_INDEX,
        CHART_CACHE_TABLE,
        "",
    )
)

#: The store's tables and their columns, in the order :func:`ddl` creates them (``store copy``);
#: ``chart_cache`` is derived and left out (a copy's first weekly draws its charts again).
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "series": ("id", "instrument", "field", "unit", "currency"),
    "sources": ("id", "name"),
    "writes": ("id", "at"),
    "observations": ("series", "day", "value", "source", "written"),
    "revisions": (
        "id", "series", "day", "old_value", "new_value", "old_source", "new_source",
        "revised_at", "old_updated_at",
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
#: The meta key holding when the store was created (UTC ISO time).
CREATED_AT = "created_at"
#: The columns holding the UTC ISO time something was written (a store image's are all one
#: placeholder, set to the copy's moment when a store starts from it: :mod:`.image`).
WRITE_TIMES: tuple[tuple[str, str], ...] = (
    ("writes", "at"),
    ("revisions", "revised_at"),
    ("revisions", "old_updated_at"),
    ("fetch_log", "attempted_at"),
    ("events", "written_at"),
    ("chart_cache", "used_at"),
)
#: Tables whose ``id`` is a generated integer (a copy moves its sequence past the ids loaded).
GENERATED_IDS = ("series", "sources", "writes", "revisions", "fetch_log")
#: The natural order of each table's rows (its key), for checksums and copies.
ORDER: dict[str, str] = {
    "meta": "key",
    "series": "id",
    "sources": "id",
    "writes": "id",
    "observations": "series, day",
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
        DDL (or an upgrade statement) written for SQLite (default: the whole schema).
    """
    if dialect == "sqlite":
        return sql
    # byte order for text, as SQLite compares it, whatever the database's locale
    out = (
        sql.replace(" TEXT", ' TEXT COLLATE "C"')
        .replace("REAL", "DOUBLE PRECISION")
        .replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
        .replace(") WITHOUT ROWID;", ");")
    )
    for col in ("o.date", "r.date"):
        out = out.replace(_DAY_OF.format(col=col), f"({col}::date - DATE '1970-01-01')")
    return out
