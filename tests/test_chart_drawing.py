"""How a chart is drawn (issue 13): the layout engine runs once and the figure is drawn once,
and what the layout gave still holds every label inside the figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import metalwatch as mw
from metalwatch.reporting import charts


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What each ``savefig`` saw: the figure's layout engine, the figure and its content's
    extent (inches), and how often the figure was drawn and laid out."""
    import matplotlib.figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    seen: list[dict[str, Any]] = []
    counts = {"draw": 0, "layout": 0}
    draw, savefig, execute = (
        matplotlib.figure.Figure.draw,
        matplotlib.figure.Figure.savefig,
        ConstrainedLayoutEngine.execute,
    )

    def counted_draw(fig: Any, renderer: Any) -> Any:
        counts["draw"] += 1
        return draw(fig, renderer)

    def counted_layout(engine: Any, fig: Any) -> Any:
        counts["layout"] += 1
        return execute(engine, fig)

    def watched_savefig(fig: Any, *args: Any, **kwargs: Any) -> Any:
        counts.update(draw=0)
        engine = fig.get_layout_engine()
        renderer = fig.canvas.get_renderer()
        extent = fig.get_tightbbox(renderer)  # inches
        out = savefig(fig, *args, **kwargs)
        seen.append(
            {
                "engine": engine,
                "extent": extent,
                "size": tuple(fig.get_size_inches()),
                "draws": counts["draw"],
                "layouts": counts["layout"],
            }
        )
        counts.update(layout=0)
        return out

    monkeypatch.setattr(matplotlib.figure.Figure, "draw", counted_draw)
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", watched_savefig)
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", counted_layout)
    return seen


def test_each_chart_is_laid_out_once_drawn_once_and_keeps_its_labels_inside(
    store_path: Path, drawn: list[dict[str, Any]]
) -> None:
    stocks = mw.inventories(["LME.CA.STOCK", "LME.AH.STOCK", "LME.SN.STOCK"], store=store_path)
    year = stocks.loc["2024-12-13":"2025-12-12"]
    panels = [(col, year[col], "t") for col in year.columns]
    marks = [charts.EventMark(1, year.index[-10])]

    small = charts.small_multiples.__wrapped__(
        panels, "Exchange stocks, tonnes", markers=True, panel_marks=[marks, [], marks]
    )
    lines = charts.rebased_lines.__wrapped__(
        year, {c: c for c in year.columns}, "Stocks rebased to 100", ylabel="index", marks=marks
    )

    assert small.startswith("data:image/svg+xml;base64,")
    assert lines.startswith("data:image/svg+xml;base64,")
    assert len(drawn) == 2
    for chart in drawn:
        # savefig met a figure already laid out and detached from its engine: one draw, not a
        # draw with drawing disabled first (what savefig does when an engine is attached)
        assert chart["engine"] is None
        assert chart["layouts"] == 1
        assert chart["draws"] == 1
        width, height = chart["size"]
        box = chart["extent"]  # inches: every title, tick label, legend and event number
        assert box.x0 >= 0 and box.y0 >= 0, box
        assert box.x1 <= width + 1e-6 and box.y1 <= height + 1e-6, box


def test_chart_text_is_text_in_the_report_family(store_path: Path) -> None:
    """A chart's words stay words (``svg.fonttype: none``) naming the family the page's
    ``@font-face`` rules give the bundled font: no glyph outlines, no other font first."""
    import base64
    import re

    from metalwatch.reporting.typeface import FONT_FAMILY

    stocks = mw.inventories(["LME.CA.STOCK", "LME.SN.STOCK"], store=store_path)
    year = stocks.loc["2024-12-13":"2025-12-12"]
    uri = charts.small_multiples.__wrapped__(
        [("LME 铜库存", year["LME.CA.STOCK"], "吨"), ("LME tin", year["LME.SN.STOCK"], "t")],
        "交易所库存（吨）",
    )
    svg = base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")).decode()
    words = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert "交易所库存（吨）" in words and "LME 铜库存 (吨)" in words and "LME tin (t)" in words
    assert "250,000" in words and "5,000" in words  # tick labels of copper's and tin's stocks
    families = set(re.findall(r"font-family: ([^;\"]*)", svg))
    assert families == {f"'{FONT_FAMILY}', '{charts.FALLBACK_FAMILY}'"}
    # glyph outlines were <defs> paths with ids like NotoSansSC-Regular-13: only markers remain
    glyphs = re.findall(r'<path id="([^"]*)"', svg)
    assert glyphs and all(re.fullmatch(r"m[0-9a-f]{10}", g) for g in glyphs), glyphs
