"""Analytics over canonical frames: weeks, moves (and later spreads, statistics)."""

from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.weeks import latest_week, week_ending

__all__ = ["compute_moves", "latest_week", "week_ending"]
