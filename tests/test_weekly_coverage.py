"""What a weekly covers: the series its layout shows and the watch lists' equities, nothing else.

A registered series the weekly shows nowhere is neither read nor listed in the data status and
sources (issue 13: at 10x the series registered the appendix grew from 2 to 21 pages of series
no table, chart or paragraph printed).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pandas as pd
import pytest

from metalwatch import frame, registry, weekly
from metalwatch.reporting import layout
from metalwatch.reporting.model import build_weekly
from metalwatch.reporting.templates import render_html
from metalwatch.store import Store

WEEK = pd.Timestamp("2025-12-12")
GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
#: A copy of a shown series under an id no layout list names.
CLONE = "Z1.LME.CA.3M"


def test_the_weekly_covers_every_series_its_tables_name_and_the_watch_lists() -> None:
    ids = layout.report_instruments()
    for shown in (layout.PRECIOUS, layout.INVENTORY, layout.SPOT, layout.VALUATION, layout.MACRO):
        assert set(shown) <= set(ids)
    assert {"SSE.600547", "SZSE.000960", "SSE.600111"} <= set(ids)  # default watch lists
    assert "NYSE.MP" not in ids  # registered, on no default watch list
    assert "WB.CU" not in ids  # the monthly reference group is never a market series
    assert ids == [i for i in registry.market_ids() if i in set(ids)]  # registry order
    assert "NYSE.MP" in layout.report_instruments({"rare earths": ["NYSE.MP"]})
    assert "SSE.600547" not in layout.report_instruments({"rare earths": ["NYSE.MP"]})


def _register_clone(store_path, monkeypatch) -> None:
    """Register CLONE (for this test) and store LME.CA.3M's rows under it."""
    original = registry.all_instruments()
    both = dict(original)
    both[CLONE] = dataclasses.replace(
        original["LME.CA.3M"], id=CLONE, name_en="Clone of LME copper", name_zh="铜克隆"
    )
    monkeypatch.setattr(registry, "all_instruments", lambda: both)
    registry.attribute_map.cache_clear()
    with Store(store_path) as st:
        rows = st.read(["LME.CA.3M"])
        rows["instrument"] = CLONE
        st.upsert(rows[[c for c in frame.COLUMNS if c in rows.columns]])


@pytest.fixture
def with_clone(store_path, monkeypatch):
    """The bundled store with CLONE registered and holding LME.CA.3M's rows."""
    _register_clone(store_path, monkeypatch)
    yield store_path
    monkeypatch.undo()
    registry.attribute_map.cache_clear()


def test_a_registered_series_the_weekly_shows_nowhere_is_not_read(with_clone) -> None:
    assert CLONE in registry.market_ids()
    with Store(with_clone) as st:
        assert len(st.read([CLONE])) > 1000
        data = weekly.read_weekly(st, WEEK)
    assert CLONE not in data.ids and "LME.CA.3M" in data.ids
    assert CLONE not in set(data.observations["instrument"])
    report = build_weekly(data, lang="en", generated_at=GENERATED)
    assert CLONE not in report.moves.index
    assert CLONE not in {s.instrument for s in report.status.sources}
    html = render_html(report)
    assert "Clone of LME copper" not in html and "LME copper 3-month" in html


def test_the_weekly_is_the_same_with_series_it_does_not_show(
    store_path, tmp_path, monkeypatch
) -> None:
    plain, cloned = tmp_path / "plain.html", tmp_path / "cloned.html"
    weekly.write(WEEK, format="html", output=plain, store=store_path, generated_at=GENERATED)
    try:
        _register_clone(store_path, monkeypatch)
        weekly.write(WEEK, format="html", output=cloned, store=store_path, generated_at=GENERATED)
    finally:
        monkeypatch.undo()
        registry.attribute_map.cache_clear()
    assert cloned.read_text(encoding="utf-8") == plain.read_text(encoding="utf-8")


def test_the_analysts_watch_lists_decide_which_equities_a_weekly_reads(store_path, tmp_path):
    analyst = tmp_path / "analyst.yaml"
    analyst.write_text("watch_lists: {rare earths: [SSE.600111, NYSE.MP]}\n", encoding="utf-8")
    out = tmp_path / "w.html"
    weekly.write(WEEK, format="html", output=out, store=store_path, analyst=analyst)
    html = out.read_text(encoding="utf-8")
    assert '<span class="name">Overseas equities</span> (1)' in html  # NYSE.MP, never fetched
    plain = tmp_path / "plain.html"
    weekly.write(WEEK, format="html", output=plain, store=store_path)
    assert "Overseas equities" not in plain.read_text(encoding="utf-8")
