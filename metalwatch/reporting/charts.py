"""Report charts: matplotlib figures rendered to SVG and embedded as data URIs."""

from __future__ import annotations

import base64
import io

import pandas as pd

PALETTE = ["#1f3b73", "#c8102e", "#b8860b", "#2e8b57", "#6a5acd", "#ff8c00", "#708090"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "metalwatch",  # deterministic ids
            "font.size": 8,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def svg_data_uri(fig) -> str:
    """Render a figure to an ``data:image/svg+xml;base64,...`` URI and close it."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def rebased_lines(wide: pd.DataFrame, labels: dict[str, str], title: str) -> str:
    """Lines of several series rebased to 100 at their first observation in ``wide``.

    Each series is drawn over its own trading days (no forward fill).
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.6))
    for n, col in enumerate(wide.columns):
        s = wide[col].dropna()
        if s.empty:
            continue
        ax.plot(s.index, s / s.iloc[0] * 100.0, lw=1.2, color=PALETTE[n % len(PALETTE)],
                label=labels.get(col, col))  # fmt: skip
    ax.axhline(100, color="#999999", lw=0.6, ls=":")
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=7, frameon=False, ncol=4)
    fig.autofmt_xdate()
    return svg_data_uri(fig)


def level_lines(wide: pd.DataFrame, labels: dict[str, str], title: str, ylabel: str) -> str:
    """Lines of series sharing one unit, drawn at their levels."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    for n, col in enumerate(wide.columns):
        s = wide[col].dropna()
        if not s.empty:
            ax.plot(s.index, s, lw=1.2, color=PALETTE[n % len(PALETTE)], label=labels.get(col, col))
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#e5e5e5", lw=0.5)
    ax.yaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=7, frameon=False, ncol=4)
    fig.autofmt_xdate()
    return svg_data_uri(fig)
