"""Analytics: pure functions of canonical frames (weeks, moves, spreads, units and dated tax
schedules, weekly resampling, statistics, the week's statistical context); none reads the store."""

from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.weeks import latest_week, week_ending

__all__ = ["compute_moves", "latest_week", "week_ending"]
