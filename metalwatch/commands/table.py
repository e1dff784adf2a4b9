"""Print a DataFrame as a table on the terminal (rich)."""

from __future__ import annotations

import pandas as pd


def print_table(title: str, df: pd.DataFrame) -> None:
    """Every cell as text, text columns left-aligned and the rest right-aligned."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col), justify="left" if df[col].dtype == object else "right")
    for row in df.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    Console(width=max(160, Console().width)).print(table)
