"""Licensed prices from a CSV or Excel file (SMM, Asian Metal, a desk's own sheet).

Layout: one row per quote, one header row; English or Chinese headers, any order, case and
spaces ignored. Extra columns are ignored.

==================  ======================  ==================================================
column              also accepted as        meaning
==================  ======================  ==================================================
``date``            日期                    the quote date (YYYY-MM-DD, or an Excel date)
``instrument``      品种, 产品, product      a registered id (``CN.PRND_OXIDE``) or a product
                                            name: 氧化镨钕 / 镨钕氧化物 / PrNd oxide, 氧化铽 /
                                            Tb oxide, 氧化镝 / Dy oxide, 电解钴 / electrolytic
                                            cobalt, or the registry's Chinese name
``price``           价格, 均价, mid          a single price; optional when low and high are given
``low``, ``high``   最低价, 最高价           a quoted range; the stored price is its midpoint
                                            unless ``price`` is given
``unit``            单位                    as printed: 元/吨, 万元/吨, 元/公斤, 元/千克, 元/克,
                                            CNY/t, CNY/kg, USD/kg, ... (case-insensitive)
``source``          来源                    optional publisher label (default: the file name)
==================  ======================  ==================================================

Units are normalised on the way in to the instrument's registered unit: 万元/吨 x 10,000,
元/公斤 (元/千克, CNY/kg) x 1,000, 元/克 x 1,000,000, 元/吨 as is -> CNY/t. A currency
different from the registered one is an error (no FX conversion is guessed). Every row must
parse: a bad date, an unknown product or unit, or a row without a price raises
:class:`~metalwatch.errors.InvalidInputError` listing the offending rows; nothing is skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pandas as pd

from metalwatch import frame, registry
from metalwatch.errors import DataError, InvalidInputError, UnknownInstrumentError
from metalwatch.measures import MASS_KG

HEADERS = {
    "date": ("date", "日期"),
    "instrument": ("instrument", "品种", "产品", "product"),
    "price": ("price", "价格", "均价", "mid"),
    "low": ("low", "最低价", "最低"),
    "high": ("high", "最高价", "最高"),
    "unit": ("unit", "单位"),
    "source": ("source", "来源"),
}
ALIASES = {
    "氧化镨钕": "CN.PRND_OXIDE",
    "镨钕氧化物": "CN.PRND_OXIDE",
    "prnd oxide": "CN.PRND_OXIDE",
    "pr-nd oxide": "CN.PRND_OXIDE",
    "氧化铽": "CN.TB_OXIDE",
    "tb oxide": "CN.TB_OXIDE",
    "terbium oxide": "CN.TB_OXIDE",
    "氧化镝": "CN.DY_OXIDE",
    "dy oxide": "CN.DY_OXIDE",
    "dysprosium oxide": "CN.DY_OXIDE",
    "电解钴": "CN.CO_ELECTROLYTIC",
    "electrolytic cobalt": "CN.CO_ELECTROLYTIC",
}
CURRENCIES = {
    "元": "CNY",
    "cny": "CNY",
    "rmb": "CNY",
    "人民币": "CNY",
    "usd": "USD",
    "美元": "USD",
    "$": "USD",
    "aud": "AUD",
}
#: Mass unit as printed -> the unit of :data:`metalwatch.measures.MASS_KG` it names.
MASS_NAMES = {
    "t": "t",
    "吨": "t",
    "mt": "t",
    "tonne": "t",
    "kg": "kg",
    "公斤": "kg",
    "千克": "kg",
    "g": "g",
    "克": "g",
    "lb": "lb",
    "磅": "lb",
    "oz": "oz",
    "盎司": "oz",
}
_UNIT = re.compile(r"^\s*(万)?\s*([^/\s]+?)\s*/\s*(\S+?)\s*$")


def unit_factor(unit: str, registered: str) -> float:
    """The factor turning a price quoted in ``unit`` into the ``registered`` unit.

    >>> unit_factor("万元/吨", "CNY/t"), unit_factor("元/公斤", "CNY/t")
    (10000.0, 1000.0)
    """
    src, dst = _parse_unit(unit), _parse_unit(registered)
    if src is None:
        raise InvalidInputError(f"unit {unit!r} not understood")
    if dst is None:  # pragma: no cover - registry units are all currency/mass
        raise InvalidInputError(f"registered unit {registered!r} is not a price per mass")
    (mult, cur, mass), (dmult, dcur, dmass) = src, dst
    if cur != dcur:
        raise InvalidInputError(f"unit {unit!r} is in {cur}, the instrument is quoted in {dcur}")
    return mult / dmult * MASS_KG[dmass] / MASS_KG[mass]


def _parse_unit(unit: str) -> tuple[float, str, str] | None:
    m = _UNIT.match(str(unit).strip().lower())
    if not m:
        return None
    cur = CURRENCIES.get(m[2])
    mass = MASS_NAMES.get(m[3])
    if cur is None or mass is None:
        return None
    return (1e4 if m[1] else 1.0), cur, mass


def _columns(df: pd.DataFrame) -> dict[str, str]:
    norm = {re.sub(r"\s+", "", str(c)).lower(): c for c in df.columns}
    found = {}
    for key, names in HEADERS.items():
        for name in names:
            if name.lower() in norm:
                found[key] = norm[name.lower()]
                break
    missing = [k for k in ("date", "instrument", "unit") if k not in found]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise InvalidInputError(f"price file lacks column(s) {', '.join(missing)} (has: {have})")
    if "price" not in found and not {"low", "high"} <= set(found):
        raise InvalidInputError("price file needs a price column, or low and high columns")
    return found


def _instrument(name: object) -> str:
    text = str(name).strip()
    if text in registry.all_instruments():
        return text
    if text.lower() in ALIASES:
        return ALIASES[text.lower()]
    for inst in registry.all_instruments().values():
        if text in (inst.name_zh, inst.name_en):
            return inst.id
    raise UnknownInstrumentError(f"product {text!r} is not a registered instrument")


def read_prices(path: str | os.PathLike[str], sheet: str | int = 0) -> pd.DataFrame:
    """Read a price file (CSV, XLSX or XLS) into a validated canonical frame.

    Parameters
    ----------
    path
        The file; ``.csv`` is read as UTF-8 (a BOM is fine), ``.xlsx``/``.xls`` as Excel.
    sheet
        Excel sheet name or index.

    Raises
    ------
    InvalidInputError
        A missing column, rows that do not parse (each listed with its line number), or
        rows that break the canonical schema (a future date, a non-positive price).
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            raw = pd.read_excel(path, sheet_name=sheet, dtype=object)
        else:
            raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"cannot read price file {path}: {exc}") from exc
    cols = _columns(raw)
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # header is line 1
        try:
            rows.extend(_row(rec, cols, path.name))
        except (InvalidInputError, UnknownInstrumentError, ValueError) as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InvalidInputError(f"price file {path.name}: " + "; ".join(problems[:5]) + more)
    if not rows:
        raise InvalidInputError(f"price file {path.name} holds no rows")
    try:
        return frame.validate(pd.DataFrame(rows))
    except DataError as exc:  # the file is the user's input
        raise InvalidInputError(f"price file {path.name}: {exc}") from exc


def _row(
    rec: dict[Hashable, object], cols: dict[str, str], default_source: str
) -> list[dict[str, object]]:
    iid = _instrument(rec[cols["instrument"]])
    inst = registry.get(iid)
    given: Any = rec[cols["date"]]  # a string, or an Excel date
    date = pd.to_datetime(given, errors="coerce")
    if pd.isna(date):
        raise ValueError(f"date {rec[cols['date']]!r} not understood")
    factor = unit_factor(str(rec[cols["unit"]]), inst.unit)
    values = {k: _number(rec.get(cols[k])) for k in ("price", "low", "high") if k in cols}
    src = rec.get(cols["source"]) if "source" in cols else None
    label = f"file:{src if isinstance(src, str) and src.strip() else default_source}"
    base: dict[str, object] = {
        "instrument": iid,
        "date": date,
        "unit": inst.unit,
        "currency": inst.currency,
        "source": label,
    }
    out: list[dict[str, object]] = []
    low, high, price = values.get("low"), values.get("high"), values.get("price")
    if low is not None and high is not None:
        if low > high:
            raise ValueError(f"low {low:g} above high {high:g}")
        out.append(base | {"field": "low", "value": low * factor})
        out.append(base | {"field": "high", "value": high * factor})
        if price is None:
            price = (low + high) / 2
    if price is None:
        raise ValueError("no price, and no low/high pair")
    out.append(base | {"field": inst.field, "value": price * factor})
    return out


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).replace(",", "").strip()
    if not text:
        return None
    return float(text)
