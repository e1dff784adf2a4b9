"""The bundled snapshot: real history shipped in the package (``scripts/build_snapshot.py``)."""

from __future__ import annotations

import hashlib
import io
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import numpy as np
import pandas as pd

from metalwatch import frame, registry

SOURCE_PREFIX = "bundled"


#: The bundled headlines' file in the package's data folder.
NEWS_FILE = "news.csv.gz"


def data_folder() -> Traversable:
    """The package's data folder (snapshot, provenance, headlines, events, store image)."""
    return resources.files("metalwatch").joinpath("data")


def _snapshot_files() -> dict[str, Traversable]:
    folder = data_folder().joinpath("snapshot")
    suffix = ".csv.gz"
    return {f.name.removesuffix(suffix): f for f in folder.iterdir() if f.name.endswith(suffix)}


def available() -> list[str]:
    """Ids of the instruments that have bundled history."""
    return sorted(_snapshot_files())


@cache
def provenance() -> dict[str, dict[str, Any]]:
    """Provenance per bundled instrument, plus a ``missing`` entry for series with no real data."""
    return tomllib.loads(data_folder().joinpath("provenance.toml").read_text(encoding="utf-8"))


def missing() -> list[str]:
    """Registered ids with no real bundled history."""
    return list(provenance().get("missing", {}).get("instruments", []))


def snapshot_id() -> str:
    """A short hash identifying the bundled snapshot's content."""
    h = hashlib.sha256()
    for name, f in sorted(_snapshot_files().items()):
        h.update(name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def news_id() -> str:
    """A short hash identifying the bundled headlines (empty when there are none)."""
    f = data_folder().joinpath(NEWS_FILE)
    return hashlib.sha256(f.read_bytes()).hexdigest()[:12] if f.is_file() else ""


def load(ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The bundled history as one canonical frame (all instruments, or ``ids``)."""
    parts = list(parts_of(ids))
    if not parts:
        return frame.empty()
    return frame.coerce(pd.concat(parts, ignore_index=True))


def parts_of(ids: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
    """The bundled history one instrument at a time (canonical columns), read lazily."""
    files = _snapshot_files()
    wanted = sorted(files) if ids is None else [i.id for i in registry.resolve(list(ids))]
    prov = provenance()
    for iid in wanted:
        if iid not in files:
            continue
        inst = registry.get(iid)
        part = pd.read_csv(
            io.BytesIO(files[iid].read_bytes()),
            compression="gzip",
            dtype={"field": "string", "value": "float64"},
            parse_dates=["date"],
        )
        if pd.api.types.is_datetime64_dtype(part["date"]):  # else coerce says what is wrong
            part["date"] = part["date"].astype("datetime64[ns]")
        source = f"{SOURCE_PREFIX}:{prov.get(iid, {}).get('dataset', 'snapshot')}"
        n = len(part)
        yield pd.DataFrame(
            {
                "instrument": _repeated(iid, n),
                "field": part["field"],
                "date": part["date"],
                "value": part["value"],
                "unit": _repeated(inst.unit, n),
                "currency": _repeated(inst.currency or None, n),  # "": none, as coerce reads it
                "source": _repeated(source, n),
            }
        )


def _repeated(text: str | None, n: int) -> pd.api.extensions.ExtensionArray:
    """``text`` (None: missing) ``n`` times, as canonical text (no per-row conversion)."""
    return pd.array([text], dtype="string").take(np.zeros(n, dtype=np.intp))


def news() -> pd.DataFrame:
    """Bundled headlines: date, title, source, url."""
    f = data_folder().joinpath(NEWS_FILE)
    if not f.is_file():
        return pd.DataFrame(columns=["date", "title", "source", "url"])
    return pd.read_csv(io.BytesIO(f.read_bytes()), compression="gzip", parse_dates=["date"])
