"""The update runner: fetch in a bounded pool, check and write on the calling thread."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import DataError, MetalwatchError, SourceError
from metalwatch.ingest.checks import check_bars, check_overlap, check_scale, stored_history
from metalwatch.ingest.outcome import Attempt, SeriesOutcome, UpdateReport
from metalwatch.ingest.plan import Job, plan, window_start
from metalwatch.ingest.seed import opened
from metalwatch.sources.base import Fetched, Query
from metalwatch.sources.cache import PayloadCache
from metalwatch.sources.news import SERIES, SOURCE, News, fetch_news
from metalwatch.sources.policy import Policy
from metalwatch.store import Store

#: Default number of fetch threads. A thread waiting for a host's rate-limit slot is held, so
#: with few threads the slowest host's chain (Eastmoney, one request per 4 s) starts late and
#: the run ends well after it; per-host rate limits space requests whatever the thread count.
WORKERS = 16


@dataclass
class _Fetch:
    job: Job
    fetched: Fetched | None
    query: Query | None
    attempts: list[Attempt]
    seconds: float


def update(
    instruments: Sequence[str] | None = None,
    *,
    since: str | pd.Timestamp | None = None,
    force: bool = False,
    store: Store | str | os.PathLike[str] | None = None,
    files: Iterable[str | os.PathLike[str]] = (),
    news: bool | None = None,
    workers: int = WORKERS,
    policy: Policy | None = None,
    now: pd.Timestamp | None = None,
    on_done: Callable[[SeriesOutcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> UpdateReport:
    """Fetch the live series (or ``instruments``) and write new and revised rows.

    Parameters
    ----------
    instruments
        Ids to update; default every instrument with a live source (and the news feed).
        With ``files`` and no ids, only the files are loaded (no network).
    since
        Fetch from this date instead of the last stored date minus the overlap.
    force
        Ignore what is stored and fetch each source's default history again.
    store
        A :class:`Store`, a path, or None for the default store (a store opened here is
        seeded from the bundled snapshot on first use, and closed after).
    files
        Price files to load (see :mod:`metalwatch.sources.file_prices`).
    news
        Fetch the metals headlines (default: when no ids are given).
    workers
        Fetch threads.
    policy
        Timeouts, retries and rate limits (default :class:`Policy`).
    now
        The run's time (UTC); default the current time.
    on_done, on_plan
        Progress callbacks: the number of tasks once planned, each outcome when done.
    """
    started = time.monotonic()
    policy = policy or Policy()
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    since_ts = pd.Timestamp(since) if since is not None else None
    files = list(files)
    live = instruments is not None or not files
    with opened(store) as st:
        st.require_writable()  # a read-only store fails before anything is fetched
        last_dates = st.last_dates()
        ids = None if instruments is None else list(instruments)
        jobs, skipped = plan(ids, last_dates) if live else ([], [])
        want_news = (instruments is None and live) if news is None else news
        outcomes = [
            SeriesOutcome(i, "skipped", message="no live source (load it from a file)")
            for i in skipped
        ]
        if on_plan:
            on_plan(len(jobs) + len(files) + int(want_news))
        for path in files:
            outcomes += _load_file(st, path, now, last_dates, on_done)
        _prepare(jobs)
        cache = PayloadCache()
        snapshot = dict(last_dates)  # read by pool threads; ``last_dates`` moves on writes
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            fetches = [
                pool.submit(_fetch_job, job, policy, cache, snapshot, now, since_ts, force)
                for job in jobs
            ]
            headlines = pool.submit(_fetch_news, policy) if want_news else None
            waiting: list[Future[Any]] = [*fetches, *([headlines] if headlines else [])]
            for done in as_completed(waiting):
                if headlines is not None and done is headlines:
                    outcome = _write_news(st, headlines)
                else:
                    outcome = _write_series(st, done.result(), now, last_dates)
                outcomes.append(outcome)
                if on_done:
                    on_done(outcome)
    order = {iid: n for n, iid in enumerate(registry.all_instruments())}
    outcomes.sort(key=lambda o: (order.get(o.instrument, len(order)), o.instrument))
    return UpdateReport(
        outcomes,
        time.monotonic() - started,
        dict(policy.limiter.requests),
        dict(policy.limiter.waited),
        unreachable={host: why for host, (why, _) in policy.hosts.down.items()},
        no_network=policy.hosts.no_network(),
    )


def _prepare(jobs: list[Job]) -> None:
    """Import each adapter's library once, before threads start."""
    seen = set()
    for job in jobs:
        for route in job.routes:
            if (route.key, route.function) not in seen:
                seen.add((route.key, route.function))
                route.fetcher().prepare()


def _fetch_news(policy: Policy) -> tuple[News, float]:
    """The headlines and the seconds they took; runs on a pool thread."""
    t0 = time.monotonic()
    return fetch_news(policy), time.monotonic() - t0


def _fetch_job(
    job: Job,
    policy: Policy,
    cache: PayloadCache,
    last_dates: dict[tuple[str, str], str],
    now: pd.Timestamp,
    since: pd.Timestamp | None,
    force: bool,
) -> _Fetch:
    """Try the routes of one series in order; runs on a pool thread (no store access)."""
    t0 = time.monotonic()
    attempts: list[Attempt] = []
    for n, route in enumerate(job.routes):
        fetcher = route.fetcher(cache)
        start = window_start(fetcher, job.instrument, last_dates, now, since=since, force=force)
        query = fetcher.build_query(job.instrument, route.symbol, start, now)
        try:
            got = fetcher.fetch(query, policy)
        except MetalwatchError as exc:
            attempts.append(Attempt(route.label, exc))
            continue
        except Exception as exc:  # a bug in one adapter must not stop the run
            text = " ".join(str(exc).split())[:200]
            error = SourceError(
                f"unexpected {type(exc).__name__}: {text}",
                series=job.instrument,
                source=route.label,
            )
            error.__cause__ = exc
            attempts.append(Attempt(route.label, error))
            continue
        if n > 0 and job.last_stored is not None:  # a fallback only extends the series
            old = got.frame["date"] <= job.last_stored
            got.drop("dates already stored from the primary source", int(old.sum()))
            got.frame = got.frame[~old.to_numpy()].reset_index(drop=True)
        attempts.append(Attempt(route.label))
        return _Fetch(job, got, query, attempts, time.monotonic() - t0)
    return _Fetch(job, None, None, attempts, time.monotonic() - t0)


def _latest_day(now: pd.Timestamp) -> pd.Timestamp:
    """The latest calendar date anywhere at ``now`` (UTC+14), for the future-date check."""
    return now.tz_convert("Pacific/Kiritimati").tz_localize(None).normalize()


def _write_series(
    st: Store, res: _Fetch, now: pd.Timestamp, last_dates: dict[tuple[str, str], str]
) -> SeriesOutcome:
    """Log failed routes, then validate, scale-check and write the fetched rows.

    ``last_dates`` (the store's last date per series and field) is kept current here.
    """
    inst = res.job.instrument
    key = (inst, registry.get(inst).field)
    last_good = last_dates.get(key)
    out = SeriesOutcome(inst, "failed", attempts=res.attempts, seconds=res.seconds)
    for att in res.attempts:
        if att.error is not None:
            st.log_fetch(inst, att.source, "failed", last_date=last_good, message=str(att.error))
    if res.fetched is None:
        errors = [a.error for a in res.attempts if a.error is not None]
        out.error = errors[-1] if errors else None
        out.source = res.attempts[-1].source if res.attempts else ""
        out.message = " | ".join(str(e) for e in errors)
        out.last_date = pd.Timestamp(last_good) if last_good else None
        return out
    got = res.fetched
    out.source = got.source
    if len(res.attempts) > 1:  # a fallback only extends the series as stored *now*
        _extend_only(st, got, key, res.job.last_stored)
    try:
        df = frame.validate(got.frame, today=_latest_day(now))
        for _, part in df.groupby("instrument", sort=False):  # a curve: one series per contract
            old = stored_history(st, part)
            check_scale(st, part, old)
            check_bars(part)
            check_overlap(st, part, old)
        result = st.upsert(df, validate=False)
    except MetalwatchError as exc:
        out.error = exc
        placed = isinstance(exc, (SourceError, DataError)) and bool(exc.source)
        out.message = str(exc) if placed else f"{got.source} {exc}"
        out.last_date = pd.Timestamp(last_good) if last_good else None
        st.log_fetch(inst, got.source, "failed", last_date=last_good, message=out.message)
        return out
    for fld, day in df.groupby("field")["date"].max().items():
        day_text = f"{day:%Y-%m-%d}"
        if day_text > last_dates.get((inst, str(fld)), ""):
            last_dates[(inst, str(fld))] = day_text
    new_last = last_dates.get(key)
    out.status = "ok"
    out.added, out.revised, out.unchanged = result.added, result.revised, result.unchanged
    out.last_date = pd.Timestamp(new_last) if new_last else None
    notes = got.describe()
    if df.empty:
        notes = "; ".join(filter(None, ["no rows in the window", notes]))
    lag = _lag_note(inst, got.latest, now)
    if lag:
        notes = "; ".join(filter(None, [notes, lag]))
    if len(res.attempts) > 1:
        notes = "; ".join(filter(None, [f"fallback after: {res.attempts[0].error}", notes]))
    out.message = notes
    st.log_fetch(inst, got.source, "ok", result=result, last_date=new_last, message=notes)
    return out


def _extend_only(
    st: Store, got: Fetched, key: tuple[str, str], planned: pd.Timestamp | None
) -> None:
    """Drop a fallback's rows up to the store's last date, if another run moved it meanwhile."""
    latest = st.span([key]).get(key, ("", ""))[1]
    if not latest or (planned is not None and pd.Timestamp(latest) <= planned):
        return
    old = got.frame["date"] <= pd.Timestamp(latest)
    got.drop("dates stored meanwhile by another run", int(old.sum()))
    got.frame = got.frame[~old.to_numpy()].reset_index(drop=True)


def _lag_note(instrument: str, latest: pd.Timestamp | None, now: pd.Timestamp) -> str:
    """A note when the upstream's newest row is older than the series' staleness limit."""
    if latest is None:
        return ""
    inst = registry.get(instrument)
    age = (now.tz_localize(None).normalize() - latest).days
    if age <= inst.stale_after_days:
        return ""
    return f"the source's newest row is {latest:%Y-%m-%d} ({age} days old)"


def _write_news(st: Store, fut: Future[tuple[News, float]]) -> SeriesOutcome:
    out = SeriesOutcome(SERIES, "failed", source=SOURCE)
    try:
        got, seconds = fut.result()
    except MetalwatchError as exc:
        out.error, out.message = exc, str(exc)
        return out
    out.seconds = seconds
    try:
        out.added = st.add_news(got.frame)
    except MetalwatchError as exc:
        out.error, out.message = exc, f"{SOURCE} {SERIES}: {exc}"
        return out
    out.status = "ok"
    out.unchanged = got.matched - out.added
    out.message = f"{got.matched} of {got.read} headlines matched the keywords"
    return out


def _load_file(
    st: Store,
    path: str | os.PathLike[str],
    now: pd.Timestamp,
    last_dates: dict[tuple[str, str], str],
    on_done: Callable[[SeriesOutcome], None] | None,
) -> list[SeriesOutcome]:
    """Load one price file; each instrument in it is checked and written on its own."""
    from metalwatch.sources.file_prices import read_prices

    name = f"file:{os.path.basename(os.fspath(path))}"
    try:
        df = read_prices(path)
    except MetalwatchError as exc:
        out = SeriesOutcome(name, "failed", source=name, error=exc, message=str(exc))
        if on_done:
            on_done(out)
        return [out]
    outcomes = []
    for inst, part in df.groupby("instrument", sort=True):
        fetched = Fetched(part.reset_index(drop=True), str(part["source"].iloc[0]))
        job = Job(str(inst), (), None)
        res = _Fetch(job, fetched, None, [Attempt(fetched.source)], 0.0)
        outcomes.append(_write_series(st, res, now, last_dates))
    if on_done:
        for out in outcomes:
            on_done(out)
    return outcomes
