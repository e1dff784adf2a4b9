"""Weekly moves per instrument: close, WoW, 5-day, MTD, YTD, 52-week range, staleness.

Every figure is taken from the series' own observations (its venue's trading days): the close
of week W is the last observation on or before W, and each base is the last observation on or
before its reference date. Nothing is forward-filled; a base that does not exist gives NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metalwatch import frame, registry

COLUMNS = [
    "name",
    "name_zh",
    "group",
    "kind",
    "venue",
    "unit",
    "currency",
    "field",
    "decimals",
    "close",
    "close_date",
    "prev_close",
    "prev_date",
    "change",
    "wow_pct",
    "d5_pct",
    "d5_date",
    "mtd_pct",
    "mtd_base_date",
    "ytd_pct",
    "ytd_base_date",
    "high_52w",
    "low_52w",
    "stale",
    "status",
]
#: The registry attribute of each descriptive column whose name differs.
ATTRIBUTES = {"name": "name_en"}


#: The weekly change compares with the last observation on or before the Friday this many days
#: earlier; the 5-day change with the observation this many sessions back; the 52-week range
#: spans the observations after the day this many days before the week.
WOW_DAYS = 7
D5_SESSIONS = 5
RANGE_DAYS = 364
#: Calendar days of a daily series every figure above can need: the 52-week range and the
#: previous year's last close (YTD base) of a week at the year's end, with a holiday margin.
LOOKBACK_DAYS = 400

#: How each figure is computed, as printed in the data appendix. ``{field}``, ``{week}``,
#: ``{date}`` (the close's date), ``{prev_week}`` and ``{base}`` (the base's date) are filled in
#: per figure; the numbers come from the constants the code below applies.
FORMULAS = {
    "close": "last observation of {field} on or before {week} ({date})",
    "wow_pct": "close / last observation on or before {prev_week} ({base}) - 1",
    "d5_pct": f"close / observation {D5_SESSIONS} trading days back ({{base}}) - 1",
    "mtd_pct": "close / previous month's last observation ({base}) - 1",
    "ytd_pct": "close / previous year's last observation ({base}) - 1",
    "change": "close - last observation on or before {prev_week} ({base})",
    "high_52w": f"highest {{field}} over the {RANGE_DAYS} days to {{week}}",
    "low_52w": f"lowest {{field}} over the {RANGE_DAYS} days to {{week}}",
}
#: The column holding the date of each figure's base observation.
BASE_DATES = {
    "wow_pct": "prev_date",
    "change": "prev_date",
    "d5_pct": "d5_date",
    "mtd_pct": "mtd_base_date",
    "ytd_pct": "ytd_base_date",
}


def formula(metric: str, row: pd.Series, week: pd.Timestamp) -> str:
    """The appendix formula of one moves figure of ``row`` (a row of :func:`compute_moves`)."""
    base = row[BASE_DATES[metric]] if metric in BASE_DATES else None

    def day(value: Any) -> str:
        return "—" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"

    return FORMULAS[metric].format(
        field=row["field"],
        week=day(week),
        date=day(row["close_date"]),
        prev_week=day(week - pd.Timedelta(days=WOW_DAYS)),
        base=day(base),
    )


def _pct(now: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((base != 0) & ~np.isnan(base), (now / base - 1.0) * 100.0, np.nan)


class _Rows:
    """Observations sorted by (instrument, date), searched for every instrument at once.

    Each row gets the key ``code * (days + 1) + rank of its date``, so one ``searchsorted``
    over the keys finds, for every instrument, its last row on or before (or before) a date.
    """

    def __init__(self, codes: np.ndarray, dates: np.ndarray, values: np.ndarray) -> None:
        self.dates, self.values = dates, values
        self.days, rank = np.unique(dates, return_inverse=True)
        self.stride = len(self.days) + 1
        self.keys = codes.astype(np.int64) * self.stride + rank.astype(np.int64)

    def last(self, code: np.ndarray, ref: np.datetime64, side: str = "right") -> np.ndarray:
        """Row of each ``code``'s last date ``<= ref`` (``side="right"``) or ``< ref``
        (``"left"``); below the code's first row when there is none."""
        r = int(np.searchsorted(self.days, ref, side=side)) - 1  # type: ignore[call-overload]
        return np.searchsorted(self.keys, code * self.stride + r, side="right") - 1

    def take(self, row: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and dates of ``row`` where ``ok``, NaN and NaT elsewhere."""
        if not len(self.values):
            return np.full(len(row), np.nan), np.full(len(row), np.datetime64("NaT", "ns"))
        at = np.where(ok, row, 0)
        values = np.where(ok, self.values[at], np.nan)
        return values, np.where(ok, self.dates[at], np.datetime64("NaT", "ns"))


def _moves_columns(
    rows: _Rows, code: np.ndarray, lo: np.ndarray, week: pd.Timestamp
) -> dict[str, np.ndarray]:
    """The figures of every instrument (``code``: its rows start at ``lo``; -1: no rows)."""
    W = np.datetime64(week, "ns")
    i = rows.last(code, W)
    has = (code >= 0) & (i >= lo)
    close, close_date = rows.take(i, has)
    j = rows.last(code, W - np.timedelta64(WOW_DAYS, "D"))
    traded = has & (j < i)
    prev, prev_date = rows.take(j, traded & (j >= lo))
    d5, d5_date = rows.take(i - D5_SESSIONS, has & (i - D5_SESSIONS >= lo))
    m = rows.last(code, np.datetime64(week.replace(day=1), "ns"), side="left")
    mtd, mtd_date = rows.take(m, has & (m >= lo))
    y = rows.last(code, np.datetime64(week.replace(month=1, day=1), "ns"), side="left")
    ytd, ytd_date = rows.take(y, has & (y >= lo))
    first = rows.last(code, W - np.timedelta64(RANGE_DAYS, "D")) + 1
    high, low = np.full(len(code), np.nan), np.full(len(code), np.nan)
    ok = np.flatnonzero(has & (first <= i))
    if ok.size:  # each window is rows first..i: reduce every [first, i + 1) pair at once
        bounds = np.column_stack([first[ok], i[ok] + 1]).ravel()
        padded = np.append(rows.values, np.nan)  # so i + 1 is a valid index at the very end
        high[ok] = np.maximum.reduceat(padded, bounds)[::2]
        low[ok] = np.minimum.reduceat(padded, bounds)[::2]
    with np.errstate(invalid="ignore"):  # NaT: no close
        age: np.ndarray = (W - close_date) // np.timedelta64(1, "D")  # type: ignore[operator]
    return {
        "close": close,
        "close_date": close_date,
        "prev_close": prev,
        "prev_date": prev_date,
        "change": close - prev,
        "wow_pct": _pct(close, prev),
        "d5_pct": _pct(close, d5),
        "d5_date": d5_date,
        "mtd_pct": _pct(close, mtd),
        "mtd_base_date": mtd_date,
        "ytd_pct": _pct(close, ytd),
        "ytd_base_date": ytd_date,
        "high_52w": high,
        "low_52w": low,
        "age": age,
        "has": has,
        "traded": traded,
    }


def compute_moves(
    data: pd.DataFrame, week: pd.Timestamp, ids: list[str] | None = None
) -> pd.DataFrame:
    """Moves for the week ending ``week``, one row per instrument.

    Parameters
    ----------
    data
        Canonical frame holding (at least) each instrument's registered moves field.
    week
        The week's Friday.
    ids
        Instruments to report (default: every instrument present in ``data``). An id with no
        data gets a row with status ``"no data"``.

    Returns
    -------
    DataFrame
        Indexed by instrument; percent columns are in percent (1.5 means +1.5 %); ``change`` is
        in the instrument's unit (tonnes for inventories).
    """
    reg = registry.all_instruments()
    codes, found = pd.factorize(data["instrument"].to_numpy(dtype=object))
    uniques = [str(u) for u in found]
    ids = list(dict.fromkeys(sorted(uniques) if ids is None else ids))
    insts = [reg[iid] for iid in ids]
    keep = frame.registered_mask(data)
    codes = codes[keep]
    dates = data["date"].to_numpy("datetime64[ns]")[keep]
    values = data["value"].to_numpy("float64")[keep]
    in_order = (codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (dates[1:] >= dates[:-1]))
    if not in_order.all():  # the store already returns rows by instrument and date
        order = np.lexsort((dates, codes))
        codes, dates, values = codes[order], dates[order], values[order]
    index = {u: k for k, u in enumerate(uniques)}
    code = np.array([index.get(iid, -1) for iid in ids], dtype=np.int64)
    lo = np.searchsorted(codes, code, side="left")
    got = _moves_columns(_Rows(codes, dates, values), code, lo, week)
    has, traded = got.pop("has"), got.pop("traded")
    stale = ~has | (got.pop("age") > np.array([x.stale_after_days for x in insts]))
    status = np.where(stale, "stale", np.where(traded, "ok", "no trading this week"))
    columns: dict[str, Any] = {
        c: [getattr(x, ATTRIBUTES.get(c, c)) for x in insts] for c in COLUMNS[:9]
    }
    columns.update(got, stale=stale, status=np.where(has, status, "no data").tolist())
    out = pd.DataFrame(columns, index=pd.Index(ids, name="instrument"), columns=COLUMNS)
    out.attrs["week"] = week
    return out
