"""A store's writes: canonical rows merged with every revision kept, headlines, events, drawn
charts and the fetch log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from metalwatch import frame
from metalwatch.event import Event
from metalwatch.store.chart_cache import keep_charts
from metalwatch.store.compact import Catalog, FrameKeys, Incoming, incoming
from metalwatch.store.connection import StoreConnection
from metalwatch.store.event_versions import EventWrite, add_events
from metalwatch.store.point_in_time import WRITES, now_text

#: Rows per chunk an upsert loads and merges at a time (bounded memory whatever the size).
CHUNK_ROWS = 50_000
#: The columns of the upsert's temporary ``incoming`` table.
INCOMING = ("series", "day", "value", "source")
OBSERVED = (*INCOMING, "written")


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


class StoreWrites(StoreConnection):
    """What writes to a store (part of :class:`~metalwatch.store.database.Store`)."""

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
            now = now_text()
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
            f"FROM incoming i {match}{WRITES} WHERE o.value != i.value AND {may}",
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
        return add_events(self, events, origin=origin, revise_only=revise_only, now=now_text())

    def keep_charts(self, drawn: Mapping[str, str], used: Sequence[str] = ()) -> None:
        """Keep newly ``drawn`` charts (digest -> data URI), mark the ``used`` ones as used now
        and prune the cache to its most recently used charts (one transaction)."""
        keep_charts(self, drawn, used, now_text())

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
                    instrument, source, now_text(), status,
                    result.added if result else 0, result.revised if result else 0,
                    last_date, message,
                ),
            )  # fmt: skip
