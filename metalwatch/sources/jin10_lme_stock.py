"""LME warehouse stocks from Jin10 through akshare's ``macro_euro_lme_stock()``.

One JSON body (``cdn.jin10.com/data_center/reports/lme_stock.json``, history from
2014-07-02) serves every metal, so it is fetched once per run and shared. akshare returns
``日期`` (a string) and, per metal, ``{metal}-库存`` (total stock), ``{metal}-注册仓单``
(live warrants) and ``{metal}-注销仓单`` (cancelled warrants), all in tonnes; column order
follows the body's key order, which varies, so columns are picked by name. Null entries in
the body become NaN and are counted, not stored. Cancelled warrants have no canonical field
and are not stored.

akshare reads each ``[stock, live, cancelled]`` cell with ``eval(str(cell))``: a string in
the body would run as Python code, and a metal absent on one date (``nan``) or sent as a
JSON ``null`` (``None``) breaks the whole parse, for every metal. :func:`_safe_eval`
replaces that ``eval`` in akshare's module: literals only, and an absent metal reads as three
missing values.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from metalwatch.sources.akshare_fetcher import AkshareFetcher
from metalwatch.sources.base import Query
from metalwatch.sources.cache import Key


class LmeStockFetcher(AkshareFetcher):
    """LME stocks of one metal (registry symbol: 铜, 铝, 锡, 镍, 锌 or 铅)."""

    function = "macro_euro_lme_stock"
    fields = ("stock", "registered")

    def cache_key(self, query: Query) -> Key:
        return (self.function,)

    def fetch_raw(self, query: Query) -> Any:
        import akshare as ak

        _disarm(ak.macro_euro_lme_stock)
        return ak.macro_euro_lme_stock()

    def column_map(self, query: Query) -> Mapping[str, str]:
        metal = query.symbol
        return {"日期": "date", f"{metal}-库存": "stock", f"{metal}-注册仓单": "registered"}


#: What ``str(cell)`` gives for a metal absent on a date: a missing key (``nan``) or a JSON
#: ``null`` for the whole cell (``None``).
_ABSENT = frozenset({"nan", "None", "null"})


def _safe_eval(text: str) -> Any:
    """What akshare's ``eval(str(cell))`` should be: a literal, never code.

    A metal absent on a date, or sent as ``null``, reads as three missing values; a short
    list is padded with missing values, so one metal's gap never breaks the others.
    """
    if text.strip() in _ABSENT:
        return (None, None, None)
    value = ast.literal_eval(text)
    if not isinstance(value, (list, tuple)):
        return (None, None, None)
    return tuple(value) + (None,) * (3 - len(value))


def _disarm(function: Any) -> None:
    """Point the ``eval`` of ``function``'s module at :func:`_safe_eval` (idempotent)."""
    function.__globals__["eval"] = _safe_eval
