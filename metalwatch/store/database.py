"""The store: one interface, two backends (an SQLite file, or a PostgreSQL database).

Upserts keep every revision; reads can look at the store as it was at any past moment
(``as_of``). The SQL runs on both engines; what they do differently lives in their backends
(:mod:`metalwatch.store.sqlite`, :mod:`metalwatch.store.postgres`). :class:`Store` is opened
by :mod:`~metalwatch.store.connection`, and reads and writes by
:mod:`~metalwatch.store.reads` and :mod:`~metalwatch.store.writes`.
"""

from __future__ import annotations

import copy

from metalwatch.store.connection import open_backend
from metalwatch.store.point_in_time import DateLike, as_of_text, parse_as_of
from metalwatch.store.reads import StoreReads
from metalwatch.store.writes import CHUNK_ROWS, StoreWrites, WriteResult

__all__ = [
    "CHUNK_ROWS",
    "DateLike",
    "Store",
    "WriteResult",
    "as_of_text",
    "open_backend",
    "parse_as_of",
]


class Store(StoreReads, StoreWrites):
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
