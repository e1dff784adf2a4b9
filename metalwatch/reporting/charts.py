"""Report charts: matplotlib figures rendered to SVG and embedded as data URIs.

Text stays text (``svg.fonttype: none``) in the bundled CJK font under the report's family name
(:data:`~metalwatch.reporting.typeface.FONT_FAMILY`): matplotlib lays it out with that font's
metrics and WeasyPrint sets it with the same font from the page's ``@font-face`` rules, so
Chinese labels need no system font and a chart's words are in the PDF's text layer. (Drawn as
glyph outlines, each character was a ``<use>`` WeasyPrint parsed anew: a fifth of a weekly's
time.) Each public chart is :func:`~metalwatch.reporting.chart_memo.remembered`: under an
active chart shelf a chart already drawn from the same inputs by the same code is not drawn
again.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from metalwatch.reporting import chart_memo
from metalwatch.reporting.typeface import FONT_FAMILY, font_paths

PALETTE = ["#1f3b73", "#c8102e", "#b8860b", "#2e8b57", "#6a5acd", "#ff8c00", "#708090"]
#: One colour family per metal: the venues of one metal share it (dark, light, mid).
METAL_COLORS = {
    "gold": ("#b8860b", "#e3be5c", "#7a5a08"),
    "silver": ("#5f6b78", "#a3adb8", "#3b434c"),
    "copper": ("#b35900", "#eb9d55", "#7a3d00"),
    "aluminum": ("#1f3b73", "#7d97c9", "#0f1f40"),
    "tin": ("#2e7d4f", "#85c79f", "#1a4a2e"),
}
#: Line styles by venue: the metal's colour, the venue's dash.
VENUE_STYLES = {"SHFE": "--", "GFEX": "--"}
#: A gap between two quotes longer than this is not bridged by a line (markers only).
MAX_LINE_GAP_DAYS = 45
#: Characters of a small-multiple panel's title per line (a longer title wraps, never clips).
PANEL_TITLE_CHARS = 52
#: Event markers: colour, rows of numbers, the step left (points) of crowded numbers, month-band
#: opacity.
EVENT_COLOR = "#8b1a1a"
EVENT_ROWS = 2
EVENT_STEP_PT = 9.0
EVENT_BAND_ALPHA = 0.12
#: The font a chart's text names after the bundled one, for a character that one lacks
#: (matplotlib ships it; a browser showing an HTML report's chart falls back to its own).
FALLBACK_FAMILY = "DejaVu Sans"


def chart_font() -> Path | None:
    """The bundled font file the charts draw with: the regular weight (no chart text is bold)."""
    return font_paths().get("regular")


@cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    family = [FALLBACK_FAMILY]
    font = chart_font()
    if font is not None:
        # matplotlib knows a font by the name inside its file: the entry addfont registers
        # (first of those it appends) is copied under the report's family name, the name the
        # SVG then asks WeasyPrint for. addfont also empties matplotlib's lookup cache.
        known = font_manager.fontManager.ttflist
        first = len(known)
        font_manager.fontManager.addfont(str(font))
        known.append(dataclasses.replace(known[first], name=FONT_FAMILY))
        family.insert(0, FONT_FAMILY)
    plt.rcParams.update(
        {
            "svg.hashsalt": "metalwatch",  # deterministic ids
            "svg.fonttype": "none",
            "font.family": family,
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
            # Titles sit at the axes' top: none of ours has ticks or an offset text up there, and
            # a title placed by hand skips the search for them, a fifth of each drawing pass.
            "axes.titley": 1.0,
            "axes.formatter.useoffset": False,
        }
    )
    return plt


def svg_data_uri(fig: Any) -> str:
    """Render a figure to a ``data:image/svg+xml;base64,...`` URI and close it.

    The figure's layout engine runs once and is then detached: ``savefig`` with an engine
    attached draws the whole figure twice (a pass with drawing disabled that runs the layout,
    then the drawing), and that first pass was a fifth of a weekly's chart time (issue 13).
    """
    plt = _pyplot()
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)
        fig.set_layout_engine(None)  # the axes keep the positions the engine gave them
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@dataclass(frozen=True)
class EventMark:
    """An event drawn on a chart: its number in the key, its day, or the month it spans
    (``end`` the first day after the month) drawn as a band, never as a day."""

    number: int
    start: pd.Timestamp
    end: pd.Timestamp | None = None


def _num(day: pd.Timestamp) -> float:
    """Matplotlib's number for a day."""
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]


def mark_events(ax: Any, marks: Sequence[EventMark], *, numbers: bool = True) -> None:
    """Draw ``marks`` on ``ax``: a dashed line on a day, a shaded band over a month, each with
    its number at the top (numbers close together take two rows, then step left, so none
    hides another)."""
    if not marks:
        return
    left, right = ax.get_xlim()
    days = [_num(m.start) for m in marks if m.end is None]
    if days:  # a day after the last data point stays on the chart
        right = max(right, max(days) + (right - left) * 0.01)
    crowd = (right - left) / 30
    placed: list[float] = []
    for m in sorted(marks, key=lambda m: (m.start, m.number)):
        x0 = _num(m.start)
        if m.end is None:
            ax.axvline(m.start, color=EVENT_COLOR, lw=0.6, ls="--", alpha=0.8)
            x = x0
        else:
            x1 = min(_num(m.end), right)
            ax.axvspan(x0, x1, color=EVENT_COLOR, alpha=EVENT_BAND_ALPHA, lw=0)
            x = (x0 + x1) / 2
        if not numbers:
            continue
        k = sum(abs(px - x) < crowd for px in placed)
        placed.append(x)
        ax.annotate(
            str(m.number),
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-EVENT_STEP_PT * (k // EVENT_ROWS), -EVENT_STEP_PT * (k % EVENT_ROWS)),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=6,
            color="white",
            bbox={"boxstyle": "circle,pad=0.15", "fc": EVENT_COLOR, "ec": "none"},
        )
    ax.set_xlim(left, right)


def _finish(ax: Any, fig: Any, title: str) -> str:
    ax.set_title(title, loc="left", fontsize=9)
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    fig.legend(loc="outside lower center", fontsize=7, frameon=False, ncol=3)
    return svg_data_uri(fig)


def series_style(metal: str, venue: str, n: int, used: dict[str, int]) -> tuple[str, str]:
    """Colour and dash of the ``n``-th series: its metal's colour family (one shade per
    series of the metal) and its venue's dash; the palette for series of no listed metal."""
    family = METAL_COLORS.get(metal)
    if family is None:
        return PALETTE[n % len(PALETTE)], "-"
    k = used.get(metal, 0)
    used[metal] = k + 1
    return family[k % len(family)], VENUE_STYLES.get(venue, "-")


@chart_memo.remembered
def rebased_lines(
    wide: pd.DataFrame,
    labels: dict[str, str],
    title: str,
    styles: dict[str, tuple[str, str]] | None = None,
    ylabel: str = "",
    marks: Sequence[EventMark] = (),
) -> str:
    """Lines of several series rebased to 100 at their first observation in ``wide``.

    Each series is drawn over its own trading days (no forward fill); ``styles`` gives a
    series' colour and dash (default: the palette, solid); ``marks`` are numbered events.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.6), layout="constrained")
    for n, col in enumerate(wide.columns):
        s = wide[col].dropna()
        if s.empty:
            continue
        color, dash = (styles or {}).get(col, (PALETTE[n % len(PALETTE)], "-"))
        ax.plot(
            s.index, s / s.iloc[0] * 100.0, lw=1.1, color=color, ls=dash, label=labels.get(col, col)
        )
    ax.set_ylabel(ylabel)
    ax.axhline(100, color="#999999", lw=0.6, ls=":")
    mark_events(ax, marks)
    return _finish(ax, fig, title)


@chart_memo.remembered
def against_inverted(
    left: pd.Series,
    right: pd.Series,
    labels: tuple[str, str],
    title: str,
    units: tuple[str, str],
) -> str:
    """``left`` on the left axis against ``right`` on an inverted right axis (gold against the
    real yield: the lines move together when gold rises as the yield falls)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.6), layout="constrained")
    ax.plot(left.index, left, lw=1.1, color=PALETTE[2], label=labels[0])
    ax.set_ylabel(units[0])
    ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}")
    twin = ax.twinx()
    twin.spines["right"].set_visible(True)
    twin.spines["top"].set_visible(False)
    twin.plot(right.index, right, lw=1.0, color=PALETTE[0], label=labels[1])
    twin.invert_yaxis()
    twin.set_ylabel(units[1])
    return _finish(ax, fig, title)


def _gapped(s: pd.Series, max_gap_days: int) -> pd.Series:
    """``s`` with a NaN inserted after each gap longer than ``max_gap_days`` (no line across)."""
    gaps = s.index.to_series().diff().dt.days.fillna(0) > max_gap_days
    if not gaps.any():
        return s
    breaks = s.index[gaps.to_numpy()] - pd.Timedelta(days=1)
    out: pd.Series = pd.concat([s, pd.Series(float("nan"), index=breaks)]).sort_index()
    return out


@chart_memo.remembered
def small_multiples(
    panels: list[tuple[str, pd.Series, str]],
    title: str,
    *,
    markers: bool = False,
    panel_marks: Sequence[Sequence[EventMark]] = (),
) -> str:
    """One small linear panel per ``(label, series, unit)``, two per row; ``markers`` marks each
    observation and leaves gaps over :data:`MAX_LINE_GAP_DAYS` unbridged (sparse quotes);
    ``panel_marks`` are the numbered events of each panel (those touching its metal)."""
    plt = _pyplot()
    cols = 2
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(
        rows, cols, figsize=(7.2, 1.7 * rows + 0.4), layout="constrained", squeeze=False
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(panels):
            ax.set_visible(False)
            continue
        label, series, unit = panels[k]
        s = series.dropna()
        line = _gapped(s, MAX_LINE_GAP_DAYS) if markers else s
        ax.plot(line.index, line, lw=1.0, color=PALETTE[k % len(PALETTE)])
        if markers:
            ax.plot(s.index, s, ls="none", marker="o", ms=2.5, color=PALETTE[k % len(PALETTE)])
        ax.set_title(
            textwrap.fill(f"{label} ({unit})", PANEL_TITLE_CHARS), loc="left", fontsize=7.5
        )
        ax.grid(axis="y", color="#e5e5e5", lw=0.5)
        ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}")
        ax.tick_params(labelsize=6.5)
        ax.xaxis.set_major_locator(_year_month_locator())
        mark_events(ax, panel_marks[k] if k < len(panel_marks) else ())
    fig.suptitle(title, x=0.01, ha="left", fontsize=9)
    return svg_data_uri(fig)


def _year_month_locator() -> Any:
    from matplotlib.dates import MonthLocator

    return MonthLocator(bymonth=(1, 7))  # type: ignore[no-untyped-call]
