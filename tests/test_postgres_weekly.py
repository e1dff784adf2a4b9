"""The 2025-12-12 weekly from a PostgreSQL store equals the SQLite one, figure for figure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

import metalwatch as mw
from metalwatch.reporting.layout import HISTORY_DAYS, report_instruments
from metalwatch.reporting.model import build_weekly
from metalwatch.store import Store
from metalwatch.store.week import read_week

WEEK = pd.Timestamp("2025-12-12")
GENERATED = datetime(2025, 12, 12, 18, 0)


def test_weekly_from_postgresql_equals_sqlite(seeded_path: Path, pg_store_url: str) -> None:
    models = {}
    for name, location in (("sqlite", seeded_path), ("postgresql", pg_store_url)):
        with Store(location, read_only=True) as st:
            assert st.backend == name
            data = read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)
        models[name] = (data, build_weekly(data, generated_at=GENERATED))
    (sq_data, sq), (pg_data, pg) = models["sqlite"], models["postgresql"]
    pd.testing.assert_frame_equal(pg_data.observations, sq_data.observations)
    assert pg_data.spans == sq_data.spans
    assert len(sq.figures) > 300
    pd.testing.assert_frame_equal(pg.figures, sq.figures)
    assert pg.key_figures == sq.key_figures


def test_notebook_api_on_postgresql(seeded_path: Path, pg_store_url: str) -> None:
    for fn, kwargs in (
        (mw.prices, {"ids": ["COMEX.GC", "SHFE.CU"], "start": "2025-01-01", "end": "2025-12-12"}),
        (mw.series, {"ids": "LME.CA.3M", "start": "2025-06-01", "end": "2025-12-12"}),
        (mw.moves, {"week": "2025-12-12"}),
    ):
        pd.testing.assert_frame_equal(
            fn(**kwargs, store=pg_store_url),
            fn(**kwargs, store=seeded_path),
        )
