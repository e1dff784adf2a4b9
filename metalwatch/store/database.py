"""The store: one interface, two backends (an SQLite file, or a PostgreSQL database).

Upserts keep every revision; reads can look at the store as it was at any past moment
(``as_of``). The SQL here runs on both engines; what they do differently lives in their
backends (:mod:`metalwatch.store.sqlite`, :mod:`metalwatch.store.postgres`).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from metalwatch import frame
from metalwatch.errors import InvalidInputError, StoreCorruptError, StoreVersionError
from metalwatch.event import Event
from metalwatch.store.backend import Backend, Cursor, read_only_error
from metalwatch.store.chart_cache import cached_charts, charts_kept, keep_charts
from metalwatch.store.compact import (
    Catalog,
    FrameKeys,
    Incoming,
    canonical,
    day_number,
    day_text,
    fetch_table,
    incoming,
)
from metalwatch.store.event_versions import EventWrite, add_events, event_versions, read_events
from metalwatch.store.image import ImageOpener, start_from_image
from metalwatch.store.paths import resolve_location
from metalwatch.store.schema import CREATED_AT, SCHEMA_VERSION, UPGRADE_IDS, UPGRADES, ddl

DateLike = str | pd.Timestamp | datetime


@dataclass(frozen=True)
class WriteResult:
    """What one upsert did.

    ``kept`` counts rows whose stored value differs but was kept, because an upsert with
    ``revise_only`` may revise only rows from that source (see :meth:`Store.upsert`).
    """

    added: int
    revised: int
    unchanged: int
    kept: int = 0


def _now() -> str:
    """The write time stored: UTC ISO text to the microsecond (sorts as time does)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_as_of(value: DateLike, what: str = "as_of") -> pd.Timestamp:
    """A point in time from user input, in UTC, or a one-line error.

    A time without a zone is UTC; a date alone is its midnight (the store as the day began).

    Parameters
    ----------
    value
        ``"2025-12-12T10:30:00+08:00"``, ``"2025-12-12 02:30"``, a timestamp or a datetime.
    what
        How the message names the input (``"--as-of"``).

    Raises
    ------
    InvalidInputError
        Not a time.
    """
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(
            f"{what} {value!r:.60} is not a time (use YYYY-MM-DD[THH:MM[:SS]][+HH:MM])"
        ) from exc
    if pd.isna(ts):
        raise InvalidInputError(f"{what} {value!r:.60} is not a time")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def as_of_text(as_of: DateLike) -> str:
    """``as_of`` as the stored write times are written: UTC ISO text to the microsecond.

    Stored times written to the second (before microseconds were kept) compare correctly
    with it: ``"...:00+00:00"`` sorts before ``"...:00.000000+00:00"``.
    """
    return parse_as_of(as_of).to_pydatetime().isoformat(timespec="microseconds")


def open_backend(location: str | Path, *, read_only: bool = False) -> Backend:
    """The backend for a resolved location: a PostgreSQL URL, or an SQLite file."""
    if isinstance(location, str):
        from metalwatch.store.postgres import PostgresBackend  # psycopg only when used

        return PostgresBackend(location, read_only=read_only)
    from metalwatch.store.sqlite import SQLiteBackend

    return SQLiteBackend(location, read_only=read_only)


#: The value of a stored row as it was at ``as_of`` (the first placeholder): its old value in
#: the first revision made after then, else the stored one. ``{col}`` is value or source; the
#: row's write time is ``w.at`` (``observations o JOIN writes w``).
_THEN = (
    "CASE WHEN w.at <= ? THEN o.{col} ELSE COALESCE((SELECT r.old_{col} FROM revisions r "
    "WHERE r.series = o.series AND r.day = o.day "
    "AND r.revised_at > ? ORDER BY r.revised_at, r.id LIMIT 1), o.{col}) END"
)
#: Whether a stored row existed at ``as_of`` (three placeholders): written by then and not
#: changed since, or revised since from a value written by then. Only the first revision after
#: ``as_of`` can have its old value written by then (each old value is the previous new one).
#: A revision made by schema 1 does not know when its old value was written: taken as by then.
_KNOWN = (
    "(w.at <= ? OR EXISTS (SELECT 1 FROM revisions r WHERE r.series = o.series "
    "AND r.day = o.day AND r.revised_at > ? "
    "AND (r.old_updated_at IS NULL OR r.old_updated_at <= ?)))"
)
#: The write time of each observation, joined when a read looks at a past moment.
_WRITES = " JOIN writes w ON w.id = o.written"
#: Rows per chunk an upsert loads and merges at a time (bounded memory whatever the size).
CHUNK_ROWS = 50_000


class Store:
    """A metalwatch store: an SQLite file (the embedded default) or a PostgreSQL database.

    Opening a store never writes data into it: seeding a new store from the bundled snapshot
    is an explicit step (:func:`metalwatch.open_store` does it on first use). An existing
    store is checked before anything is written to it: another program's SQLite file or
    database is refused untouched, and a store of another schema version too. A store this
    process cannot write (a read-only file or folder; a PostgreSQL role that may only read) is
    opened read-only: reads work, and a write raises a one-line
    :class:`~metalwatch.errors.StoreError` saying the store is read-only.

    Parameters
    ----------
    path
        An SQLite file (or ``sqlite:///path``), a ``postgresql://`` URL, or ``None`` for
        ``$METALWATCH_STORE`` or the file in the user data directory.
    read_only
        Open an existing store for reading only, even if it could be written.
    start_from
        Opens a store image (:mod:`metalwatch.store.image`): a new SQLite file starts as a
        copy of it. Not called for an existing file or a PostgreSQL store.

    Attributes
    ----------
    backend
        ``"sqlite"`` or ``"postgresql"``.
    location
        The store as messages name it: the file, or the URL without its password.
    path
        The SQLite file (None for a PostgreSQL store).
    read_only
        True when the store was opened read-only (asked for, or not writable here).
    started_from_image
        True when this open created the store as a copy of ``start_from``'s image.
    immutable
        True when an SQLite store was opened as an unchanging file (SQLite's ``immutable=1``):
        a WAL store in a read-only folder with no ``-shm`` file, which SQLite cannot open
        otherwise.

    Examples
    --------
    >>> with Store(tmp_path / "mw.sqlite") as st:      # doctest: +SKIP
    ...     st.read(["LME.CA.3M"], start="2025-12-01")
    >>> Store("postgresql://reader@db.desk/metals").backend   # doctest: +SKIP
    'postgresql'
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        start_from: ImageOpener | None = None,
    ) -> None:
        where = resolve_location(path)
        self.path: Path | None = where if isinstance(where, Path) else None
        self.started_from_image = (
            self.path is not None
            and start_from is not None
            and not read_only
            and start_from_image(self.path, start_from)
        )
        self._depth = 0
        self._as_of: DateLike | None = None
        self._db = open_backend(where, read_only=read_only)
        db = self._db
        self.backend = db.dialect
        self.location = db.where
        fresh = bool(getattr(db, "fresh", False))
        try:
            version = self._check_schema("create" if fresh else "read")
            db.prepare()
            if version is None:
                meta = {"schema_version": str(SCHEMA_VERSION), CREATED_AT: _now()}
                try:
                    db.create_schema(ddl(db.dialect), meta)
                except db.errors as exc:
                    raise db.translate(exc, "create") from exc
                self._check_schema("create")
            elif version != SCHEMA_VERSION:
                self._upgrade(version)
        except db.errors as exc:
            db.close()
            raise db.translate(exc, "create" if fresh else "open") from exc
        except BaseException:
            db.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------
    def at(self, as_of: DateLike | None) -> Store:
        """This store seen as it was at ``as_of``: its reads default to that moment.

        The view shares this store's connection (close the store, not the view). ``None``
        returns the store itself.

        Parameters
        ----------
        as_of
            A past moment (see :meth:`read`), or None.
        """
        if as_of is None:
            return self
        view = copy.copy(self)
        view._as_of = parse_as_of(as_of)
        return view

    @property
    def as_of(self) -> pd.Timestamp | None:
        """The moment this store's reads see (None: now); see :meth:`at`."""
        return None if self._as_of is None else parse_as_of(self._as_of)

    @property
    def read_only(self) -> bool:
        """True when writes are refused (asked for, or not allowed here)."""
        return self._db.read_only

    @property
    def immutable(self) -> bool:
        """True for an SQLite store read as an unchanging file (see the class)."""
        return self._db.immutable

    @property
    def _con(self) -> Any:
        """The driver's connection (tests; nothing in the package uses it)."""
        return getattr(self._db, "con")  # noqa: B009

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def require_writable(self) -> None:
        """Raise the one-line :class:`StoreError` a write would, if the store is read-only."""
        if self._as_of is not None:
            raise read_only_error(
                self.location, f"a view of it as of {self.as_of:%Y-%m-%d %H:%M:%S} UTC"
            )
        if self.read_only:
            raise read_only_error(self.location, self._db.why_read_only)

    def _sql(self, sql: str, params: Sequence[Any] = (), action: str = "read") -> Cursor:
        """Run one statement, a driver error becoming a one-line :class:`StoreError`."""
        try:
            return self._db.execute(sql, params)
        except self._db.errors as exc:
            if not self._depth:
                self._db.rollback()
            raise self._db.translate(exc, action) from exc

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """A query's rows as a DataFrame with its column names."""
        try:
            cur = self._db.execute(sql, params)
            rows = cur.fetchall()
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc
        columns = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(rows, columns=columns)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (committed at the end, rolled back on any error).

        Transactions nest: one opened inside another is part of it, and commits with it.
        On SQLite it is ``BEGIN IMMEDIATE`` (one writer at a time); on PostgreSQL writers
        serialise per series (:meth:`lock`). A driver error becomes a one-line
        :class:`StoreError` naming its cause (the store is read-only, the disk is full,
        another process holds the lock).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.require_writable()
        db = self._db
        try:
            db.begin()
        except db.errors as exc:
            raise db.translate(exc, "write") from exc
        self._depth = 1
        try:
            yield self
        except db.errors as exc:
            db.rollback()
            raise db.translate(exc, "write") from exc
        except BaseException:
            db.rollback()
            raise
        else:
            try:
                db.commit()
            except db.errors as exc:
                db.rollback()
                raise db.translate(exc, "write") from exc
        finally:
            self._depth = 0

    def lock(self, key: str) -> None:
        """Serialise with every other writer of ``key`` until the transaction ends.

        SQLite needs nothing (its write transaction holds the whole file); PostgreSQL takes an
        advisory transaction lock. Call it inside :meth:`transaction`.
        """
        if not self._depth:
            raise RuntimeError("Store.lock() outside a transaction")
        self._db.lock(key)

    def _check_schema(self, action: str) -> int | None:
        """The store's schema version (None: no table yet); refuse anything else.

        Only reads: it runs before anything that writes (the SQLite WAL switch included).
        ``action`` ("create" or "read") is what a driver error is said to have failed. An
        older version this metalwatch upgrades (:data:`~metalwatch.store.schema.UPGRADES`) is
        returned; a read-only store of that version is refused, as is any other version.
        """
        db = self._db
        try:
            tables = db.tables()
        except db.errors as exc:
            raise db.translate(exc, action) from exc
        kind = "an SQLite file" if db.dialect == "sqlite" else "a PostgreSQL database"
        if not tables:
            if self.read_only:
                raise StoreCorruptError(f"{self.location} is an empty {kind[3:]}, not a store")
            return None
        if "meta" not in tables:
            raise StoreCorruptError(f"{self.location} is {kind} but not a metalwatch store")
        version = self.meta("schema_version")
        if version == str(SCHEMA_VERSION):
            return SCHEMA_VERSION
        said = (
            f"store {self.location} has schema version {version}; this metalwatch reads "
            f"version {SCHEMA_VERSION}"
        )
        old = int(version) if version is not None and version.isdigit() else None
        if old is None or old not in UPGRADES:
            raise StoreVersionError(said)
        if self.read_only:
            why = self._db.why_read_only
            raise StoreVersionError(
                f"{said}, and upgrades it on open, but it is read-only here ({why})"
            )
        return old

    def _upgrade(self, version: int) -> None:
        """Bring the store from ``version`` to :data:`SCHEMA_VERSION`, in one transaction."""
        with self.transaction():
            self._db.lock("schema")
            current = self.meta("schema_version")  # another process may have done it
            while current is not None and int(current) in UPGRADES:
                for statement in UPGRADES[int(current)]:
                    self._db.execute(ddl(self._db.dialect, statement))
                for table in UPGRADE_IDS.get(int(current), ()):
                    self._db.after_load(table)
                current = str(int(current) + 1)
                self._sql(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", (current,), "write"
                )

    # -- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self._sql("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (its own transaction, or part of the one open)."""
        with self.transaction():
            self._sql(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
                "write",
            )

    # -- writes --------------------------------------------------------------------------
    def upsert(
        self, df: pd.DataFrame, *, validate: bool = True, revise_only: str | None = None
    ) -> WriteResult:
        """Insert or update canonical rows in one transaction.

        A changed value replaces the stored one and the old value goes to ``revisions``
        with the time it changed; identical values are left untouched. With ``revise_only``
        (a source prefix such as ``"bundled:"``), only stored rows whose source starts with it
        may be revised: a different stored value from any other source is kept as it is and
        counted in :attr:`WriteResult.kept`. On PostgreSQL the transaction first takes each
        series' advisory lock (in one order), so two writers of a series serialise.

        Parameters
        ----------
        df
            Canonical rows.
        validate
            Validate ``df`` against the canonical schema first (else only coerce it).
        revise_only
            The source prefix of the stored rows that may be revised (None: any row).
        """
        df = frame.validate(df) if validate else frame.coerce(df)
        if df.empty:
            return WriteResult(0, 0, 0)
        return self.upsert_chunks([df], validate=False, revise_only=revise_only)

    def upsert_chunks(
        self,
        frames: Iterable[pd.DataFrame],
        *,
        validate: bool = True,
        revise_only: str | None = None,
    ) -> WriteResult:
        """:meth:`upsert` of many canonical frames as one write (one transaction, one time).

        The frames are taken one at a time and merged in chunks of :data:`CHUNK_ROWS` rows,
        so memory stays bounded however many rows pass (the bundled snapshot is seeded so).
        A key (instrument, field, date) must not come twice.

        Parameters
        ----------
        frames
            Canonical frames (an iterator is read once, lazily).
        validate, revise_only
            As for :meth:`upsert`.
        """
        db = self._db
        total = [0, 0, 0, 0]
        with self.transaction():
            now = _now()
            write_id: int | None = None
            catalog = Catalog.read(db)
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS incoming (series INTEGER, day INTEGER, "
                "value DOUBLE PRECISION, source INTEGER)"
            )
            for whole in frames:
                if validate:
                    df = frame.validate(whole)
                else:  # canonical rows (the bundled snapshot's) are taken as they are
                    df = whole if frame.is_canonical(whole) else frame.coerce(whole)
                keyed = FrameKeys.of(df)
                for iid, fld in sorted(set(keyed.series)):
                    db.lock(f"series:{iid}:{fld}")
                for at in range(0, len(df), CHUNK_ROWS):
                    part = df.iloc[at : at + CHUNK_ROWS]
                    part_keys = keyed.rows(at, at + CHUNK_ROWS)
                    if write_id is None:
                        write_id = int(
                            db.execute(
                                "INSERT INTO writes (at) VALUES (?) RETURNING id", (now,)
                            ).fetchone()[0]
                        )
                    counts = self._merge(part, part_keys, catalog, write_id, now, revise_only)
                    total = [t + c for t, c in zip(total, counts, strict=True)]
            added, revised, unchanged, kept = total
            if write_id is not None and added + revised == 0:
                db.execute("DELETE FROM writes WHERE id = ?", (write_id,))
        return WriteResult(added, revised, unchanged, kept)

    def _merge(
        self,
        df: pd.DataFrame,
        keyed: FrameKeys,
        catalog: Catalog,
        write_id: int,
        now: str,
        revise_only: str | None,
    ) -> tuple[int, int, int, int]:
        """Merge one chunk of canonical rows (``keyed``: their keys; inside the upsert's
        transaction)."""
        db = self._db
        catalog.ensure(db, df, keyed)
        new = incoming(df, catalog, keyed)
        only_new = self._only_new(new)
        if only_new is not None:  # seeding: every row added, no join against the stored rows
            db.load("observations", OBSERVED, only_new.rows(write_id))
            return len(new), 0, 0, 0
        # which stored rows may be revised: all, or those whose source starts with the prefix
        may = "TRUE"
        if revise_only is not None:
            ids = catalog.source_ids(revise_only)
            may = f"o.source IN ({','.join(map(str, ids))})" if ids else "FALSE"
        db.execute("DELETE FROM incoming")
        db.load("incoming", INCOMING, new.rows())
        match = "JOIN observations o ON o.series = i.series AND o.day = i.day"
        added = db.execute(
            f"SELECT COUNT(*) FROM incoming i LEFT {match} WHERE o.value IS NULL"
        ).fetchone()[0]
        kept = 0
        if revise_only is not None:
            kept = db.execute(
                f"SELECT COUNT(*) FROM incoming i {match} WHERE o.value != i.value AND NOT ({may})"
            ).fetchone()[0]
        revised = db.execute(
            "INSERT INTO revisions (series, day, old_value, new_value, old_source, new_source, "
            "revised_at, old_updated_at) "
            "SELECT o.series, o.day, o.value, i.value, o.source, i.source, ?, w.at "
            f"FROM incoming i {match}{_WRITES} WHERE o.value != i.value AND {may}",
            (now,),
        ).rowcount
        db.execute(
            "INSERT INTO observations AS o (series, day, value, source, written) "
            "SELECT series, day, value, source, ? FROM incoming WHERE true "
            "ON CONFLICT (series, day) DO UPDATE SET value = excluded.value, "
            "source = excluded.source, written = excluded.written "
            f"WHERE o.value != excluded.value AND {may}",
            (write_id,),
        )
        db.execute("DELETE FROM incoming")
        added, kept = int(added), int(kept)
        return added, revised, len(new) - added - revised - kept, kept

    def _only_new(self, new: Incoming) -> Incoming | None:
        """``new`` sorted by key when merging it can only add rows (None otherwise): none of its
        series holds a stored row and no key comes twice. A plain insert then stores what the
        merge would, and every row counts as added (the series' writers are locked out until
        the transaction ends)."""
        ordered = new.by_key()
        if not ordered.keys_unique():
            return None
        ids = ",".join(map(str, pd.unique(ordered.series).tolist()))
        held = self._db.execute(f"SELECT 1 FROM observations WHERE series IN ({ids}) LIMIT 1")
        return ordered if held.fetchone() is None else None

    def add_news(self, news: pd.DataFrame) -> int:
        """Store headlines (date, title, source, url[, keyword]); returns rows added."""
        if news.empty:
            return 0
        cols = ["date", "title", "source", "url", "keyword"]
        news = news.reindex(columns=cols)
        news["date"] = pd.to_datetime(news["date"]).dt.strftime("%Y-%m-%d")
        for col in cols[1:]:
            news[col] = news[col].astype("string").fillna("")
        rows = [tuple(str(v) for v in r) for r in news[cols].itertuples(index=False, name=None)]
        with self.transaction():
            before = self._db.execute("SELECT COUNT(*) FROM news").fetchone()[0]
            self._db.executemany("INSERT INTO news VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING", rows)
            after = self._db.execute("SELECT COUNT(*) FROM news").fetchone()[0]
            return int(after) - int(before)

    def add_events(
        self,
        events: Iterable[Event],
        *,
        origin: str = "api",
        revise_only: str | None = None,
    ) -> EventWrite:
        """Store dated events, keeping every version (one transaction).

        A new event is added; one stored with other fields gets a new version (the old one
        kept, :meth:`at` still sees it); one stored exactly so adds nothing.

        Parameters
        ----------
        events
            Validated events (:func:`metalwatch.event.parse_event`).
        origin
            What writes them (``"bundled"``, ``"cli"``, ``"file:events.csv"``), stored with
            each version.
        revise_only
            Replace only events whose stored version's origin starts with this (None: any);
            the others are kept and counted in :attr:`EventWrite.kept`.
        """
        return add_events(self, events, origin=origin, revise_only=revise_only, now=_now())

    def events(
        self,
        metals: str | Iterable[str] | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        as_of: DateLike | None = None,
    ) -> list[Event]:
        """Stored events, each in its current version, oldest first.

        Parameters
        ----------
        metals
            Keep events touching any of these metals (keys of
            :data:`metalwatch.event.METALS`, or a comma-separated text); None: all.
        start, end
            First and last date (inclusive); a month-precision event counts as its month.
        as_of
            Each event as the store held it then (None: now, or :meth:`at`'s moment);
            events first written since are left out.
        """
        as_of = self._as_of if as_of is None else as_of
        then = None if as_of is None else as_of_text(as_of)
        return read_events(self, metals, start, end, then)

    def event_revisions(self, event_id: str) -> pd.DataFrame:
        """Every stored version of the event ``event_id``, oldest first (``written_at``,
        the event's fields, ``origin``); empty for an id not stored."""
        return event_versions(self, event_id)

    def charts(self, digests: Sequence[str]) -> dict[str, str]:
        """The kept charts among ``digests`` (digest -> data URI), from the chart cache
        (:mod:`metalwatch.store.chart_cache`)."""
        return cached_charts(self, digests)

    def charts_kept(self) -> int:
        """How many drawn charts the chart cache holds."""
        return charts_kept(self)

    def keep_charts(self, drawn: Mapping[str, str], used: Sequence[str] = ()) -> None:
        """Keep newly ``drawn`` charts (digest -> data URI), mark the ``used`` ones as used now
        and prune the cache to its most recently used charts (one transaction)."""
        keep_charts(self, drawn, used, _now())

    def log_fetch(
        self,
        instrument: str,
        source: str,
        status: str,
        *,
        result: WriteResult | None = None,
        last_date: str | None = None,
        message: str = "",
    ) -> None:
        """Record one fetch attempt for a series (used for stale marking)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO fetch_log (instrument, source, attempted_at, status, rows_added, "
                "rows_revised, last_date, message) VALUES (?,?,?,?,?,?,?,?)",
                (
                    instrument, source, _now(), status,
                    result.added if result else 0, result.revised if result else 0,
                    last_date, message,
                ),
            )  # fmt: skip

    # -- reads ---------------------------------------------------------------------------
    def read(
        self,
        instruments: Iterable[str] | None = None,
        fields: Iterable[str] | None = None,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        as_of: DateLike | None = None,
    ) -> pd.DataFrame:
        """Stored rows as a canonical frame, sorted by instrument, field and date.

        With ``as_of`` the rows are those the store held at that moment: a value revised
        since is the value before the revision (with its source then), and a row first
        written since is absent.

        Parameters
        ----------
        instruments, fields
            Keep only these (default: all).
        start, end
            First and last date (inclusive).
        as_of
            A past moment (a time without a zone is UTC; see :func:`parse_as_of`); None
            reads the store as it is (or as of :meth:`at`'s moment, for a view).
        """
        as_of = self._as_of if as_of is None else as_of
        catalog = self._catalog()
        ids = catalog.series_ids(
            None if instruments is None else list(instruments),
            None if fields is None else list(fields),
        )
        if ids is not None and not ids:
            return frame.empty()
        where, params = self._filters(ids, start, end, as_of)
        if as_of is None:
            cols, joins = "o.value, o.source", ""
            head: list[Any] = []
        else:
            then = as_of_text(as_of)
            cols = f"{_THEN.format(col='value')}, {_THEN.format(col='source')}"
            joins, head = _WRITES, [then, then, then, then]
        sql = f"SELECT o.series, o.day, {cols} FROM observations o{joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            table = fetch_table(self._db.execute(sql, [*head, *params]))
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc
        if ids is None:  # every series: one committed since the catalog was read is named too
            catalog = self._catalog()
        return canonical(table, catalog)

    def _catalog(self) -> Catalog:
        """The store's series and sources, read now."""
        try:
            return Catalog.read(self._db)
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc

    @staticmethod
    def _filters(
        series: list[int] | None,
        start: DateLike | None,
        end: DateLike | None,
        as_of: DateLike | None,
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if series is not None:
            where.append(f"o.series IN ({','.join(map(str, series))})")
        if start is not None:
            where.append("o.day >= ?")
            params.append(day_number(start))
        if end is not None:
            where.append("o.day <= ?")
            params.append(day_number(end))
        if as_of is not None:
            then = as_of_text(as_of)
            where.append(_KNOWN)
            params += [then, then, then]
        return where, params

    def revisions(self, instrument: str | None = None) -> pd.DataFrame:
        """The revision history (old and new value, when it changed)."""
        sql = (
            "SELECT r.id, s.instrument, s.field, r.day AS date, r.old_value, r.new_value, "
            "a.name AS old_source, b.name AS new_source, r.revised_at, r.old_updated_at "
            "FROM revisions r JOIN series s ON s.id = r.series JOIN sources a ON a.id = "
            "r.old_source JOIN sources b ON b.id = r.new_source"
        )
        params: list[str] = []
        if instrument:
            sql += " WHERE s.instrument = ?"
            params.append(instrument)
        df = self._frame(sql + " ORDER BY r.id", params)
        df["date"] = [day_text(d) for d in df["date"]]
        return df

    def news(self, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Stored headlines between two dates (inclusive), newest first."""
        df = self._frame(
            "SELECT * FROM news WHERE date >= ? AND date <= ? ORDER BY date DESC, title",
            [start or "0000-00-00", end or "9999-12-31"],
        )
        df["date"] = pd.to_datetime(df["date"])
        return df

    def last_fetches(self, *, as_of: DateLike | None = None) -> pd.DataFrame:
        """The latest fetch attempt per instrument (empty before any update).

        Parameters
        ----------
        as_of
            Only attempts made by then (None: all).
        """
        cond, params = "", []
        as_of = self._as_of if as_of is None else as_of
        if as_of is not None:
            cond, params = " WHERE attempted_at <= ?", [as_of_text(as_of)]
        return self._frame(
            "SELECT f.* FROM fetch_log f JOIN (SELECT instrument, MAX(id) AS id FROM fetch_log"
            f"{cond} GROUP BY instrument) m USING (instrument, id) ORDER BY instrument",
            params,
        )

    def info(self) -> pd.DataFrame:
        """Rows, first and last date per (instrument, field)."""
        got = self._sql(
            "SELECT series, COUNT(*), MIN(day), MAX(day) FROM observations GROUP BY series"
        ).fetchall()
        names = self._catalog().keys_by_id()  # read after the rows
        rows = sorted(
            (*names[int(sid)], int(n), day_text(first), day_text(last))
            for sid, n, first, last in got
        )
        return pd.DataFrame.from_records(
            rows, columns=["instrument", "field", "rows", "first", "last"]
        )

    def span(
        self,
        series: list[tuple[str, str]],
        *,
        end: DateLike | None = None,
        as_of: DateLike | None = None,
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """First and last stored date of each (instrument, field) pair that has data.

        One indexed MIN/MAX lookup per pair: fast on a large store, unlike :meth:`info`.

        Parameters
        ----------
        series
            (instrument, field) pairs.
        end
            Ignore rows dated after it.
        as_of
            Only rows the store held at that moment (see :meth:`read`).
        """
        last_day = 2**31 - 1 if end is None else day_number(end)
        catalog = self._catalog()
        known, joins, known_params = "", "", []
        as_of = self._as_of if as_of is None else as_of
        if as_of is not None:
            then = as_of_text(as_of)
            known, joins, known_params = f" AND {_KNOWN}", _WRITES, [then, then, then]
        out = {}
        for iid, fld in series:
            held = catalog.series.get((iid, fld))
            if held is None:
                continue
            # MIN and MAX in one SELECT scan the series; one subquery each is two index seeks
            one = f"FROM observations o{joins} WHERE o.series = ? AND o.day <= ?{known}"
            first, last = self._sql(
                f"SELECT (SELECT MIN(o.day) {one}), (SELECT MAX(o.day) {one})",
                (held[0], last_day, *known_params) * 2,
            ).fetchone()
            if first is not None:
                out[(iid, fld)] = (day_text(first), day_text(last))
        return out

    def series_held(self) -> list[tuple[str, str]]:
        """Every (instrument, field) the store has ever written, sorted: its series catalogue,
        read without touching the observations (a series may hold no row as of ``as_of``)."""
        return sorted(self._catalog().series)

    def last_dates(self) -> dict[tuple[str, str], str]:
        """The last stored date per (instrument, field)."""
        rows = self._sql("SELECT series, MAX(day) FROM observations GROUP BY series").fetchall()
        names = self._catalog().keys_by_id()  # read after the rows
        return {names[int(sid)]: day_text(d) for sid, d in rows}

    def data_as_of(self) -> pd.Timestamp | None:
        """The store's latest write: the newest value, revision, fetch attempt or event (UTC).

        What a published edition records as the time of its data: ``as_of`` that time
        reads the store as the edition saw it. None for a store never written.
        """
        row = self._sql(
            "SELECT MAX(t) FROM (SELECT MAX(at) AS t FROM writes "
            "UNION ALL SELECT MAX(revised_at) FROM revisions "
            "UNION ALL SELECT MAX(attempted_at) FROM fetch_log "
            "UNION ALL SELECT MAX(written_at) FROM events) w"
        ).fetchone()
        return None if row is None or row[0] is None else pd.Timestamp(row[0]).tz_convert("UTC")

    def integrity_check(self) -> str:
        """``"ok"`` when sound: SQLite's ``PRAGMA integrity_check``; on PostgreSQL every table
        read through and no revision without its row."""
        try:
            return self._db.integrity_check()
        except self._db.errors as exc:
            raise self._db.translate(exc, "read") from exc


#: The columns of the upsert's temporary ``incoming`` table.
INCOMING = ("series", "day", "value", "source")
OBSERVED = (*INCOMING, "written")
