"""Seeding a store from the snapshot bundled with the package: an explicit step.

:class:`~metalwatch.store.Store` never writes data when it opens. :func:`open_store` is what
the command line and the notebook API use: it opens the store and, on first use, seeds it
from the bundled snapshot (about 611k rows of real history) so reports work offline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from metalwatch.sources import bundled
from metalwatch.store import Store, WriteResult

#: Meta key holding the snapshot id a store was seeded from ("none": left empty on purpose).
SEEDED_FROM = "seeded_from"
NOT_SEEDED = "none"

StoreArg = Store | str | os.PathLike[str] | None


def seed_store(store: Store) -> WriteResult:
    """Load the bundled history and headlines into ``store`` and record the snapshot id."""
    result = store.upsert(bundled.load(), validate=False)
    store.add_news(bundled.news())
    store.set_meta(SEEDED_FROM, bundled.snapshot_id())
    return result


def open_store(store: StoreArg = None, *, seed: bool = True) -> Store:
    """Open ``store`` (a path, or None for the default) and seed it on first use.

    Parameters
    ----------
    store
        A store file path, or None for ``$METALWATCH_STORE`` / the user data directory. An
        open :class:`Store` is returned as it is.
    seed
        Seed a store that was never seeded (default). ``False`` marks a new store as empty on
        purpose, so later opens leave it empty too.
    """
    st = store if isinstance(store, Store) else Store(store)
    try:
        if st.meta(SEEDED_FROM) is None:
            if seed:
                seed_store(st)
            else:
                st.set_meta(SEEDED_FROM, NOT_SEEDED)
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
