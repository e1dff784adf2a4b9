"""Weekly records over a series' whole stored history: "the largest weekly gain since <date>".

Weekly moves here follow the weekly moves' definition (:mod:`metalwatch.analytics.moves`): the
last observation on or before each Friday against the last on or before the Friday before. A
record is measured over every week the store holds, never over a look-back window.
"""

from __future__ import annotations

import pandas as pd

from metalwatch.analytics.resample import week_label


def weekly_moves(closes: pd.Series) -> pd.Series:
    """Percent moves between consecutive Friday closes of a daily series (NaN dropped)."""
    s = closes.dropna()
    if s.empty:
        return pd.Series(dtype=float)
    fridays = s.groupby(week_label(s.index)).last()  # the weeks with data, as resample(W-FRI)
    moves: pd.Series = (fridays / fridays.shift(1) - 1.0) * 100.0
    return moves.dropna()


class WeeklyHistory:
    """The weekly moves of every series in long rows (``instrument``, ``date``, ``value``):
    the rows split by series once, each series' moves computed once, when first asked for."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows
        by_series = rows.groupby("instrument", observed=True, sort=False)
        self._at = by_series.indices if len(rows) else {}
        self._moves: dict[str, pd.Series] = {}

    def moves(self, instrument: str) -> pd.Series:
        """:func:`weekly_moves` of ``instrument``'s rows (empty when it has none)."""
        if instrument not in self._moves:
            at = self._at.get(instrument)
            if at is None:
                self._moves[instrument] = pd.Series(dtype=float)
            else:
                rows = self.rows.iloc[at]
                self._moves[instrument] = weekly_moves(rows.set_index("date")["value"])
        return self._moves[instrument]


def last_as_large(moves: pd.Series, week: pd.Timestamp, value: float) -> pd.Timestamp | None:
    """The latest week before ``week`` whose move was at least as large as ``value`` in the same
    direction (a gain at least as big, or a drop at least as deep); None if there is none."""
    before = moves[moves.index < week]
    hit = before[before >= value] if value > 0 else before[before <= value]
    return None if hit.empty else pd.Timestamp(hit.index[-1])
