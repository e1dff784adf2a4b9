"""Futures contracts: the one home of contract ids, the curves metalwatch tracks and expiry rules.

A curve is every listed contract of one exchange product. Its contracts are stored one series
each, under an id that names the contract::

    SHFE.CU.2601     VENUE.PRODUCT.YYMM: SHFE copper, delivery January 2026
    GFEX.LC.2607     GFEX lithium carbonate, delivery July 2026
    SHFE.CU.CURVE    the whole curve: the series ``metalwatch update`` fetches it under

The root (``SHFE.CU``) is the registered main-continuous instrument; a contract and the curve
id take its metal, unit, currency, calendar and decimals, with the field ``settle`` (the
exchange's settlement price). They are not rows of ``instruments.toml`` (contracts list and
expire every month): :func:`metalwatch.registry.get` derives them here.

Last trading day, from each exchange's standard contract (最后交易日):

``shfe``
    SHFE copper, aluminium, zinc, lead, nickel, tin, gold and silver: the 15th of the delivery
    month, moved to the next trading day when the 15th is not one ("合约月份的15日(遇国家法定
    节假日顺延...)"). SHFE may set another day in a Spring Festival month by notice: not modelled.
``gfex``
    GFEX lithium carbonate: the 5th trading day of the delivery month (碳酸锂期货合约).

Trading days are passed in (the exchanges' calendar, see
:func:`metalwatch.sources.futures_calendar.trading_days`); a month the calendar does not cover is
reckoned on weekdays and the expiry is marked estimated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from metalwatch import registry
from metalwatch.errors import InvalidInputError

#: Suffix of the curve id of a root (``SHFE.CU.CURVE``).
CURVE_SUFFIX = "CURVE"
#: ``VENUE.PRODUCT.YYMM``.
CONTRACT_ID = re.compile(r"^(?P<root>[A-Z]+\.[A-Z]+)\.(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))$")
#: Field stored for a contract and read by curves.
FIELD = "settle"


@dataclass(frozen=True)
class Curve:
    """A tracked curve: its root id, the exchange product code and the expiry rule."""

    root: str
    market: str
    product: str
    rule: str
    name_en: str
    name_zh: str


#: Root id -> the curve. The one list of curves metalwatch fetches.
CURVES: dict[str, Curve] = {
    c.root: c
    for c in (
        Curve("SHFE.CU", "SHFE", "CU", "shfe", "SHFE copper", "沪铜"),
        Curve("SHFE.AL", "SHFE", "AL", "shfe", "SHFE aluminium", "沪铝"),
        Curve("SHFE.ZN", "SHFE", "ZN", "shfe", "SHFE zinc", "沪锌"),
        Curve("SHFE.PB", "SHFE", "PB", "shfe", "SHFE lead", "沪铅"),
        Curve("SHFE.NI", "SHFE", "NI", "shfe", "SHFE nickel", "沪镍"),
        Curve("SHFE.SN", "SHFE", "SN", "shfe", "SHFE tin", "沪锡"),
        Curve("SHFE.AU", "SHFE", "AU", "shfe", "SHFE gold", "沪金"),
        Curve("SHFE.AG", "SHFE", "AG", "shfe", "SHFE silver", "沪银"),
        Curve("GFEX.LC", "GFEX", "LC", "gfex", "GFEX lithium carbonate", "碳酸锂"),
    )
}
#: Expiry rule -> (day of the month, counted in trading days?). ``shfe``: the 15th calendar
#: day, else the next trading day; ``gfex``: the 5th trading day.
RULES: dict[str, tuple[int, bool]] = {"shfe": (15, False), "gfex": (5, True)}


def contract_id(root: str, yymm: str) -> str:
    """``SHFE.CU`` + ``2601`` -> ``SHFE.CU.2601``."""
    return f"{root}.{yymm}"


def curve_id(root: str) -> str:
    """The id a curve is fetched under: ``SHFE.CU.CURVE``."""
    return f"{root}.{CURVE_SUFFIX}"


def parse(instrument: str) -> tuple[Curve, str] | None:
    """The curve and ``YYMM`` of a contract id, or None if it is not one of a tracked curve."""
    m = CONTRACT_ID.match(instrument)
    if m is None or m["root"] not in CURVES:
        return None
    return CURVES[m["root"]], m["yymm"]


def curve_of(instrument: str) -> Curve:
    """The curve named by a root (``SHFE.CU``) or curve id (``SHFE.CU.CURVE``).

    Raises
    ------
    InvalidInputError
        No tracked curve has that root; the message lists the curves.
    """
    root = instrument.removesuffix(f".{CURVE_SUFFIX}")
    if root not in CURVES:
        raise InvalidInputError(
            f"no futures curve for {instrument[:40]!r} (curves: {', '.join(CURVES)})"
        )
    return CURVES[root]


def last_stored(instrument: str, field: str, last_dates: dict[tuple[str, str], str]) -> str | None:
    """The last stored date of ``(instrument, field)``; for a curve id (``SHFE.CU.CURVE``), the
    latest of its contracts' (the curve itself holds no rows)."""
    if (instrument, field) in last_dates or not instrument.endswith(f".{CURVE_SUFFIX}"):
        return last_dates.get((instrument, field))
    root = instrument.removesuffix(f".{CURVE_SUFFIX}")
    held = [
        day
        for (iid, fld), day in last_dates.items()
        if fld == field and iid.startswith(f"{root}.") and parse(iid) is not None
    ]
    return max(held) if held else None


def instrument(instrument_id: str) -> registry.Instrument | None:
    """The derived registry entry of a contract or curve id, or None if it is neither."""
    if instrument_id.endswith(f".{CURVE_SUFFIX}"):
        root = instrument_id.removesuffix(f".{CURVE_SUFFIX}")
        if root not in CURVES:
            return None
        curve, label_en, label_zh = (
            CURVES[root],
            "futures curve (every listed contract)",
            "期货曲线",
        )
        sources = {"akshare": f"get_futures_daily:{curve.product}"}
    else:
        parsed = parse(instrument_id)
        if parsed is None:
            return None
        curve, yymm = parsed
        label_en, label_zh, sources = f"futures {yymm}", yymm, {}
    base = registry.all_instruments()[curve.root]
    return replace(
        base,
        id=instrument_id,
        name_en=f"{curve.name_en} {label_en}",
        name_zh=f"{curve.name_zh}{label_zh}",
        kind="price",
        group="reference",
        field=FIELD,
        cadence="daily",
        sources=sources,
    )


def expiry(contract: str, trading_days: pd.DatetimeIndex) -> tuple[pd.Timestamp, bool]:
    """Last trading day of a contract by its exchange's rule, and whether it is estimated.

    Parameters
    ----------
    contract
        A contract id (``SHFE.CU.2601``).
    trading_days
        The exchange's trading days (sorted); a delivery month past their end, or before their
        start, is reckoned on weekdays and the result marked estimated (True).

    >>> days = pd.bdate_range("2026-01-01", "2026-12-31")
    >>> expiry("SHFE.CU.2602", days.drop(pd.Timestamp("2026-02-16")))
    (Timestamp('2026-02-17 00:00:00'), False)
    """
    parsed = parse(contract)
    if parsed is None:
        raise InvalidInputError(f"{contract[:40]!r} is not a contract id (VENUE.PRODUCT.YYMM)")
    curve, yymm = parsed
    first = pd.Timestamp(year=2000 + int(yymm[:2]), month=int(yymm[2:]), day=1)
    last = first + pd.offsets.MonthEnd(0)
    covered = len(trading_days) > 0 and trading_days[0] <= first and trading_days[-1] >= last
    days = trading_days if covered else pd.bdate_range(first, last)
    month = days[(days >= first) & (days <= last)]
    nth, counted = RULES[curve.rule]
    if counted:
        return pd.Timestamp(month[nth - 1]), not covered
    on_or_after = month[month >= first + pd.Timedelta(days=nth - 1)]
    return pd.Timestamp(on_or_after[0]), not covered
