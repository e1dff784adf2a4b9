"""Read from the store exactly what weekly moves need, no more."""

from __future__ import annotations

import pandas as pd

from metalwatch import frame, registry
from metalwatch.store import Store

#: Calendar days read back from the week for daily and weekly series: covers the 52-week range
#: and the previous year's last observation (the YTD base) for any week of the year.
LOOKBACK_DAYS = 400


def moves_inputs(store: Store, ids: list[str], week: pd.Timestamp) -> pd.DataFrame:
    """Each instrument's moves field up to ``week``, as a canonical frame.

    Daily and weekly series are read from ``week - LOOKBACK_DAYS``; sparse and monthly series,
    and any series with nothing in that window (a long-dead feed is stale, not missing), are
    read in full.
    """
    reg = registry.all_instruments()
    recent = [i for i in ids if reg[i].cadence in ("daily", "weekly")]
    full = [i for i in ids if i not in recent]
    fields = sorted({reg[i].field for i in ids})
    start = week - pd.Timedelta(days=LOOKBACK_DAYS)
    parts = [store.read(recent, fields=fields, start=start, end=week)] if recent else []
    got = set(parts[0]["instrument"].astype(str)) if parts else set()
    full += [i for i in recent if i not in got]
    if full:
        parts.append(store.read(full, fields=fields, end=week))
    df = pd.concat(parts, ignore_index=True) if parts else frame.empty()
    keep = df["field"].astype(str) == df["instrument"].astype(str).map(
        registry.attribute_map("field")
    )
    return df[keep].reset_index(drop=True)
