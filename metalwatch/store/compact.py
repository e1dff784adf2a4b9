"""The compact row layout (schema 4): canonical frames to integer rows and back.

A stored observation is ``(series, day, value, source, written)``, all integers but the value:
this module keeps the ``series`` and ``sources`` tables' ids (:class:`Catalog`), turns a
canonical frame into rows for the upsert (:func:`incoming`), and read rows back into the
canonical frame (:func:`canonical`), so nothing above the store sees the layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from metalwatch import frame
from metalwatch.store.backend import Backend, Cursor

_EPOCH = date(1970, 1, 1)


def day_number(value: str | pd.Timestamp | datetime) -> int:
    """Days since 1970-01-01 of a date (the stored ``day``)."""
    return (pd.Timestamp(value).date() - _EPOCH).days


def day_text(day: int) -> str:
    """The ISO date (``YYYY-MM-DD``) of a stored ``day``."""
    return str(np.datetime64(int(day), "D"))


@dataclass
class Catalog:
    """The ids of the store's series and sources (small tables, read whole).

    Attributes
    ----------
    series
        ``(instrument, field) -> (id, unit, currency)``.
    sources
        ``name -> id`` (a name stored twice: its first id).
    names
        ``id -> name``, every id.
    """

    series: dict[tuple[str, str], tuple[int, str, str | None]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def read(cls, db: Backend) -> Catalog:
        """The catalog as ``db`` holds it now."""
        rows = db.execute("SELECT id, instrument, field, unit, currency FROM series").fetchall()
        names = {int(n): str(m) for n, m in db.execute("SELECT id, name FROM sources").fetchall()}
        ids: dict[str, int] = {}
        for n in sorted(names):
            ids.setdefault(names[n], n)  # a name added twice at once: its first id
        return cls({(str(i), str(f)): (int(n), str(u), c) for n, i, f, u, c in rows}, ids, names)

    def series_ids(
        self, instruments: Iterable[str] | None, fields: Iterable[str] | None
    ) -> list[int] | None:
        """Ids of the series of ``instruments`` x ``fields`` held (None: no filter asked)."""
        if instruments is None and fields is None:
            return None
        ins = None if instruments is None else set(instruments)
        fls = None if fields is None else set(fields)
        return sorted(
            sid
            for (iid, fld), (sid, _, _) in self.series.items()
            if (ins is None or iid in ins) and (fls is None or fld in fls)
        )

    def ensure(self, db: Backend, df: pd.DataFrame, keyed: FrameKeys | None = None) -> None:
        """Add the series and sources of the canonical frame ``df`` that are not held yet.

        A series' unit and currency are those last written (validated rows carry the
        registered ones). ``keyed``: ``df``'s :class:`FrameKeys`, if already known.
        """
        keyed = keyed or FrameKeys.of(df)
        last = np.flatnonzero(~pd.Index(keyed.series_codes).duplicated(keep="last"))
        new, changed = [], []
        for code, unit, cur in zip(
            keyed.series_codes[last].tolist(),
            _texts(df["unit"].array[last]),
            _texts(df["currency"].array[last]),
            strict=True,
        ):
            iid, fld = keyed.series[code]
            held = self.series.get((iid, fld))
            if held is None:
                new.append((iid, fld, unit, cur))
            elif (held[1], held[2]) != (unit, cur):
                changed.append((unit, cur, held[0]))
        if new:
            db.executemany(
                "INSERT INTO series (instrument, field, unit, currency) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (instrument, field) DO NOTHING",
                new,
            )
        if changed:
            db.executemany("UPDATE series SET unit = ?, currency = ? WHERE id = ?", changed)
        names = [n for n in keyed.sources_used() if n not in self.sources]
        if names:
            db.executemany("INSERT INTO sources (name) VALUES (?)", [(n,) for n in names])
        if new or changed or names:
            fresh = Catalog.read(db)
            self.series, self.sources, self.names = fresh.series, fresh.sources, fresh.names

    def keys_by_id(self) -> dict[int, tuple[str, str]]:
        """``series id -> (instrument, field)``."""
        return {held[0]: key for key, held in self.series.items()}

    def source_ids(self, prefix: str) -> list[int]:
        """Ids of the sources whose name starts with ``prefix`` (every id of a name)."""
        return sorted(n for n, name in self.names.items() if name.startswith(prefix))


def _texts(values: Iterable[object]) -> list[str | None]:
    """The values as text, a missing one as None."""
    return [None if pd.isna(v) else str(v) for v in values]  # type: ignore[call-overload]


def _factorized(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per value the index of its text in the distinct texts (first seen first); NA as
    ``astype(str)`` gives it."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), list(uniques.astype(str))


@dataclass(frozen=True)
class FrameKeys:
    """A canonical frame's series and sources, factorized once: vectorised, so a large frame
    costs no Python work per row.

    Attributes
    ----------
    series_codes, series
        Per row the index of its ``(instrument, field)`` in ``series`` (first seen first).
    source_codes, sources
        Per row the index of its source name in ``sources``.
    """

    series_codes: np.ndarray
    series: list[tuple[str, str]]
    source_codes: np.ndarray
    sources: list[str]

    @classmethod
    def of(cls, df: pd.DataFrame) -> FrameKeys:
        """The keys of the canonical frame ``df``."""
        ins, ins_names = _factorized(df["instrument"])
        fld, fld_names = _factorized(df["field"])
        width = max(len(fld_names), 1)
        codes, pairs = pd.factorize(ins * width + fld)
        series = [(ins_names[k // width], fld_names[k % width]) for k in pairs.tolist()]
        return cls(codes.astype(np.int64), series, *_factorized(df["source"]))

    def rows(self, start: int, stop: int) -> FrameKeys:
        """The keys of the frame's rows ``start:stop`` (the lists stay whole)."""
        return FrameKeys(
            self.series_codes[start:stop], self.series, self.source_codes[start:stop], self.sources
        )

    def sources_used(self) -> list[str]:
        """The source names the rows carry, first seen first."""
        return [self.sources[k] for k in pd.unique(self.source_codes).tolist()]


def _ids(codes: np.ndarray, keys: list[Any], held: Callable[[Any], int]) -> np.ndarray:
    """Per code the id ``held`` gives its key (only the keys used are looked up)."""
    lookup = np.zeros(len(keys), dtype=np.int64)
    used = np.unique(codes)
    lookup[used] = [held(keys[k]) for k in used.tolist()]
    ids: np.ndarray = lookup[codes]
    return ids


@dataclass(frozen=True)
class Incoming:
    """Rows about to be merged, as the store's ids: one array per column, a row per index."""

    series: np.ndarray
    day: np.ndarray
    value: np.ndarray
    source: np.ndarray

    def __len__(self) -> int:
        return len(self.series)

    def rows(self, *extra: int) -> Iterator[tuple[int, ...]]:
        """``(series, day, value, source, *extra)`` tuples (``extra``: the same on every row),
        made as they are read: a bulk load holds one batch of them at a time."""
        cols = [self.series, self.day, self.value, self.source]
        listed = [c.tolist() for c in cols] + [[x] * len(self) for x in extra]
        return zip(*listed, strict=True)

    def by_key(self) -> Incoming:
        """The rows sorted by ``(series, day)``; rows of one key keep their order."""
        order = np.lexsort((self.day, self.series))
        return Incoming(self.series[order], self.day[order], self.value[order], self.source[order])

    def keys_unique(self) -> bool:
        """True when no ``(series, day)`` comes twice, for rows sorted by key (:meth:`by_key`)."""
        same = (np.diff(self.series) == 0) & (np.diff(self.day) == 0)
        return not bool(same.any())


def incoming(df: pd.DataFrame, catalog: Catalog, keyed: FrameKeys | None = None) -> Incoming:
    """The rows of a canonical frame whose series and sources ``catalog`` holds, as ids
    (``keyed``: ``df``'s :class:`FrameKeys`, if already known)."""
    keyed = keyed or FrameKeys.of(df)
    return Incoming(
        _ids(keyed.series_codes, keyed.series, lambda key: catalog.series[key][0]),
        df["date"].to_numpy(dtype="datetime64[D]").astype(np.int64),
        df["value"].to_numpy(dtype=np.float64),
        _ids(keyed.source_codes, keyed.sources, catalog.sources.__getitem__),
    )


#: Rows a read turns into numbers at a time: the driver's row tuples stay bounded (a few MB)
#: however many rows the read returns.
FETCH_ROWS = 50_000


def fetch_table(cursor: Cursor) -> np.ndarray:
    """The ``(series, day, value, source)`` rows of ``cursor`` as an ``(n, 4)`` float array
    (ids and days are exact in float64), fetched :data:`FETCH_ROWS` at a time."""
    parts = []
    while rows := cursor.fetchmany(FETCH_ROWS):
        flat = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=4 * len(rows))
        parts.append(flat.reshape(len(rows), 4))
    return np.concatenate(parts) if parts else np.empty((0, 4))


def canonical(table: np.ndarray, catalog: Catalog) -> pd.DataFrame:
    """A canonical frame of ``(series, day, value, source)`` rows (:func:`fetch_table`), sorted
    by instrument, field and date."""
    if not len(table):
        return frame.empty()
    sid, day, src = (table[:, k].astype(np.int64) for k in (0, 1, 3))
    value = table[:, 2]
    by_id = {held[0]: (iid, fld, held[1], held[2]) for (iid, fld), held in catalog.series.items()}
    ids = sorted(by_id, key=lambda n: by_id[n][:2])
    rank = np.zeros(max(by_id) + 1, dtype=np.int64)
    rank[ids] = np.arange(len(ids))
    order = np.lexsort((day, rank[sid]))
    sid, day, value, src = sid[order], day[order], value[order], src[order]
    info = pd.DataFrame.from_dict(
        by_id, orient="index", columns=["instrument", "field", "unit", "currency"]
    )
    joined = info.reindex(sid)
    out = pd.DataFrame(
        {
            "instrument": joined["instrument"].to_numpy(),
            "field": joined["field"].to_numpy(),
            "date": day.astype("datetime64[D]").astype("datetime64[ns]"),
            "value": value,
            "unit": joined["unit"].to_numpy(),
            "currency": joined["currency"].to_numpy(),
            "source": pd.Series(src).map(catalog.names).to_numpy(),
        }
    )
    return frame.coerce(out)
