"""The data appendix: every figure in the report with instrument, source, as-of and formula."""

from __future__ import annotations

from pathlib import Path

from metalwatch.errors import InvalidInputError, OutputError
from metalwatch.reporting.model import WeeklyReport
from metalwatch.reporting.output_path import write_bytes

FORMATS = ("csv", "xlsx")


def appendix_path(report_path: Path, fmt: str) -> Path:
    """``weekly.pdf`` -> ``weekly-appendix.csv``."""
    return report_path.with_name(f"{report_path.stem}-appendix.{fmt}")


def write_appendix(report: WeeklyReport, path: Path, fmt: str) -> Path:
    """Write the figures table as CSV (UTF-8 with BOM, opens in Excel) or XLSX.

    ``path`` follows the rules of :mod:`metalwatch.reporting.output_path`; returns the file
    written (the target of a symlink).
    """
    if fmt not in FORMATS:
        raise InvalidInputError(f"appendix format {fmt!r} is not supported (use csv or xlsx)")
    df = report.figures.copy()
    df.insert(0, "week", f"{report.week:%Y-%m-%d}")
    df["as_of"] = df["as_of"].dt.strftime("%Y-%m-%d")
    if fmt == "csv":
        return write_bytes(path, df.to_csv(index=False).encode("utf-8-sig"))
    import io

    buf = io.BytesIO()
    try:
        df.to_excel(buf, index=False, sheet_name="figures")
    except ImportError as exc:  # openpyxl missing
        raise OutputError(f"cannot write {path}: {exc}") from exc
    return write_bytes(path, buf.getvalue())
