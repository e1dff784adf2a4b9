"""Print a DataFrame as a table: boxed (rich) on a terminal, plain aligned text into a pipe or file.

Plain text is what a pipe wants (``grep``, ``awk``, a log) and costs a fraction of rich's
layout: for the ~100-row ``metalwatch moves`` table, rich's rendering was ~40 % of the command.
"""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd

#: Spaces between plain-text columns.
GAP = "  "


def _width(text: str) -> int:
    """Terminal cells of ``text`` (East Asian wide and full-width characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _is_text(col: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col))


def plain_table(title: str, df: pd.DataFrame) -> str:
    """The table as aligned plain text: title, header, one line per row."""
    cells = [[str(v) for v in row] for row in df.itertuples(index=False)]
    header = [str(c) for c in df.columns]
    right = [not _is_text(df[c]) for c in df.columns]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = [title] if title else []
    for row in [header, *cells]:
        padded = (_pad(t, w, r) for t, w, r in zip(row, widths, right, strict=True))
        lines.append(GAP.join(padded).rstrip())
    return "\n".join(lines)


def print_table(title: str, df: pd.DataFrame) -> None:
    """Every cell as text, text columns left-aligned and the rest right-aligned."""
    if not sys.stdout.isatty():
        print(plain_table(title, df))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col), justify="left" if _is_text(df[col]) else "right")
    for row in df.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    Console(width=max(160, Console().width)).print(table)
