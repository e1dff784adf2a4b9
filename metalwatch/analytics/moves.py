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


def _pct(now: float, base: float) -> float:
    return (now / base - 1.0) * 100.0 if base and not np.isnan(base) else np.nan


def _last_on_or_before(dates: np.ndarray, ref: np.datetime64) -> int:
    return int(np.searchsorted(dates, ref, side="right")) - 1


def _moves_row(
    inst: registry.Instrument, d: np.ndarray, v: np.ndarray, week: pd.Timestamp
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": inst.name_en,
        "name_zh": inst.name_zh,
        "group": inst.group,
        "kind": inst.kind,
        "venue": inst.venue,
        "unit": inst.unit,
        "currency": inst.currency,
        "field": inst.field,
        "decimals": inst.decimals,
    }
    W = np.datetime64(week, "ns")
    i = _last_on_or_before(d, W)
    if i < 0:
        row.update(status="no data", stale=True)
        return row
    close, close_date = float(v[i]), pd.Timestamp(d[i])
    j = _last_on_or_before(d, W - np.timedelta64(WOW_DAYS, "D"))
    traded_this_week = j < i
    prev = float(v[j]) if j >= 0 and traded_this_week else np.nan
    month_start = np.datetime64(week.replace(day=1), "ns")
    year_start = np.datetime64(week.replace(month=1, day=1), "ns")
    m = int(np.searchsorted(d, month_start, side="left")) - 1
    y = int(np.searchsorted(d, year_start, side="left")) - 1
    lo = int(np.searchsorted(d, W - np.timedelta64(RANGE_DAYS, "D"), side="right"))
    window = v[lo : i + 1]
    stale = (week - close_date).days > inst.stale_after_days
    row.update(
        close=close,
        close_date=close_date,
        prev_close=prev,
        prev_date=pd.Timestamp(d[j]) if j >= 0 and traded_this_week else pd.NaT,
        change=close - prev,
        wow_pct=_pct(close, prev),
        d5_pct=_pct(close, float(v[i - D5_SESSIONS])) if i >= D5_SESSIONS else np.nan,
        d5_date=pd.Timestamp(d[i - D5_SESSIONS]) if i >= D5_SESSIONS else pd.NaT,
        mtd_pct=_pct(close, float(v[m])) if m >= 0 else np.nan,
        mtd_base_date=pd.Timestamp(d[m]) if m >= 0 else pd.NaT,
        ytd_pct=_pct(close, float(v[y])) if y >= 0 else np.nan,
        ytd_base_date=pd.Timestamp(d[y]) if y >= 0 else pd.NaT,
        high_52w=float(window.max()) if window.size else np.nan,
        low_52w=float(window.min()) if window.size else np.nan,
        stale=bool(stale),
        status="stale" if stale else ("no trading this week" if not traded_this_week else "ok"),
    )
    return row


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
    if ids is None:
        ids = sorted(uniques)
    keep = frame.registered_mask(data)
    codes = codes[keep]
    dates = data["date"].to_numpy("datetime64[ns]")[keep]
    values = data["value"].to_numpy("float64")[keep]
    in_order = (codes[1:] > codes[:-1]) | ((codes[1:] == codes[:-1]) & (dates[1:] >= dates[:-1]))
    if not in_order.all():  # the store already returns rows by instrument and date
        order = np.lexsort((dates, codes))
        codes, dates, values = codes[order], dates[order], values[order]
    bounds = np.searchsorted(codes, np.arange(len(uniques) + 1))
    where = {u: (bounds[k], bounds[k + 1]) for k, u in enumerate(uniques)}
    rows = {}
    for iid in ids:
        lo, hi = where.get(iid, (0, 0))
        rows[iid] = _moves_row(reg[iid], dates[lo:hi], values[lo:hi], week)
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=COLUMNS)
    out.index.name = "instrument"
    out.attrs["week"] = week
    return out
