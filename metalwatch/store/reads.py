"""A store's reads: canonical rows (as they are, or as they were at a past moment), revisions,
headlines, events, kept charts, fetch attempts and the catalogue's spans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from metalwatch import frame
from metalwatch.event import Event
from metalwatch.store.chart_cache import cached_charts, charts_kept
from metalwatch.store.compact import canonical, day_number, day_text, fetch_table
from metalwatch.store.connection import StoreConnection
from metalwatch.store.event_versions import event_versions, read_events
from metalwatch.store.point_in_time import KNOWN, THEN, WRITES, DateLike, as_of_text


class StoreReads(StoreConnection):
    """What reads a store (part of :class:`~metalwatch.store.database.Store`)."""

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
            cols = f"{THEN.format(col='value')}, {THEN.format(col='source')}"
            joins, head = WRITES, [then, then, then, then]
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
            where.append(KNOWN)
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
            known, joins, known_params = f" AND {KNOWN}", WRITES, [then, then, then]
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
