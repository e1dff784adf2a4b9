"""Report charts: matplotlib figures rendered to SVG and embedded as data URIs.

Text is drawn as paths with the bundled CJK font, so Chinese labels need no system font.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

PALETTE = ["#1f3b73", "#c8102e", "#b8860b", "#2e8b57", "#6a5acd", "#ff8c00", "#708090"]
FONT = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular-subset.otf"


@cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    family = ["DejaVu Sans"]
    for path in (FONT, FONT.with_name(FONT.name.replace("Regular", "Bold"))):
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
    if FONT.is_file():
        family = [font_manager.FontProperties(fname=str(FONT)).get_name(), "DejaVu Sans"]
    plt.rcParams.update(
        {
            "svg.hashsalt": "metalwatch",  # deterministic ids
            "svg.fonttype": "path",
            "font.family": family,
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
        }
    )
    return plt


def svg_data_uri(fig: Any) -> str:
    """Render a figure to a ``data:image/svg+xml;base64,...`` URI and close it."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _finish(ax: Any, fig: Any, title: str) -> str:
    ax.set_title(title, loc="left", fontsize=9)
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    fig.legend(loc="outside lower center", fontsize=7, frameon=False, ncol=3)
    return svg_data_uri(fig)


def rebased_lines(wide: pd.DataFrame, labels: dict[str, str], title: str) -> str:
    """Lines of several series rebased to 100 at their first observation in ``wide``.

    Each series is drawn over its own trading days (no forward fill).
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.6), layout="constrained")
    for n, col in enumerate(wide.columns):
        s = wide[col].dropna()
        if s.empty:
            continue
        ax.plot(s.index, s / s.iloc[0] * 100.0, lw=1.1, color=PALETTE[n % len(PALETTE)],
                label=labels.get(col, col))  # fmt: skip
    ax.axhline(100, color="#999999", lw=0.6, ls=":")
    return _finish(ax, fig, title)


def level_lines(
    wide: pd.DataFrame, labels: dict[str, str], title: str, ylabel: str, markers: bool = False
) -> str:
    """Series sharing one unit at their levels; ``markers`` for sparse quotes (log scale)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.5), layout="constrained")
    for n, col in enumerate(wide.columns):
        s = wide[col].dropna()
        if not s.empty:
            ax.plot(s.index, s, lw=1.0, color=PALETTE[n % len(PALETTE)],
                    marker="o" if markers else None, ms=3, label=labels.get(col, col))  # fmt: skip
    if markers:
        from matplotlib.ticker import NullFormatter

        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}")
    return _finish(ax, fig, title)


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
