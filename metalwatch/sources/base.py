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

:meth:`Fetcher.fetch` chains them and trims the result to the window (:func:`finish`).
Nothing is dropped silently: rows outside the window, bars of a session that has not closed
(:mod:`.session`), duplicate dates, missing values and values that are not numbers are
counted in :attr:`Fetched.dropped` and reported by ``metalwatch update``; a registered field
with no readable value at all in the window is a format change
(:class:`~metalwatch.errors.SourceFormatError`). Adapters over one akshare function derive
from :class:`~.akshare_fetcher.AkshareFetcher`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import DataError, MetalwatchError, SourceError, SourceFormatError
from metalwatch.sources.cache import Key, PayloadCache
from metalwatch.sources.policy import Policy
from metalwatch.sources.session import session_closed, venue_today

#: Reasons in :attr:`Fetched.dropped` that are expected and not worth a line in a summary.
ROUTINE_DROPS = frozenset({"before window"})
#: Fields whose whole history is rewritten upstream at every dividend (adjusted closes): a
#: fetch keeps them over the full payload instead of trimming them to the window, they do
#: not set the window's start, and their overlap with the store is not compared.
REBASED_FIELDS = frozenset({"adj_close"})
#: Cell texts upstreams use for "no value" (not a format change).
BLANKS = frozenset({"", "-", "--", "null", "none", "nan", "n/a", "na"})


def source_label(key: str, function: str = "") -> str:
    """The source label stored on rows: ``akshare:futures_zh_daily_sina``, or ``yfinance``."""
    return f"{key}:{function}" if function else key


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


class Fetcher:
    """Base class of a live source adapter (see the module docstring)."""

    #: Registry source key (``sources = {akshare = "function:arg"}``) and akshare function.
    key: ClassVar[str] = ""
    function: ClassVar[str] = ""
    #: Fields this fetcher can produce (their stored last dates set the window start).
    fields: ClassVar[tuple[str, ...]] = ("close",)
    #: History to ask for when nothing is stored and no ``--since`` is given (None: all).
    default_history_days: ClassVar[int | None] = None
    #: Whether the guard turns 4xx/5xx answers into errors (off for libraries that read
    #: statuses themselves).
    raise_status: ClassVar[bool] = True
    #: The host blamed when a call fails to resolve and neither the request guard nor the
    #: error names a host (a library using its own HTTP client, e.g. yfinance's curl_cffi).
    host: ClassVar[str | None] = None

    def __init__(self, cache: PayloadCache | None = None) -> None:
        self.cache = cache or PayloadCache()

    @property
    def label(self) -> str:
        """The source label stored on every row, e.g. ``akshare:futures_zh_daily_sina``."""
        return source_label(self.key, self.function)

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

    def cache_key(self, query: Query) -> Key | None:
        """Key under which sibling series share this query's raw payload (None: not shared)."""
        return None

    def fetch(self, query: Query, policy: Policy) -> Fetched:
        """Fetch, normalise and trim one series; raise a typed error on failure.

        Raises
        ------
        SourceError
            The fetch failed (:class:`~metalwatch.errors.SourceFormatError`: the payload is
            not in the shape this adapter reads); ``series`` is ``query.instrument``.
        DataError
            The payload is in the wrong units (:class:`~metalwatch.errors.UnitScaleError`).
        """

        def call() -> Any:
            return policy.call(
                lambda: self.fetch_raw(query),
                source=self.label,
                series=query.instrument,
                raise_status=self.raise_status,
                hint=self.host,
            )

        key = self.cache_key(query)
        try:
            raw = call() if key is None else self.cache.get(key, call)
        except (SourceError, DataError) as exc:
            if exc.series in ("", query.instrument):
                raise
            raise _shared(exc, query.instrument) from exc
        out = Fetched(frame.empty(), self.label)
        try:
            wide = self.normalize(query, raw, out)
            out.frame = self.rows(query, wide, out)
        except MetalwatchError:  # typed already (a format, schema or unit error)
            raise
        except (
            KeyError,
            ValueError,
            TypeError,
            IndexError,
            AttributeError,
            ArithmeticError,
        ) as exc:
            text = " ".join(str(exc).split())
            raise self.format_error(
                query, f"cannot read the payload: {type(exc).__name__}: {text[:200]}"
            ) from exc
        return out

    def rows(self, query: Query, wide: pd.DataFrame, out: Fetched) -> pd.DataFrame:
        """The canonical rows of ``wide``, trimmed to the window (:func:`finish`)."""
        return finish(query, wide, out, self.label)

    # -- helpers for subclasses ---------------------------------------------------------
    def format_error(self, query: Query, reason: str) -> SourceFormatError:
        """A :class:`SourceFormatError` of this source and ``query``'s series."""
        return SourceFormatError(reason, series=query.instrument, source=self.label)

    def require(self, df: pd.DataFrame, columns: Iterable[str], query: Query) -> None:
        """Raise SourceFormatError naming the first expected column the payload lacks."""
        have = [str(c) for c in df.columns]
        for col in columns:
            if col not in have:
                raise self.format_error(
                    query,
                    f"column {col!r} missing from the payload "
                    f"(columns: {', '.join(have) or 'none'})",
                )

    def empty_payload(self, query: Query, what: str = "an empty payload") -> SourceFormatError:
        """The error for a payload with no rows where the source always has some."""
        return self.format_error(query, f"{what} (symbol {query.symbol!r})")


def _shared(exc: SourceError | DataError, series: str) -> SourceError | DataError:
    """``exc`` of a sibling series whose payload this one shares, restated for ``series``."""
    twin = copy.copy(exc)
    twin.series = series
    twin.args = (f"{exc.reason} (payload shared)",)
    return twin


def finish(query: Query, wide: pd.DataFrame, out: Fetched, source: str) -> pd.DataFrame:
    """Trim a wide frame to the query window and melt it to canonical rows, counting drops.

    Fields in :data:`REBASED_FIELDS` keep the whole payload; the others keep the window.
    """
    if wide.empty:
        return frame.empty()
    twice = wide.columns[wide.columns.duplicated()]
    if len(twice):
        raise SourceFormatError(
            f"column {str(twice[0])!r} appears twice in the payload",
            series=query.instrument,
            source=source,
        )
    df = _dated(wide, out)
    cal = registry.get(query.instrument).calendar
    after = df["date"] > query.end
    out.drop("rows dated after the venue's today", int(after.sum()))
    live = (df["date"] == query.end) & (not session_closed(cal, query.end, query.now))
    out.drop("bar of a session not yet closed", int(live.sum()))
    df = df[~(after | live).to_numpy()]
    before = (df["date"] < query.start).to_numpy()
    keep_fields = [c for c in df.columns if c in frame.FIELDS]
    rebase = [c for c in keep_fields if c in REBASED_FIELDS]
    trimmed = [c for c in keep_fields if c not in rebase]
    out.drop("before window", int(before.sum()) if trimmed else 0)
    parts = [df.loc[~before, ["date", *trimmed]]] if trimmed else []
    if rebase:
        parts.append(df[["date", *rebase]])
    rows = [_numbers(query, part, out, source) for part in parts]
    result = frame.coerce(pd.concat(rows, ignore_index=True)) if rows else frame.empty()
    return result.sort_values(["field", "date"], ignore_index=True)


def _dated(wide: pd.DataFrame, out: Fetched) -> pd.DataFrame:
    """``wide`` with readable, day-normalised dates, the last of duplicate dates kept."""
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
    return df[~dup.to_numpy()]


def _numbers(query: Query, part: pd.DataFrame, out: Fetched, source: str) -> pd.DataFrame:
    """One slice of the wide frame as canonical rows, its values read as numbers.

    Missing and unreadable values are counted; a registered field none of whose values reads
    as a number is a format change.
    """
    registered = registry.get(query.instrument).field
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
                f"no {col} value in the window is a number ({int(unreadable.sum())} "
                f"unreadable, e.g. {str(example)[:40]!r}): the payload's format changed?",
                series=query.instrument,
                source=source,
            )
    return frame.from_wide(pd.concat([part[["date"]], values], axis=1), query.instrument, source)


def _blank(column: pd.Series) -> np.ndarray:
    """Which cells hold no value at all (null, or a placeholder such as ``-``)."""
    text = column.astype("string").str.strip().str.lower()
    return (column.isna() | text.isin(BLANKS).fillna(True)).to_numpy(dtype=bool)
