"""The canonical tidy frame every source returns and every consumer reads.

Columns and dtypes::

    instrument  string   registered instrument id
    field       string   which value of the day: close, settle, open, high, low, ...
    date        datetime64[ns], tz-naive, normalised to midnight (the trading day)
    value       float64
    unit        string   as registered for the instrument
    currency    string   as registered (<NA> for tonnes, ounces, index points)
    source      string   where the row came from

Validation is vectorised over the whole frame; nothing here loops over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metalwatch import registry
from metalwatch.errors import SchemaError

COLUMNS = ("instrument", "field", "date", "value", "unit", "currency", "source")
STRING_COLUMNS = ("instrument", "field", "unit", "currency", "source")
FIELDS = frozenset(
    {
        "open",
        "high",
        "low",
        "close",
        "settle",
        "volume",
        "open_interest",
        "fix",
        "mean",
        "mid",
        "stock",
        "registered",
        "eligible",
        "adj_close",
        "mm_long",
        "mm_short",
        "mm_net",
        "pm_long",
        "pm_short",
        "pm_net",  # CFTC positions
        "sd_long",
        "sd_short",
        "sd_net",
        "other_long",
        "other_short",
        "other_net",
        "shfe_stock",
        "comex_stock",
        "lme_stock",  # components of a summed exchange stock
        "fix_am",
        "fix_pm",  # SGE benchmarks (上海金/上海银)
        "basis",  # spot minus the dominant contract (100ppi)
        "pe",
        "pb",  # valuation of an equity index (times)
    }
)
#: Fields that are quantities, not prices: zero is a legitimate value, a negative one is not.
NON_PRICE_FIELDS = frozenset(
    {
        "volume",
        "open_interest",
        "stock",
        "registered",
        "eligible",
        "mm_long",
        "mm_short",
        "pm_long",
        "pm_short",
        "sd_long",
        "sd_short",
        "other_long",
        "other_short",
        "shfe_stock",
        "comex_stock",
        "lme_stock",
    }
)
#: Fields that are differences and may take any sign (net positions).
SIGNED_FIELDS = frozenset({"mm_net", "pm_net", "sd_net", "other_net", "basis", "pe"})
#: Kinds of series whose values may take any sign: yields (real yields go negative) and
#: premiums over a benchmark (a discount is negative).
SIGNED_KINDS = frozenset({"rate", "premium"})
_DAY_NS = 86_400 * 10**9


def empty() -> pd.DataFrame:
    """An empty canonical frame with the right dtypes."""
    return coerce(pd.DataFrame({c: [] for c in COLUMNS}))


def coerce(df: pd.DataFrame) -> pd.DataFrame:
    """Cast the canonical columns to their dtypes (no validation, no row changes)."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"frame lacks canonical column(s): {', '.join(missing)}")
    out = df.loc[:, list(COLUMNS)].copy()
    for col in STRING_COLUMNS:
        out[col] = out[col].astype("string")
    out["currency"] = out["currency"].replace("", pd.NA)
    try:
        out["date"] = pd.to_datetime(out["date"], format="ISO8601")
        out["date"] = out["date"].astype("datetime64[ns]").dt.normalize()
    except (ValueError, TypeError, OverflowError) as exc:  # OutOfBoundsDatetime is a ValueError
        raise SchemaError(f"date column: {str(exc).splitlines()[0]}") from exc
    try:
        out["value"] = pd.to_numeric(out["value"], errors="raise").astype("float64")
    except (ValueError, TypeError) as exc:
        raise SchemaError(f"value column: {str(exc).splitlines()[0]}") from exc
    return out.reset_index(drop=True)


def is_canonical(df: pd.DataFrame) -> bool:
    """True when :func:`coerce` would change nothing in ``df``: the canonical columns in order
    and nothing else, their dtypes, dates at midnight, no empty currency, a default index.

    A cheap check (a few vectorised passes), so a writer given canonical rows need not copy them.
    """
    if tuple(df.columns) != COLUMNS or not df.index.equals(pd.RangeIndex(len(df))):
        return False
    text = pd.StringDtype()
    if any(df[col].dtype != text for col in STRING_COLUMNS):
        return False
    if df["date"].dtype != np.dtype("datetime64[ns]") or df["value"].dtype != np.float64:
        return False
    ns = df["date"].to_numpy().view(np.int64)
    if (ns % _DAY_NS).any():  # a time of day (or NaT): coerce normalises it
        return False
    return not bool((df["currency"] == "").any())


def from_wide(
    wide: pd.DataFrame, instrument: str, source: str, fields: dict[str, str] | None = None
) -> pd.DataFrame:
    """Build a canonical frame from one instrument's wide bar table.

    Parameters
    ----------
    wide
        Index or a ``date`` column of dates; one column per field.
    instrument
        Registered id; unit and currency come from the registry.
    source
        Source label stored on every row.
    fields
        Optional renaming of ``wide``'s columns to canonical field names.
    """
    inst = registry.get(instrument)
    df = wide.rename(columns=fields or {})
    if "date" not in df.columns:
        df = df.rename_axis("date").reset_index()
    keep = [c for c in df.columns if c in FIELDS]
    long = df.melt(id_vars="date", value_vars=keep, var_name="field", value_name="value")
    long = long.dropna(subset=["value"])
    long["instrument"] = instrument
    long["unit"] = inst.unit
    long["currency"] = inst.currency
    long["source"] = source
    return coerce(long)


def validate(df: pd.DataFrame, *, today: pd.Timestamp | None = None) -> pd.DataFrame:
    """Check a canonical frame and return it coerced; raise :class:`SchemaError` if it is bad.

    Checks, all vectorised: columns and dtypes; registered instruments; known fields; unit and
    currency as registered; no duplicate (instrument, field, date); no future dates; no NaN or
    infinite values; prices strictly positive (quantities may be zero, never negative; net
    positions, yields and premiums may take any sign).
    """
    out = coerce(df)
    if out.empty:
        return out
    reg = registry.known(out["instrument"].astype(str).unique())  # incl. futures contracts
    unknown = sorted(set(out["instrument"].astype(str).unique()) - set(reg))
    if unknown:
        raise SchemaError(f"unregistered instrument(s): {', '.join(unknown)}")
    bad_fields = sorted(set(out["field"].unique()) - FIELDS)
    if bad_fields:
        raise SchemaError(f"unknown field(s): {', '.join(bad_fields)}")
    ids = out["instrument"].astype(str)
    want_unit = ids.map({i: x.unit for i, x in reg.items()})
    want_cur = ids.map({i: x.currency for i, x in reg.items()}).fillna("")
    have_cur = out["currency"].fillna("").astype(str)
    wrong = (out["unit"].astype(str) != want_unit) | (have_cur != want_cur)
    if wrong.any():
        row = out[wrong].iloc[0]
        inst = reg[row["instrument"]]
        raise SchemaError(
            f"{row['instrument']}: unit/currency {row['unit']}/{row['currency']} "
            f"is not the registered {inst.unit}/{inst.currency or '<none>'}"
        )
    dup = out.duplicated(["instrument", "field", "date"])
    if dup.any():
        row = out[dup].iloc[0]
        raise SchemaError(
            f"{row['instrument']} {row['field']}: duplicate date {row['date']:%Y-%m-%d}"
        )
    today = (today or pd.Timestamp.today()).normalize()
    future = out["date"] > today
    if future.any():
        row = out[future].iloc[0]
        raise SchemaError(f"{row['instrument']}: future date {row['date']:%Y-%m-%d}")
    vals = out["value"].to_numpy()
    nonfinite = ~np.isfinite(vals)
    if nonfinite.any():
        row = out[nonfinite].iloc[0]
        raise SchemaError(
            f"{row['instrument']} {row['field']}: missing value on {row['date']:%Y-%m-%d}"
        )
    signed = (
        out["field"].isin(SIGNED_FIELDS)
        | ids.map({i: x.kind for i, x in reg.items()}).isin(SIGNED_KINDS)
    ).to_numpy()
    quantity = out["field"].isin(NON_PRICE_FIELDS).to_numpy()
    signed = signed & ~quantity
    price = ~quantity & ~signed
    bad = (price & (vals <= 0)) | (quantity & (vals < 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row = out.iloc[i]
        what = "non-positive" if price[i] else "negative"
        raise SchemaError(
            f"{row['instrument']} {row['field']}: {what} value {row['value']:g} "
            f"on {row['date']:%Y-%m-%d}"
        )
    return out


def registered_mask(df: pd.DataFrame) -> np.ndarray:
    """True on the rows holding their instrument's registered field (the one moves read)."""
    ins, ids = pd.factorize(df["instrument"], use_na_sentinel=False)
    fld, fields = pd.factorize(df["field"], use_na_sentinel=False)
    code = {f: k for k, f in enumerate(fields.astype(str))}
    names = ids.astype(str)
    known = registry.known(names)
    wanted = [code.get(known[i].field, -1) if i in known else -1 for i in names]
    return np.asarray(fld == np.array(wanted, dtype=np.int64)[ins], dtype=bool)


def registered(df: pd.DataFrame) -> pd.DataFrame:
    """Only each instrument's registered field: the one home of that filter."""
    return df[registered_mask(df)].reset_index(drop=True)


def value_on(df: pd.DataFrame, instrument: str, field: str, day: object) -> float | None:
    """The value of ``instrument``'s ``field`` dated ``day`` in long rows (the last written if
    several), or None when there is none or ``day`` is missing."""
    if day is None or pd.isna(day):  # type: ignore[call-overload]
        return None
    hit = df[
        (df["instrument"] == instrument)
        & (df["field"] == field)
        & (df["date"] == pd.Timestamp(day))  # type: ignore[arg-type]
    ]
    return float(hit["value"].iloc[-1]) if not hit.empty else None


class ColumnLabels(dict[str, "str | None"]):
    """A read-only ``{column: unit or currency}`` map kept in a wide frame's ``attrs``.

    pandas deep-copies ``attrs`` into every frame it derives (each column taken, each filter);
    this map is shared instead of copied, so that costs nothing however many columns there are.
    Changing it raises :class:`TypeError`: build a new dict (``dict(labels)``) to change one.
    """

    def __deepcopy__(self, memo: dict[int, object]) -> ColumnLabels:
        return self

    def __reduce__(self) -> tuple[type[ColumnLabels], tuple[dict[str, str | None]]]:
        return (ColumnLabels, (dict(self),))

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a frame's column labels are read-only; copy them with dict() to change")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]
    __ior__ = _read_only  # type: ignore[assignment]


def to_wide(df: pd.DataFrame, field: str | None = None) -> pd.DataFrame:
    """Pivot a canonical frame to dates x instruments.

    With ``field=None`` each instrument contributes its registered moves field. Dates where an
    instrument has no observation stay NaN: nothing is forward-filled.
    """
    if df.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    df = registered(df) if field is None else df[df["field"] == field]
    reg = registry.known(df["instrument"].astype(str).unique())
    wide = df.pivot(index="date", columns="instrument", values="value").sort_index()
    wide.columns = wide.columns.astype(str)
    wide.columns.name = None
    wide.attrs["units"] = ColumnLabels({i: reg[i].unit for i in wide.columns})
    wide.attrs["currencies"] = ColumnLabels({i: reg[i].currency for i in wide.columns})
    return wide
