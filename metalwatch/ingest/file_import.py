"""``metalwatch store import``: a canonical CSV into the store, through the update's checks.

The file is read and validated whole (:func:`metalwatch.store.transfer.read_canonical_csv`),
then every instrument in it goes through the checks ``metalwatch update`` runs on a fetched
batch before writing (:mod:`metalwatch.ingest.checks`: the scale check against the stored
history and between consecutive values, the bar check, the overlap check). Rows whose value
is already stored, exactly, are left out of the scale check: they change nothing, so restoring
a store's own export passes whatever its history holds. One failed check refuses the whole file
with a one-line error naming the instrument, date, value and stored level, and nothing is
written. Only then is the file written, one instrument per transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from metalwatch.errors import DataError, InvalidInputError
from metalwatch.ingest.checks import check_bars, check_overlap, check_scale, stored_history
from metalwatch.store import Store, WriteResult
from metalwatch.store.transfer import read_canonical_csv


def check_rows(store: Store, df: pd.DataFrame) -> None:
    """Run the update's pre-write checks on ``df`` (canonical rows of one instrument).

    The scale check sees only the rows whose value is not stored exactly (an unchanged value
    cannot be a unit change); the bar and overlap checks see every row, so values that match
    the stored ones count as matching. Raises :class:`~metalwatch.errors.UnitScaleError` or
    :class:`~metalwatch.errors.SourceFormatError` (both :class:`DataError`), as an update
    would for the same rows.
    """
    old = stored_history(store, df)
    same = df.merge(old, on=["field", "date", "value"], how="left", indicator=True)["_merge"]
    changed = df.loc[(same != "both").to_numpy()].reset_index(drop=True)
    if not changed.empty:
        check_scale(store, changed, old)
    check_bars(df)
    check_overlap(store, df, old)


def import_csv(
    store: Store,
    path: str | os.PathLike[str],
    *,
    on_start: Callable[[int, int], None] | None = None,
    on_commit: Callable[[str, WriteResult], None] | None = None,
) -> WriteResult:
    """Validate and check the whole file, then write it one instrument per transaction.

    A file that fails validation or a check raises a one-line
    :class:`~metalwatch.errors.InvalidInputError` (the check's error is its ``__cause__``)
    and nothing is written; a read-only store raises its
    :class:`~metalwatch.errors.StoreError` before the file is read.

    Parameters
    ----------
    store
        An open store.
    path
        The CSV file (see :mod:`metalwatch.store.transfer` for its layout).
    on_start
        Called as ``on_start(rows, instruments)`` once the file is validated and checked,
        before any write.
    on_commit
        Called as ``on_commit(instrument, result)`` after each instrument's transaction
        commits.
    """
    store.require_writable()
    p = Path(path)
    df = read_canonical_csv(p)
    parts = [
        (str(iid), part.reset_index(drop=True))
        for iid, part in df.groupby("instrument", sort=True, observed=True)
    ]
    for _, part in parts:
        try:
            check_rows(store, part)
        except DataError as exc:
            raise InvalidInputError(f"{p}: {exc}; nothing imported") from exc
    if on_start is not None:
        on_start(len(df), len(parts))
    added = revised = unchanged = 0
    for iid, part in parts:
        res = store.upsert(part, validate=False)
        added, revised, unchanged = (
            added + res.added,
            revised + res.revised,
            unchanged + res.unchanged,
        )
        if on_commit is not None:
            on_commit(iid, res)
    return WriteResult(added, revised, unchanged)
