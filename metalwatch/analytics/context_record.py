"""The shape of a context fact (:data:`FIELDS`) and when it is notable (:data:`THRESHOLDS`)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from metalwatch import registry

FIELDS = [
    "kind",
    "instrument",
    "metal",
    "week",
    "date",
    "value",
    "unit",
    "change",
    "z",
    "percentile",
    "rank_weeks",
    "direction",
    "score",
    "notable",
    "window",
    "sample_start",
    "sample_end",
    "n",
    "detail",
]
# When a fact is ``notable``: the numbers the rules below apply, and the words that state them
# (generated from the same numbers, so the two cannot drift apart).
EXTREME_Z = 2.0
EXTREME_RANK_WEEKS = 26
VOL_PERCENTILE_HIGH, VOL_PERCENTILE_LOW = 90.0, 10.0
TREND_P = 0.01
BETA_CORR = 0.5
INVENTORY_VS_NORM_PCT, INVENTORY_Z = 20.0, 1.5
LEVEL_Z = 2.0
#: Each kind's notability rule in words (the report's appendix and ``.attrs['thresholds']``).
THRESHOLDS = {
    "extreme_move": f"|z| >= {EXTREME_Z:g} or rank_weeks >= {EXTREME_RANK_WEEKS}",
    "volatility": f"percentile >= {VOL_PERCENTILE_HIGH:g} or <= {VOL_PERCENTILE_LOW:g}",
    "trend": f"p < {TREND_P:g}",
    "dollar_beta": f"|corr| >= {BETA_CORR:g}",
    "inventory_vs_norm": f"|vs norm| >= {INVENTORY_VS_NORM_PCT:g} % or |z| >= {INVENTORY_Z:g}",
    "import_window": f"the window opened or closed this week, or |z| >= {LEVEL_Z:g}",
    "gold_premium": f"|z| >= {LEVEL_Z:g}",
    "gold_silver_ratio": f"|z| >= {LEVEL_Z:g}",
    "curve": f"the structure flipped this week, or |z| >= {LEVEL_Z:g}",
}


def record(kind: str, iid: Hashable, week: pd.Timestamp, **kw: Any) -> dict[str, Any]:
    """One fact with every key of :data:`FIELDS` (None where ``kw`` does not set it)."""
    reg = registry.all_instruments()
    iid = str(iid)
    metal = reg[iid].metal if iid in reg else kw.pop("metal", "")
    kw.pop("metal", None)
    rec = dict.fromkeys(FIELDS)
    rec.update(kind=kind, instrument=iid, metal=metal, week=week, **({"detail": {}} | kw))
    rec["detail"] = plain(rec["detail"])
    return rec


def plain(value: Any) -> Any:
    """Python scalars instead of numpy ones, recursively (details read cleanly and serialise)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value.item() if isinstance(value, np.generic) else value
