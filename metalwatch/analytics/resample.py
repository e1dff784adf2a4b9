"""Weekly resampling that respects each venue's calendar.

A week ends on Friday and covers Saturday to Friday (the convention of
:mod:`metalwatch.analytics.moves`). A series' weekly close is its last observation in that
window, i.e. its venue's last trading day of the week; a week in which the venue did not trade
is NaN, never forward-filled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch import frame
from metalwatch.errors import InvalidInputError


def as_wide(data: pd.DataFrame, field: str | None = None) -> pd.DataFrame:
    """A dates x series frame from a canonical tidy frame or an already wide one.

    A canonical frame is pivoted with :func:`metalwatch.frame.to_wide` (each instrument's
    registered field unless ``field``); a wide frame must have a DatetimeIndex.
    """
    if set(frame.COLUMNS) <= set(data.columns):
        return frame.to_wide(data, field)
    if not isinstance(data.index, pd.DatetimeIndex):
        raise InvalidInputError("expected a canonical frame or a wide frame with a DatetimeIndex")
    return data


def week_label(dates: pd.Index) -> pd.DatetimeIndex:
    """The Friday ending the Saturday-to-Friday week of each date."""
    dates = pd.DatetimeIndex(dates).normalize()
    return dates + pd.to_timedelta((4 - dates.day_of_week) % 7, unit="D")


def _weekly(wide: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    labels = week_label(wide.index)
    stamp = np.where(wide.notna().to_numpy(), wide.index.to_numpy()[:, None], np.datetime64("NaT"))
    dates = pd.DataFrame(stamp, index=wide.index, columns=wide.columns).astype("datetime64[ns]")
    plain = pd.DataFrame(wide.to_numpy(), index=wide.index, columns=wide.columns)
    closes = plain.groupby(labels).last()
    close_dates = dates.groupby(labels).max()
    counts = plain.groupby(labels).count()
    # consecutive Fridays (the first label is a Friday, so 7-day steps stay on Fridays)
    weeks = pd.date_range(closes.index.min(), closes.index.max(), freq="7D", name="week")
    return (closes.reindex(weeks), close_dates.reindex(weeks), counts.reindex(weeks, fill_value=0))


def weekly_closes(data: pd.DataFrame, field: str | None = None, tidy: bool = False) -> pd.DataFrame:
    """Each series' weekly close on its own venue's calendar.

    Parameters
    ----------
    data
        Canonical tidy frame, or a wide frame (DatetimeIndex x series, NaN where no trading).
    field
        Field to use for a canonical frame (default: each instrument's registered field).
    tidy
        Return long rows instead of a wide frame.

    Returns
    -------
    DataFrame
        Wide: index of consecutive Fridays from the first to the last week with any data, one
        column per series, NaN for a week without trading; ``.attrs['units']`` carried over
        (the trading day of each close is :func:`weekly_close_dates`). Tidy: ``series, week,
        date, value, unit, n_obs`` for weeks with trading only.
    """
    wide = as_wide(data, field)
    units = dict(wide.attrs.get("units", {}))
    if wide.empty:
        empty = pd.DataFrame(index=pd.DatetimeIndex([], name="week"), columns=wide.columns)
        empty.attrs["units"] = units
        return empty
    closes, close_dates, counts = _weekly(wide)
    if tidy:
        long = pd.DataFrame({"value": closes.stack(future_stack=True)})
        long["date"] = close_dates.stack(future_stack=True)
        long["n_obs"] = counts.stack(future_stack=True).astype("int64")
        long = long.dropna(subset=["value"]).rename_axis(["week", "series"]).reset_index()
        long["unit"] = long["series"].map(units).astype("string")
        out = long[["series", "week", "date", "value", "unit", "n_obs"]]
        return out.sort_values(["series", "week"]).reset_index(drop=True)
    closes.attrs["units"] = units
    return closes


def weekly_close_dates(data: pd.DataFrame, field: str | None = None) -> pd.DataFrame:
    """The trading day each weekly close of :func:`weekly_closes` comes from (NaT if none)."""
    wide = as_wide(data, field)
    if wide.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="week"), columns=wide.columns)
    return _weekly(wide)[1]


def weekly_returns(closes: pd.DataFrame) -> pd.DataFrame:
    """Week-over-week log returns of weekly closes, spanning weeks without trading.

    Week W's return is its close against the series' previous weekly close (the last week that
    traded), as :func:`metalwatch.analytics.moves.compute_moves` does; a week without trading
    has NaN. Returns a frame like ``closes`` with ``.attrs['units'] = 'log return'``.
    """
    out = pd.DataFrame(index=closes.index, columns=closes.columns, dtype="float64")
    for col in closes.columns:
        s = closes[col].dropna()
        out[col] = pd.Series(np.log(s / s.shift(1)), index=s.index).reindex(closes.index)
    out.attrs["units"] = "log return"
    return out
