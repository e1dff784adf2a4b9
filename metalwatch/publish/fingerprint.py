"""The canonical figures table of an edition and its fingerprint.

Every number the weekly prints is a row of the report's figures (the data appendix). The
canonical table keeps what a reader sees and where it came from — instrument, metric, value
rounded to the decimals it is printed with, and the as-of date of the data — one row per
(instrument, metric), sorted. It leaves out when the report was generated and the language, so
two editions built from the same data have the same fingerprint: the sha256 of the table's CSV
bytes (``figures.csv`` in the edition folder, so ``sha256sum figures.csv`` checks it).
"""

from __future__ import annotations

import hashlib
import math
import re

import pandas as pd

COLUMNS = ["instrument", "metric", "value", "as_of"]
_NUMBER = re.compile(r"[-+−]?\d[\d,]*(?:\.(\d+))?")


def printed_decimals(text: str) -> int | None:
    """Decimals of the first number in ``text`` (``'+2.07%'`` -> 2); None without a number."""
    m = _NUMBER.search(text)
    if m is None:
        return None
    return len(m.group(1) or "")


def _canonical_value(value: float, text: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    places = printed_decimals(str(text))
    if places is None:
        return repr(float(value))
    return f"{round(float(value), places):.{places}f}"


def canonical(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures as the canonical table (strings; one row per instrument and metric).

    Parameters
    ----------
    figures
        The report's figures (``WeeklyReport.figures``): at least instrument, metric, value,
        text and as_of.
    """
    df = figures.drop_duplicates(["instrument", "metric"], keep="first")
    as_of = pd.to_datetime(df["as_of"])
    out = pd.DataFrame(
        {
            "instrument": df["instrument"].astype(str),
            "metric": df["metric"].astype(str),
            "value": [_canonical_value(v, t) for v, t in zip(df["value"], df["text"], strict=True)],
            "as_of": as_of.dt.strftime("%Y-%m-%d").fillna(""),
        }
    )
    return out.sort_values(["instrument", "metric"], kind="stable").reset_index(drop=True)


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """The canonical table as UTF-8 CSV with ``\\n`` line ends (the bytes that are hashed)."""
    return table[COLUMNS].to_csv(index=False, lineterminator="\n").encode("utf-8")


def fingerprint(table: pd.DataFrame) -> str:
    """``sha256:<hex>`` of :func:`to_csv_bytes` of the canonical table."""
    return "sha256:" + hashlib.sha256(to_csv_bytes(table)).hexdigest()


def read_canonical(path: str) -> pd.DataFrame:
    """Read a ``figures.csv`` back as strings (empty cells as "")."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
