"""A store of schema 3 (text rows), made from a schema 4 store, to test the upgrade.

The schema 3 layout is frozen here as it shipped: every observation row carried its
instrument, field, ISO date, unit, currency, source and write time as text.
"""

from __future__ import annotations

from pathlib import Path

from metalwatch.store.schema import ddl

V3_TABLES = """
CREATE TABLE observations_v3 (
    instrument TEXT NOT NULL,
    field      TEXT NOT NULL,
    date       TEXT NOT NULL,
    value      REAL NOT NULL,
    unit       TEXT NOT NULL,
    currency   TEXT,
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (instrument, field, date)
) WITHOUT ROWID;
CREATE TABLE revisions_v3 (
    id         INTEGER PRIMARY KEY,
    instrument TEXT NOT NULL,
    field      TEXT NOT NULL,
    date       TEXT NOT NULL,
    old_value  REAL NOT NULL,
    new_value  REAL NOT NULL,
    old_source TEXT NOT NULL,
    new_source TEXT NOT NULL,
    revised_at TEXT NOT NULL,
    old_updated_at TEXT
);
"""


def _text_day(dialect: str, col: str) -> str:
    if dialect == "sqlite":
        return f"date({col} * 86400, 'unixepoch')"
    return f"to_char(DATE '1970-01-01' + {col}, 'YYYY-MM-DD')"


def statements(dialect: str) -> list[str]:
    """SQL turning a schema 4 store into the same rows in schema 3's layout."""
    tables = [t.strip() for t in ddl(dialect, V3_TABLES).split(";") if t.strip()]
    return [
        *tables,
        "INSERT INTO observations_v3 SELECT s.instrument, s.field, "
        f"{_text_day(dialect, 'o.day')}, o.value, s.unit, s.currency, c.name, w.at "
        "FROM observations o JOIN series s ON s.id = o.series JOIN sources c ON c.id = o.source "
        "JOIN writes w ON w.id = o.written",
        "INSERT INTO revisions_v3 SELECT r.id, s.instrument, s.field, "
        f"{_text_day(dialect, 'r.day')}, r.old_value, r.new_value, a.name, b.name, r.revised_at, "
        "r.old_updated_at FROM revisions r JOIN series s ON s.id = r.series "
        "JOIN sources a ON a.id = r.old_source JOIN sources b ON b.id = r.new_source",
        "DROP TABLE observations",
        "DROP TABLE revisions",
        "DROP TABLE series",
        "DROP TABLE sources",
        "DROP TABLE writes",
        "ALTER TABLE observations_v3 RENAME TO observations",
        "ALTER TABLE revisions_v3 RENAME TO revisions",
        "CREATE INDEX revisions_series ON revisions (instrument, field, date)",
        "UPDATE meta SET value = '3' WHERE key = 'schema_version'",
    ]


def to_v3(sql: object, target: str | Path) -> None:
    """Rewrite the store at ``target`` (closed) in schema 3's layout, with the ``sql`` fixture."""
    dialect = "sqlite" if isinstance(target, Path) else "postgresql"
    for statement in statements(dialect):
        sql(target, statement)  # type: ignore[operator]
