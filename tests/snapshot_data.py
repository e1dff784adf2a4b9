"""The bundled snapshot for tests: raw files read directly, and the library's loaded frames.

Expected values in the analytics tests are computed from :func:`raw`, which reads a snapshot
file with plain pandas and shares no code with ``metalwatch.sources.bundled``; the frames the
code under test receives come from :func:`loaded` (the library's own loader, cached).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

SNAP = Path(__file__).resolve().parents[1] / "metalwatch" / "data" / "snapshot"
#: The shared datasets beside the project (``../shared/data``): the tests that compare the
#: bundled files with them skip where a clone has no such folder beside it.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: The week most tests look at, and CNY=X's close on it (shared/data/yf_fx_alitalbi).
WEEK = pd.Timestamp("2025-12-12")
FX_1212 = 7.057899951934815


@cache
def _file(iid: str) -> pd.DataFrame:
    return pd.read_csv(SNAP / f"{iid}.csv.gz", parse_dates=["date"])


def raw(iid: str, field: str = "close") -> pd.Series:
    """One field of one bundled file as a date-indexed Series named ``iid`` (a fresh copy)."""
    df = _file(iid)
    df = df[df["field"] == field]
    return pd.Series(df["value"].to_numpy(), index=pd.DatetimeIndex(df["date"]), name=iid)


@cache
def _loaded(ids: tuple[str, ...] | None) -> pd.DataFrame:
    from metalwatch.sources import bundled

    return bundled.load(None if ids is None else list(ids))


def loaded(ids: list[str] | None = None) -> pd.DataFrame:
    """``bundled.load(ids)``, cached per id list; a copy, so a test may change it freely."""
    return _loaded(None if ids is None else tuple(ids)).copy()


def analytics_ids() -> list[str]:
    """Every bundled series the analytics consider: reference and equity groups left out."""
    from metalwatch import registry
    from metalwatch.sources import bundled

    reg = registry.all_instruments()
    return [i for i in bundled.available() if reg[i].group not in ("reference", "equity")]


def rows(iid: str, dates: list[str], values: list[float], field: str | None = None):
    """A canonical frame built by hand: ``iid``'s registered field (or ``field``) on ``dates``."""
    from metalwatch import frame, registry

    inst = registry.get(iid)
    return frame.coerce(
        pd.DataFrame(
            {
                "instrument": iid,
                "field": field or inst.field,
                "date": pd.to_datetime(dates),
                "value": values,
                "unit": inst.unit,
                "currency": inst.currency or None,
                "source": "test",
            }
        )
    )
