"""China's dated tax rates on metals: VAT and import duty, and the one lookup by date.

A schedule is a tuple of ``(effective date, rate)`` pairs in date order; a rate applies from
its effective date (inclusive) until the next one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Schedule = tuple[tuple[str, float], ...]

#: China's standard VAT rate on goods, by effective date (17 %, 16 % from 2018-05-01,
#: 13 % from 2019-04-01). SHFE prices are VAT-inclusive (含税价).
CN_VAT_SCHEDULE: Schedule = (
    ("1994-01-01", 0.17),
    ("2018-05-01", 0.16),
    ("2019-04-01", 0.13),
)

#: China's import duty on the refined metal, by effective date (MFN / provisional rates):
#: copper cathode 2 % (0 % from Chile), 0 % for all origins from 2008-01-01; unwrought
#: aluminium 5 %, provisional 0 % from 2025-01-01; refined tin 3 %.
DUTY_SCHEDULES: dict[str, Schedule] = {
    "CU": (("1990-01-01", 0.02), ("2008-01-01", 0.0)),
    "AL": (("1990-01-01", 0.05), ("2025-01-01", 0.0)),
    "SN": (("1990-01-01", 0.03),),
}


def dated_rate(schedule: Schedule, dates: pd.Index | pd.Series) -> np.ndarray:
    """The rate in force on each of ``dates`` (NaN before the first effective date)."""
    idx = pd.DatetimeIndex(dates)
    starts = pd.DatetimeIndex([d for d, _ in schedule])
    rates = np.array([r for _, r in schedule], dtype=float)
    pos = starts.searchsorted(idx, side="right") - 1
    return np.where(pos >= 0, rates[np.clip(pos, 0, None)], np.nan)
