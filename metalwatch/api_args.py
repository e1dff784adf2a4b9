"""What the notebook API's functions take: instrument ids (:data:`Ids`), dates
(:data:`DateArg`) read into timestamps with a one-line error, and the spans of the market
series a week is resolved against. Shared by :mod:`metalwatch.api`,
:mod:`metalwatch.week_api`, :mod:`metalwatch.quant` and :mod:`metalwatch.studies`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from metalwatch.analytics import weeks
from metalwatch.dates import parse_date
from metalwatch.store import Store, parse_as_of

Ids = str | Iterable[str]
DateArg = str | pd.Timestamp | None


def date_arg(value: DateArg, what: str = "date") -> pd.Timestamp | None:
    """``value`` as a day (None stays None), or a one-line :class:`InvalidInputError` naming
    ``what``."""
    return None if value is None else parse_date(value, what)


def as_of_arg(value: DateArg) -> pd.Timestamp | None:
    """``value`` as a moment in UTC (None stays None): the store as it was then."""
    return None if value is None else parse_as_of(value, "as_of")


def market_spans(st: Store) -> list[tuple[str, str]]:
    """First and last stored date of the market series a week is resolved against."""
    from metalwatch.store.week import market_spans as spans

    return spans(st, weeks.MARKET_GROUPS)
