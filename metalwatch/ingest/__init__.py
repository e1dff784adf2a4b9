"""Everything that writes data into the store: ``metalwatch update`` (live sources), the bundled
snapshot (:mod:`.seed`) and price/CSV files (:mod:`.file_import`).

``metalwatch update`` fetches every live series incrementally, fault-isolated.

Per series: a window from the last stored date minus a small overlap (to catch revisions) to
the venue's today; fetch through the series' adapters (primary, then fallbacks); validate
(schema, unit, currency, dates, values); check the scale against the stored history; write in
one transaction of its own; log the attempt in the store's ``fetch_log``. Fetches run in a
bounded thread pool with per-host rate limits; writes stay on the calling thread. One failing
source never stops the others: the run ends with a summary and a non-zero exit if anything
failed.

>>> from metalwatch.ingest import update          # doctest: +SKIP
>>> report = update(["LME.CA.3M", "SHFE.CU"])     # doctest: +SKIP
>>> report.failed                                 # doctest: +SKIP
[]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from metalwatch.ingest.outcome import SeriesOutcome, UpdateReport
    from metalwatch.ingest.runner import update

#: Loaded on first use, so opening a store (``ingest.seed``) does not load every live adapter.
_LAZY = {
    "SeriesOutcome": "metalwatch.ingest.outcome",
    "UpdateReport": "metalwatch.ingest.outcome",
    "update": "metalwatch.ingest.runner",
}

__all__ = ["SeriesOutcome", "UpdateReport", "update"]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'metalwatch.ingest' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
