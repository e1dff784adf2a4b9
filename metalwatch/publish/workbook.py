"""Every table of the weekly as an Excel workbook: one sheet per table, numbers as numbers.

Built generically from the report's tables (``sections[*].tables``): a cell that reads as a
number (``4,300.1``, ``+2.07%``, ``-767``) is written as that number with the printed decimals
as its number format; a date (``2025-12-12``) as a date; anything else (``—``, a range, a name)
as text. A column whose numbers are all percentages gets ``(%)`` in its header (the value is in
percent: 2.07 means +2.07 %); a column whose cells are figures printed in one unit (looked up in
the report's figures by section and printed text) gets that unit, e.g. ``SHFE (CNY/t)``; mixed
units stay in the table's own unit column. The first sheet, ``contents``, lists each
sheet's section, title, note and formula.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from metalwatch.errors import OutputError

_NUM = re.compile(r"^([-+−]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_SHEET = 31


@dataclass(frozen=True)
class Parsed:
    """A cell as written to Excel: the value, its number format, whether it is a percentage."""

    value: Any
    number_format: str = "General"
    percent: bool = False


def parse_cell(text: str) -> Parsed:
    """A cell's text as a number, a date or text (see the module docstring)."""
    t = text.strip()
    if m := _NUM.match(t):
        sign, whole, frac, pct = m.groups()
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        value = -value if sign in ("-", "−") else value
        places = len(frac or "")
        fmt = ("#,##0" if "," in whole or value >= 1000 else "0") + (
            "." + "0" * places if places else ""
        )
        return Parsed(value, fmt, bool(pct))
    if m := _DATE.match(t):
        try:
            return Parsed(date(int(m[1]), int(m[2]), int(m[3])), "yyyy-mm-dd")
        except ValueError:
            return Parsed(t)
    return Parsed("" if t in ("—", "-", "–") else t)


def _sheet_name(key: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", key)[:MAX_SHEET] or "table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"-{n}"
        name, n = base[: MAX_SHEET - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _units_by_text(figures: Any, section: str) -> dict[str, str]:
    """``printed text -> unit`` of the section's figures (texts printed with one unit only)."""
    if figures is None or not {"section", "text", "unit"} <= set(figures.columns):
        return {}
    rows = figures[figures["section"] == section]
    units = rows.groupby("text")["unit"].agg(lambda u: sorted(set(map(str, u))))
    return {str(t): u[0] for t, u in units.items() if len(u) == 1 and u[0]}


def _headers(table: Any, parsed: list[list[Parsed]], units_of: dict[str, str]) -> list[str]:
    heads = [c.text for c in table.columns]
    out = []
    for j, head in enumerate(heads):
        cells = [row[j] for row in parsed if j < len(row) and row[j].value != ""]
        numbers = [c for c in cells if isinstance(c.value, float)]
        texts = [row[j].text for row in table.rows if j < len(row)]
        col_units = {units_of[t] for t in texts if t in units_of}
        if numbers and len(col_units) == 1 and "%" not in col_units:
            unit = next(iter(col_units))
            head = head if unit in head else f"{head} ({unit})"
        elif numbers and all(c.percent for c in numbers) and "%" not in head:
            head = f"{head} (%)"
        out.append(head)
    return out


def workbook_bytes(report: Any) -> bytes:
    """The workbook of ``report`` (a ``WeeklyReport``) as ``.xlsx`` bytes.

    Parameters
    ----------
    report
        The built weekly; only ``sections[*].key``, ``.tables`` and each table's ``key``,
        ``title``, ``columns``, ``rows``, ``note`` and ``formula`` are read.
    """
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.styles import Font  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - a dependency
        raise OutputError(f"cannot write the workbook: {exc}") from exc
    wb = Workbook()
    contents = wb.active
    contents.title = "contents"
    contents.append(["sheet", "section", "title", "note", "formula"])
    used = {"contents"}
    figures = getattr(report, "figures", None)
    for section in report.sections:
        units_of = _units_by_text(figures, str(section.key))
        for table in section.tables:
            name = _sheet_name(str(table.key), used)
            contents.append([name, section.key, table.title, table.note, table.formula])
            ws = wb.create_sheet(name)
            parsed = [[parse_cell(c.text) for c in row] for row in table.rows]
            ws.append(_headers(table, parsed, units_of))
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for row in parsed:
                ws.append([p.value for p in row])
                for cell, p in zip(ws[ws.max_row], row, strict=False):
                    cell.number_format = p.number_format
            ws.freeze_panes = "B2"
    for cell in contents[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
