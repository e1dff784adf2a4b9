"""COMEX gold and silver warehouse stocks from Eastmoney through akshare.

``futures_comex_inventory(symbol="黄金"|"白银")`` pages through
``datacenter-web.eastmoney.com/api/data/v1/get`` (report RPT_FUTUOPT_GOLDSIL, 500 rows a
page: one request for the page count, then one per page) and returns 日期,
``COMEX{metal}库存量-吨`` and ``COMEX{metal}库存量-盎司``. akshare's docs swap the two units;
the code maps STORAGE_TON to ``-吨`` (tonnes) and STORAGE_OUNCE to ``-盎司`` (troy ounces).
The registered unit is troy ounces, so the ounce column is stored and the tonne column is used
as a cross-check: if ounces / tonnes is not 32,150.7 (1 t = 32,150.75 ozt) within 2 %, the
units moved and the payload is rejected with :class:`~metalwatch.errors.UnitScaleError`.
No COMEX copper stocks exist in akshare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from metalwatch.errors import UnitScaleError
from metalwatch.measures import TONNE_KG, TROY_OUNCE_KG
from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Fetched, Query

OZ_PER_TONNE = TONNE_KG / TROY_OUNCE_KG
TOLERANCE = 0.02


class ComexInventoryFetcher(AkshareFetcher):
    """COMEX stocks of gold or silver (registry symbol 黄金 or 白银), troy ounces."""

    function = "futures_comex_inventory"
    fields = ("stock",)

    def column_map(self, query: Query) -> Mapping[str, str]:
        return {"日期": "date", f"COMEX{query.symbol}库存量-盎司": "stock"}

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        df = self.payload(query, raw)
        tonnes, ounces = f"COMEX{query.symbol}库存量-吨", f"COMEX{query.symbol}库存量-盎司"
        self.require(df, ["日期", tonnes, ounces], query)
        t = pd.to_numeric(df[tonnes], errors="coerce")
        oz = pd.to_numeric(df[ounces], errors="coerce")
        ratio = (oz / t)[(t > 0) & (oz > 0)]
        if len(ratio) and not np.allclose(ratio.median(), OZ_PER_TONNE, rtol=TOLERANCE):
            raise UnitScaleError(
                f"ounce column / tonne column = {ratio.median():,.1f}, not "
                f"{OZ_PER_TONNE:,.1f}: the units moved upstream",
                series=query.instrument,
                source=self.label,
                field="stock",
                ratio=float(ratio.median() / OZ_PER_TONNE),
            )
        return self.select(df, query, out)
