"""The weekly reads whole histories only where it states records or positioning (issue 13): the
series of ``METAL_SERIES`` ("its largest weekly drop since 2011-09-23") and the CFTC reports of
``POSITIONING``, not every registered price, so a desk with 10x the series does not read 10x the
years. The weekly built from those reads is the weekly built from every history.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pandas as pd
import pytest

from metalwatch import weekly
from metalwatch.publish.edition import build
from metalwatch.reporting import build_weekly, templates
from metalwatch.reporting.layout import (
    HISTORY_DAYS,
    positioned_instruments,
    record_instruments,
    report_instruments,
)
from metalwatch.store import Store
from metalwatch.store import week as store_week
from metalwatch.store.week import read_week

#: A week whose prose states records reaching back years (checked below).
WEEK = pd.Timestamp("2020-03-20")
GENERATED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def reads(tmp_path_factory, seeded_path):
    path = tmp_path_factory.mktemp("reads") / "s.sqlite"
    shutil.copyfile(seeded_path, path)
    with Store(path) as st:
        everything = read_week(st, WEEK, report_instruments(), history_days=HISTORY_DAYS)
        named = read_week(
            st,
            WEEK,
            report_instruments(),
            history_days=HISTORY_DAYS,
            records=record_instruments(),
            positioned=positioned_instruments(),
        )
    return everything, named


def test_only_the_named_series_are_read_in_full(reads):
    everything, named = reads
    read = set(named.history["instrument"].astype(str))
    assert {"COMEX.GC", "SHFE.AU", "COMEX.SI", "LME.CA.3M", "SHFE.CU"} <= read
    assert read <= set(record_instruments())  # the daily ones with history by the week
    assert set(everything.history["instrument"].astype(str)) - read  # LBMA, SGE, LME cash...
    assert len(named.history) < len(everything.history) * 0.7
    assert set(named.positions["instrument"].astype(str)) == set(positioned_instruments())
    gold = named.history[named.history["instrument"] == "COMEX.GC"]
    assert gold["date"].min() < pd.Timestamp("2001-01-01")  # whole history, not the window
    assert named.observations.equals(everything.observations)


def test_the_weekly_from_the_named_reads_is_the_weekly_from_every_history(reads):
    everything, named = reads
    pages = []
    for data in (everything, named):
        model = build_weekly(data, lang="en", generated_at=GENERATED)
        pages.append(templates.render_html(model))
    assert "largest weekly drop since 2011-09-23" in pages[1]
    assert pages[0] == pages[1]


def test_the_weekly_passes_the_named_series(store_path, tmp_path, monkeypatch: pytest.MonkeyPatch):
    seen = {}
    real = store_week.read_week

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(store_week, "read_week", spy)
    weekly.write("2025-12-12", format="html", output=tmp_path / "w.html", store=store_path)
    assert seen["records"] == record_instruments()
    assert seen["positioned"] == positioned_instruments()
    seen.clear()
    build("2025-12-12", langs=["en"], store=store_path)  # an edition reads the same
    assert seen["records"] == record_instruments()
    assert seen["positioned"] == positioned_instruments()
