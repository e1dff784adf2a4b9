"""Seeding a store from the snapshot bundled with the package, and upgrading it: explicit steps.

:class:`~metalwatch.store.Store` never writes data when it opens. :func:`open_store` is what
the command line and the notebook API use: it opens the store and brings it to the bundled
snapshot. On first use that seeds it (about 611k rows of real history) so reports work
offline; after a package upgrade that ships a newer snapshot it applies the new snapshot:

- rows the store does not have are added;
- bundled values the new snapshot corrects are revised (the old value kept in ``revisions``);
- a value written by anything else (a live update, an import) is never overwritten, even if
  the snapshot has another value for its date: it is kept and counted as "kept".

The bundled events (``metalwatch/data/events.csv``) go in the same way: new ones added, a
bundled event the package corrects gets a new version, one an analyst revised is kept. Their
id is stored apart (meta ``events_from``), so a store of an older schema, upgraded on open,
gets them even when its price snapshot is current.

A new SQLite store is not seeded row by row when the package carries a current store image
(:data:`IMAGE_FILE`, built by ``scripts/build_store_image.py`` from the same snapshot, events
and headlines): it starts as a copy of it (:mod:`metalwatch.store.image`), which holds what
seeding would write, in about a tenth of the time.

The snapshot's id is stored in the meta key ``seeded_from``; a store whose id is the
package's is left alone after one indexed read and a comparison (the package's id is hashed
once per process). Applying a snapshot is one transaction: two processes opening an old
store at once apply it once, and a killed one applies nothing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import IO

from metalwatch.event import Event
from metalwatch.ingest.event_import import parse_events_csv
from metalwatch.sources import bundled
from metalwatch.store import EventWrite, Store, WriteResult
from metalwatch.store.schema import SCHEMA_VERSION

#: Meta key holding the snapshot id a store was seeded from ("none": left empty on purpose).
SEEDED_FROM = "seeded_from"
NOT_SEEDED = "none"
#: Meta key describing the last time a snapshot was applied (when, from which id, counts).
SNAPSHOT_APPLIED = "snapshot_applied"
#: Stored rows whose source starts with this may be revised by a newer snapshot.
BUNDLED_SOURCE = f"{bundled.SOURCE_PREFIX}:"

#: Meta key holding the id of the bundled events a store holds.
EVENTS_FROM = "events_from"
#: The origin stored with the bundled events (a newer package may revise only these).
BUNDLED_EVENTS = "bundled"
#: The bundled events' file in the package's data folder.
EVENTS_FILE = "events.csv"

#: The bundled store image (xz) and the file holding its id (:func:`package_image_id`).
IMAGE_FILE = "store-image.sqlite.xz"
IMAGE_ID_FILE = "store-image.id"

StoreArg = Store | str | os.PathLike[str] | None


@cache
def package_snapshot_id() -> str:
    """The id of the snapshot bundled with this package (hashed once per process)."""
    return bundled.snapshot_id()


def _events_bytes() -> bytes:
    f = bundled.data_folder().joinpath(EVENTS_FILE)
    return f.read_bytes() if f.is_file() else b""


@cache
def package_events_id() -> str:
    """The id of the events bundled with this package (a hash of their file, once per process)."""
    return hashlib.sha256(_events_bytes()).hexdigest()[:12]


@cache
def package_image_id() -> str:
    """The id a current store image carries: a hash of the snapshot's, the events' and the
    headlines' ids and the schema version (once per process)."""
    parts = (package_snapshot_id(), package_events_id(), bundled.news_id(), str(SCHEMA_VERSION))
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:12]


def bundled_image() -> IO[bytes] | None:
    """The bundled store image, opened (xz), if the package has one built from its own
    snapshot, events and headlines; else None (a new store is then seeded row by row)."""
    data = bundled.data_folder()
    image, stamp = data.joinpath(IMAGE_FILE), data.joinpath(IMAGE_ID_FILE)
    try:
        if stamp.read_text(encoding="ascii").strip() != package_image_id():
            return None
        return image.open("rb")
    except (OSError, UnicodeDecodeError):  # no image, or an unreadable id: seed row by row
        return None


def bundled_events() -> list[Event]:
    """The events bundled with this package (validated as any imported file), oldest first."""
    data = _events_bytes()
    return parse_events_csv(data, EVENTS_FILE) if data else []


def apply_events(store: Store) -> EventWrite | None:
    """Add the bundled events to ``store`` unless it holds them already (one transaction).

    Returns None when the store's ``events_from`` is already the package's.
    """
    store.require_writable()
    new_id, events = package_events_id(), bundled_events()
    with store.transaction():
        store.lock("snapshot")
        if store.meta(EVENTS_FROM) == new_id:
            return None
        result = store.add_events(events, origin=BUNDLED_EVENTS, revise_only=BUNDLED_EVENTS)
        store.set_meta(EVENTS_FROM, new_id)
    return result


@dataclass(frozen=True)
class SnapshotStatus:
    """Which bundled snapshot a store holds, against the package's.

    Attributes
    ----------
    stored
        The store's ``seeded_from``: a snapshot id, ``"none"`` (left empty on purpose) or
        None (never seeded).
    package
        The id of the snapshot bundled with this package.
    applied
        When the store's snapshot was last applied and what it did (None if not recorded).
    """

    stored: str | None
    package: str
    applied: str | None = None

    @property
    def current(self) -> bool:
        """True when the store holds the package's snapshot."""
        return self.stored == self.package


def snapshot_status(store: Store) -> SnapshotStatus:
    """The store's snapshot id, the package's, and the last application recorded."""
    return SnapshotStatus(
        store.meta(SEEDED_FROM), package_snapshot_id(), store.meta(SNAPSHOT_APPLIED)
    )


def apply_snapshot(store: Store) -> WriteResult | None:
    """Bring ``store`` to the bundled snapshot: seed it, or upgrade it from an older snapshot.

    One transaction: new rows are added, bundled values the snapshot changes are revised
    (kept in ``revisions``), values from any other source are kept (``WriteResult.kept``),
    headlines and the bundled events (:func:`apply_events`) are added, and the new id is
    recorded. The store's id is read under the write lock: if another process applied the
    snapshot meanwhile, nothing is done and None is returned. The snapshot is then streamed
    one instrument's file at a time, so memory stays bounded whatever its size.

    Parameters
    ----------
    store
        An open, writable store.
    """
    store.require_writable()
    new_id = package_snapshot_id()
    news = bundled.news()
    with store.transaction():
        store.lock("snapshot")  # PostgreSQL: a second process waits here, then sees the new id
        old_id = store.meta(SEEDED_FROM)
        if old_id == new_id:
            return None
        # one instrument's file at a time: memory stays bounded whatever the snapshot's size
        result = store.upsert_chunks(bundled.parts_of(), validate=False, revise_only=BUNDLED_SOURCE)
        store.add_news(news)
        apply_events(store)
        store.set_meta(SEEDED_FROM, new_id)
        done = datetime.now(UTC).isoformat(timespec="seconds")
        store.set_meta(SNAPSHOT_APPLIED, applied_note(done, new_id, old_id, result))
    return result


def applied_note(done: str, new_id: str, old_id: str | None, result: WriteResult) -> str:
    """The ``snapshot_applied`` meta value: when, which snapshot over which, and the counts."""
    return (
        f"{done}: {new_id} over {old_id or 'an unseeded store'}: {result.added} added, "
        f"{result.revised} revised, {result.kept} kept (written by other sources)"
    )


def seed_store(store: Store) -> WriteResult:
    """Load the bundled history and headlines into ``store`` and record the snapshot id.

    The same as :func:`apply_snapshot`; a store that already holds the package's snapshot is
    left as it is (all its rows counted unchanged).
    """
    result = apply_snapshot(store)
    return WriteResult(0, 0, 0) if result is None else result


def open_store(store: StoreArg = None, *, seed: bool = True) -> Store:
    """Open ``store`` (a path or URL, or None for the default) and bring it to the snapshot.

    A store opened read-only (see :class:`Store`) is read as it is: nothing is seeded or
    upgraded, and ``metalwatch store info`` tells whether its snapshot is current.

    Parameters
    ----------
    store
        A store file path or ``postgresql://`` URL, or None for ``$METALWATCH_STORE`` / the
        user data directory. An open :class:`Store` is returned as it is.
    seed
        Seed a store that was never seeded (a new SQLite file starts as a copy of the bundled
        store image, :func:`bundled_image`), and apply a newer bundled snapshot to one seeded
        from an older one (default). ``False`` marks a new store as empty on purpose, so later
        opens leave it empty too, and leaves a seeded store's snapshot as it is.
    """
    st = (
        store
        if isinstance(store, Store)
        else Store(store, start_from=bundled_image if seed else None)
    )
    try:
        if not st.read_only:
            stored = st.meta(SEEDED_FROM)
            if stored is None and not seed:
                st.set_meta(SEEDED_FROM, NOT_SEEDED)
            elif seed and stored != NOT_SEEDED and stored != package_snapshot_id():
                apply_snapshot(st)
            elif seed and stored != NOT_SEEDED and st.meta(EVENTS_FROM) != package_events_id():
                apply_events(st)
    except BaseException:
        if st is not store:
            st.close()
        raise
    return st


@contextmanager
def opened(store: StoreArg = None) -> Iterator[Store]:
    """``with opened(x) as st``: an open :class:`Store` for ``x``, closed after if opened here."""
    if isinstance(store, Store):
        yield store
        return
    st = open_store(store)
    try:
        yield st
    finally:
        st.close()
