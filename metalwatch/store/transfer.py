"""Canonical rows as CSV, in and out (backups, hand-kept series, restores): reading and writing.

The CSV layout is the canonical frame: ``instrument, field, date, value`` and optionally
``unit, currency, source``. Units must be the registered ones: a file that mixes units for one
instrument is refused whole, naming the first offending line. Importing a file into a store
runs the update's checks first, so it lives with them:
:func:`metalwatch.ingest.file_import.import_csv`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import DataError, InvalidInputError, OutputError
from metalwatch.store.database import Store

REQUIRED = ("instrument", "field", "date", "value")


def read_canonical_csv(path: str | os.PathLike[str], source: str | None = None) -> pd.DataFrame:
    """Read and validate a canonical CSV; raise a one-line :class:`InvalidInputError` if bad."""
    p = Path(path)
    if p.is_dir():
        raise InvalidInputError(f"{p} is a folder, not a CSV file")
    try:
        with warnings.catch_warnings():
            # a row with more fields than the header would lose data: refuse it
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                              index_col=False)  # fmt: skip
    except FileNotFoundError:
        raise InvalidInputError(f"{p} does not exist") from None
    except OSError as exc:  # a folder named by a race, no permission, an I/O error
        raise InvalidInputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            pd.errors.ParserWarning) as exc:  # fmt: skip
        raise InvalidInputError(f"{p} is not a readable CSV: {str(exc).splitlines()[0]}") from exc
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InvalidInputError(f"{p}: missing column(s) {', '.join(missing)}")
    known = registry.known(raw["instrument"].unique())  # registered, or a futures contract
    unknown = sorted(set(raw["instrument"]) - set(known))
    if unknown:
        line = int(raw.index[raw["instrument"] == unknown[0]][0]) + 2
        raise InvalidInputError(f"{p}:{line}: unknown instrument {unknown[0]!r}")
    want = raw["instrument"].map({iid: inst.unit for iid, inst in known.items()})
    if "unit" in raw.columns:
        bad = (raw["unit"] != "") & (raw["unit"] != want)
        if bad.any():
            i = int(raw.index[bad][0])
            inst = str(raw.at[i, "instrument"])
            raise InvalidInputError(
                f"{p}:{i + 2}: {inst} in {raw.at[i, 'unit']!r}, but it is "
                f"registered in {want[i]!r}; convert the file first (nothing was imported)"
            )
    df = pd.DataFrame(
        {
            "instrument": raw["instrument"],
            "field": raw["field"],
            "date": raw["date"],
            "value": raw["value"],
            "unit": want,
            "currency": raw["instrument"].map({i: inst.currency for i, inst in known.items()}),
            "source": source or (raw["source"] if "source" in raw.columns else f"file:{p.name}"),
        }
    )
    try:
        return frame.validate(df)
    except (InvalidInputError, DataError) as exc:
        raise InvalidInputError(f"{p}: {exc}") from exc


def export_csv(
    store: Store, path: str | os.PathLike[str], instruments: Iterable[str] | None = None
) -> int:
    """Write stored rows (all, or ``instruments``) as a canonical CSV; returns the row count."""
    ids = None if instruments is None else [i.id for i in registry.resolve(list(instruments))]
    df = store.read(ids)
    out = df.assign(date=df["date"].dt.strftime("%Y-%m-%d"))
    p = Path(path)
    try:
        out.to_csv(p, index=False, float_format="%.17g")
    except OSError as exc:
        raise OutputError(f"cannot write {p}: {exc.strerror or exc}") from exc
    return len(out)
