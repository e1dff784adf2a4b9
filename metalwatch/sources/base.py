"""The fetcher contract every live source follows: build a query, fetch raw, normalise.

A fetcher turns one upstream (an akshare function, a Yahoo ticker, a KOMIS chart) into the
canonical frame of :mod:`metalwatch.frame` in three steps, after OpenBB's fetcher:

``build_query``
    what to ask for: the instrument, the upstream symbol from the registry, the date window.
``fetch_raw``
    the library or HTTP call, and nothing else (run under :class:`~.policy.Policy`).
``normalize``
    the raw payload to a wide table ``date`` + canonical fields; renamed columns raise
    :class:`~metalwatch.errors.SourceFormatError` naming the column.

:meth:`Fetcher.fetch` chains them and trims the result to the window. Nothing is dropped
silently: rows outside the window, bars of a session that has not closed, duplicate dates,
missing values and values that are not numbers are counted in :attr:`Fetched.dropped` and
reported by ``metalwatch update``; a registered field with no readable value at all in the
window is a format change (:class:`~metalwatch.errors.SourceFormatError`).
:func:`check_contract` is the per-fetcher contract the tests run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import time as dtime
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import MetalwatchError, SourceError, SourceFormatError
from metalwatch.sources.policy import Policy

#: Venue calendar -> (time zone, local time after which the day's bar is final).
SESSION_CLOSE: dict[str, tuple[str, dtime]] = {
    "CME": ("America/New_York", dtime(17, 0)),
    "ICE": ("America/New_York", dtime(17, 0)),
    "FX": ("America/New_York", dtime(17, 0)),
    "NYSE": ("America/New_York", dtime(16, 15)),
    "LME": ("Europe/London", dtime(17, 30)),
    "LBMA": ("Europe/London", dtime(15, 30)),
    "SHFE": ("Asia/Shanghai", dtime(15, 30)),
    "SGE": ("Asia/Shanghai", dtime(15, 45)),
    "SSE": ("Asia/Shanghai", dtime(15, 30)),
    "CN": ("Asia/Shanghai", dtime(18, 0)),
    "ASX": ("Australia/Sydney", dtime(16, 30)),
}
#: Reasons in :attr:`Fetched.dropped` that are expected and not worth a line in a summary.
ROUTINE_DROPS = frozenset({"before window"})


@dataclass(frozen=True)
class Query:
    """What one fetch asks for.

    ``start`` and ``end`` are inclusive calendar dates; ``end`` is the venue's local date at
    ``now`` (the run's UTC time).
    """

    instrument: str
    symbol: str
    start: pd.Timestamp
    end: pd.Timestamp
    now: pd.Timestamp


@dataclass
class Fetched:
    """A fetch result: the canonical rows, plus what was left out and why."""

    frame: pd.DataFrame
    source: str
    dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The newest date the upstream sent, inside the window or not (None if nothing).
    latest: pd.Timestamp | None = None

    def drop(self, reason: str, count: int) -> None:
        """Count ``count`` rows or values left out for ``reason``."""
        if count:
            self.dropped[reason] = self.dropped.get(reason, 0) + int(count)

    def describe(self, *, routine: bool = False) -> str:
        """'2 settle=0 (not provided); 1 intraday bar' (routine reasons only if asked)."""
        parts = [
            f"{n} {why}" for why, n in self.dropped.items() if routine or why not in ROUTINE_DROPS
        ]
        return "; ".join(parts + self.notes)


class PayloadCache:
    """Raw payloads shared by the series of one run (e.g. one LME stock body, three metals).

    Lives for one ``metalwatch update`` only: an open-ended range is never cached as final.
    A failure is remembered too, so sibling series fail fast with the same cause.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple, threading.Lock] = {}
        self._values: dict[tuple, tuple[bool, Any]] = {}

    def get(self, key: tuple, produce: Callable[[], Any], *, remember_errors: bool = True) -> Any:
        """The payload for ``key``, produced once (other threads wait for it).

        With ``remember_errors=False`` a failure is not kept (use it inside a retried call).
        """
        with self._lock:
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:
            if key not in self._values:
                try:
                    self._values[key] = (True, produce())
                except BaseException as exc:
                    if not remember_errors:
                        raise
                    self._values[key] = (False, exc)
            ok, value = self._values[key]
        if not ok:
            raise value
        return value


class Fetcher:
    """Base class of a live source adapter (see the module docstring)."""

    #: Registry source key (``sources = {akshare = "function:arg"}``) and akshare function.
    key: ClassVar[str] = ""
    function: ClassVar[str] = ""
    #: Fields this fetcher can produce (their stored last dates set the window start).
    fields: ClassVar[tuple[str, ...]] = ("close",)
    #: Fields whose whole history is rewritten upstream (forward-adjusted prices): kept
    #: over the full payload, not trimmed to the window.
    rebase_fields: ClassVar[tuple[str, ...]] = ()
    #: History to ask for when nothing is stored and no ``--since`` is given (None: all).
    default_history_days: ClassVar[int | None] = None
    #: Whether the guard turns 4xx/5xx answers into errors (off for libraries that read
    #: statuses themselves).
    raise_status: ClassVar[bool] = True

    def __init__(self, cache: PayloadCache | None = None) -> None:
        self.cache = cache or PayloadCache()

    @property
    def label(self) -> str:
        """The source label stored on every row, e.g. ``akshare:futures_zh_daily_sina``."""
        return f"{self.key}:{self.function}" if self.function else self.key

    def prepare(self) -> None:
        """Import the third-party library (called once, before threads start)."""

    def build_query(
        self, instrument: str, symbol: str, start: pd.Timestamp, now: pd.Timestamp
    ) -> Query:
        """The query for ``instrument`` from ``start`` to the venue's today at ``now``."""
        end = venue_today(registry.get(instrument).calendar, now)
        return Query(instrument, symbol, pd.Timestamp(start).normalize(), end, now)

    def fetch_raw(self, query: Query) -> Any:
        """The raw payload (a library frame or parsed JSON). Network only."""
        raise NotImplementedError

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        """``raw`` as a wide frame: a ``date`` column plus canonical field columns."""
        raise NotImplementedError

    def cache_key(self, query: Query) -> tuple | None:
        """Key under which sibling series share this query's raw payload (None: not shared)."""
        return None

    def fetch(self, query: Query, policy: Policy) -> Fetched:
        """Fetch, normalise and trim one series; raise a typed SourceError on failure."""

        def call() -> Any:
            return policy.call(
                lambda: self.fetch_raw(query),
                source=self.label,
                series=query.instrument,
                raise_status=self.raise_status,
            )

        key = self.cache_key(query)
        try:
            raw = call() if key is None else self.cache.get(key, call)
        except SourceError as exc:
            prefix = f"{self.label} {query.instrument}: "
            if str(exc).startswith(prefix):
                raise
            cause = str(exc).split(": ", 1)[-1]
            raise type(exc)(f"{prefix}{cause} (payload shared)", source=exc.source) from exc
        out = Fetched(frame.empty(), self.label)
        try:
            wide = self.normalize(query, raw, out)
            out.frame = finish(query, wide, out, self.label, self.rebase_fields)
        except MetalwatchError:  # typed already (a format, schema or unit error)
            raise
        except (KeyError, ValueError, TypeError, IndexError, AttributeError,
                ArithmeticError) as exc:  # fmt: skip
            text = " ".join(str(exc).split())
            raise SourceFormatError(
                f"{self.label} {query.instrument}: cannot read the payload: "
                f"{type(exc).__name__}: {text[:200]}",
                source=self.label,
            ) from exc
        return out

    # -- helpers for subclasses ---------------------------------------------------------
    def require(self, df: pd.DataFrame, columns: Iterable[str], query: Query) -> None:
        """Raise SourceFormatError naming the first expected column the payload lacks."""
        have = [str(c) for c in df.columns]
        for col in columns:
            if col not in have:
                raise SourceFormatError(
                    f"{self.label} {query.instrument}: column {col!r} missing from the payload "
                    f"(columns: {', '.join(have) or 'none'})",
                    source=self.label,
                )

    def empty_payload(self, query: Query, what: str = "an empty payload") -> SourceFormatError:
        """The error for a payload with no rows where the source always has some."""
        return SourceFormatError(
            f"{self.label} {query.instrument}: {what} (symbol {query.symbol!r})", source=self.label
        )


def venue_today(calendar: str, now: pd.Timestamp) -> pd.Timestamp:
    """The calendar date at the venue at UTC time ``now``."""
    tz = SESSION_CLOSE.get(calendar, ("UTC", dtime(23, 59)))[0]
    return _utc(now).tz_convert(tz).tz_localize(None).normalize()


def session_closed(calendar: str, day: pd.Timestamp, now: pd.Timestamp) -> bool:
    """Whether the venue's session for ``day`` had closed at UTC time ``now``."""
    tz, close = SESSION_CLOSE.get(calendar, ("UTC", dtime(23, 59)))
    closes = pd.Timestamp.combine(pd.Timestamp(day).date(), close).tz_localize(tz)
    return _utc(now) >= closes


def _utc(ts: pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def finish(
    query: Query,
    wide: pd.DataFrame,
    out: Fetched,
    source: str,
    rebase_fields: Iterable[str] = (),
) -> pd.DataFrame:
    """Trim a wide frame to the query window and melt it to canonical rows, counting drops."""
    if wide.empty:
        return frame.empty()
    twice = wide.columns[wide.columns.duplicated()]
    if len(twice):
        raise SourceFormatError(
            f"{source} {query.instrument}: column {str(twice[0])!r} appears twice in the payload",
            source=source,
        )
    df = wide.copy()
    dates = pd.to_datetime(df["date"], errors="coerce")
    out.drop("rows with an unreadable date", int(dates.isna().sum()))
    df["date"] = dates.dt.tz_localize(None) if dates.dt.tz is not None else dates
    df = df[dates.notna().to_numpy()]
    df["date"] = df["date"].dt.normalize()
    if len(df):
        out.latest = df["date"].max()
    dup = df.duplicated("date", keep="last")
    out.drop("duplicate dates (last kept)", int(dup.sum()))
    df = df[~dup.to_numpy()]
    cal = registry.get(query.instrument).calendar
    after = df["date"] > query.end
    out.drop("rows dated after the venue's today", int(after.sum()))
    live = (df["date"] == query.end) & (not session_closed(cal, query.end, query.now))
    out.drop("bar of a session not yet closed", int(live.sum()))
    df = df[~(after | live).to_numpy()]
    before = (df["date"] < query.start).to_numpy()
    keep_fields = [c for c in df.columns if c in frame.FIELDS]
    rebase = [c for c in keep_fields if c in set(rebase_fields)]
    trimmed = [c for c in keep_fields if c not in rebase]
    out.drop("before window", int(before.sum()) if trimmed else 0)
    parts = [df.loc[~before, ["date", *trimmed]]] if trimmed else []
    if rebase:
        parts.append(df[["date", *rebase]])
    rows = []
    registered = registry.get(query.instrument).field
    for part in parts:
        given = part.drop(columns="date")
        values = given.apply(pd.to_numeric, errors="coerce")
        values = values.mask(values.isin([np.inf, -np.inf]))  # "inf", "1e400": not a price
        for col in values.columns:
            lost = values[col].isna().to_numpy()
            unreadable = lost & ~_blank(given[col])
            out.drop(f"missing {col} values", int((lost & ~unreadable).sum()))
            out.drop(f"unreadable {col} values", int(unreadable.sum()))
            if col == registered and unreadable.any() and lost.all():
                example = given[col].to_numpy()[unreadable][0]
                raise SourceFormatError(
                    f"{source} {query.instrument}: no {col} value in the window is a number "
                    f"({int(unreadable.sum())} unreadable, e.g. {str(example)[:40]!r}): the "
                    "payload's format changed?",
                    source=source,
                )
        part = pd.concat([part[["date"]], values], axis=1)
        rows.append(frame.from_wide(part, query.instrument, source))
    result = frame.coerce(pd.concat(rows, ignore_index=True)) if rows else frame.empty()
    return result.sort_values(["field", "date"], ignore_index=True)


#: Cell texts upstreams use for "no value" (not a format change).
BLANKS = frozenset({"", "-", "--", "null", "none", "nan", "n/a", "na"})


def _blank(column: pd.Series) -> np.ndarray:
    """Which cells hold no value at all (null, or a placeholder such as ``-``)."""
    text = column.astype("string").str.strip().str.lower()
    return (column.isna() | text.isin(BLANKS).fillna(True)).to_numpy(dtype=bool)


def check_contract(fetcher: Fetcher, query: Query, got: Fetched) -> pd.DataFrame:
    """The contract every fetcher keeps; returns the validated frame or raises AssertionError.

    The output passes :func:`metalwatch.frame.validate`; it holds only the queried
    instrument, with its registered unit and currency, the fetcher's source label, fields
    the fetcher declares, dates inside the window (rebased fields may start earlier), and the
    registered moves field whenever it holds any row.
    """
    df = frame.validate(got.frame, today=query.end)
    inst = registry.get(query.instrument)
    assert not df.empty, f"{fetcher.label} returned no rows for {query.instrument}"
    assert set(df["instrument"]) == {inst.id}, set(df["instrument"])
    assert set(df["unit"]) == {inst.unit}, (set(df["unit"]), inst.unit)
    cur = set(df["currency"].fillna(""))
    assert cur == {inst.currency}, (cur, inst.currency)
    assert set(df["source"]) == {fetcher.label}, set(df["source"])
    assert set(df["field"]) <= set(fetcher.fields), (set(df["field"]), fetcher.fields)
    assert inst.field in set(df["field"]), f"registered field {inst.field} missing"
    windowed = ~df["field"].isin(fetcher.rebase_fields)
    assert (df.loc[windowed, "date"] >= query.start).all()
    assert (df["date"] <= query.end).all()
    assert np.isfinite(df["value"].to_numpy()).all()
    assert got.source == fetcher.label
    return df
