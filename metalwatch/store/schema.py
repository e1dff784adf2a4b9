"""SQL schema of the store, versioned."""

from __future__ import annotations

SCHEMA_VERSION = 1

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
    revised_at TEXT NOT NULL
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
