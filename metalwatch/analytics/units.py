"""Units and FX: every conversion between venues goes through here, and none is silent.

Masses are converted with exact factors (troy ounce, pound, gram, kilogram, tonne, short ton).
USD/CNY comes from the stored ``FX.USDCNY`` close (CNY per USD), joined *as of* each date with
a maximum staleness: a date with no rate within ``max_age_days`` gets NaN, never a constant.
Chinese exchange prices include VAT; :func:`vat_rate` gives the dated rate to strip it.

Unit strings follow the registry: ``"<CCY>/<mass>"`` for prices (``USD/oz``, ``CNY/t``) and
``"<mass>"`` for quantities (``t``, ``short t``, ``oz``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metalwatch import registry
from metalwatch.analytics.schedules import CN_VAT_SCHEDULE, dated_rate
from metalwatch.errors import InvalidInputError, NoDataError
from metalwatch.measures import MASS_KG
from metalwatch.measures import POUND_KG as POUND_KG  # re-exported: units.POUND_KG
from metalwatch.measures import SHORT_TON_KG as SHORT_TON_KG
from metalwatch.measures import TROY_OUNCE_KG as TROY_OUNCE_KG

CURRENCIES = ("USD", "CNY")
FX_ID = "FX.USDCNY"
#: Default staleness limit for the USD/CNY as-of join, in calendar days.
MAX_FX_AGE_DAYS = 5

#: Metals whose Chinese exchange price carries no VAT: exchange gold is VAT-exempt
#: (Caishui [2008] No. 5 for SHFE gold futures; SGE standard gold likewise).
VAT_EXEMPT_METALS = frozenset({"gold"})
VAT_VENUES = frozenset({"SHFE", "SGE"})


@dataclass(frozen=True)
class Unit:
    """A parsed unit: ``currency`` (None for quantities) and ``mass`` (None if not a mass)."""

    text: str
    currency: str | None
    mass: str | None


def parse_unit(text: str) -> Unit:
    """Parse a registry unit string (``"USD/oz"``, ``"CNY/t"``, ``"short t"``, ``"index"``)."""
    text = str(text).strip()
    if "/" in text:
        cur, _, per = text.partition("/")
        return Unit(text, cur or None, per if per in MASS_KG else None)
    return Unit(text, None, text if text in MASS_KG else None)


def mass_factor(frm: str, to: str) -> float:
    """Multiply a quantity in mass unit ``frm`` by this to express it in ``to``.

    >>> round(mass_factor("short t", "t"), 8)
    0.90718474
    """
    try:
        return MASS_KG[frm] / MASS_KG[to]
    except KeyError as exc:
        raise InvalidInputError(
            f"unknown mass unit {exc.args[0]!r} (known: {', '.join(MASS_KG)})"
        ) from None


def conversion_table() -> pd.DataFrame:
    """Mass conversion factors: ``table.loc[a, b]`` units of ``b`` in one ``a``."""
    kg = pd.Series(MASS_KG)
    out = pd.DataFrame(np.outer(kg, 1.0 / kg), index=kg.index, columns=kg.index)
    out.attrs["units"] = "column unit per row unit"
    return out


def vat_rate(instrument: str, dates: pd.Index | pd.Series) -> pd.Series:
    """The VAT rate included in ``instrument``'s price on each date (0.0 where none).

    SHFE and SGE prices include China's VAT (dated, :data:`CN_VAT_SCHEDULE`) except for gold.
    Returns a float Series indexed by ``dates``.
    """
    inst = registry.get(instrument)
    idx = pd.DatetimeIndex(dates)
    if inst.venue not in VAT_VENUES or inst.metal in VAT_EXEMPT_METALS or inst.kind != "price":
        return pd.Series(0.0, index=idx, name="vat")
    return pd.Series(dated_rate(CN_VAT_SCHEDULE, idx), idx, name="vat")


def fx_asof(
    dates: pd.Index | pd.Series,
    fx: pd.Series,
    max_age_days: int = MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """USD/CNY for each date: the last rate on or before it, if at most ``max_age_days`` old.

    Parameters
    ----------
    dates
        Dates to price.
    fx
        USD/CNY rates (CNY per USD) indexed by date, e.g. the stored ``FX.USDCNY`` close.
    max_age_days
        Older rates are not used: the date gets NaN.

    Returns
    -------
    DataFrame
        Indexed by ``dates``; ``usdcny`` (CNY/USD), ``fx_date`` and ``fx_age_days``.
    """
    idx = pd.DatetimeIndex(dates)
    left = pd.DataFrame({"date": idx.astype("datetime64[ns]")}).reset_index()
    right = pd.DataFrame(
        {"fx_date": pd.DatetimeIndex(fx.index).astype("datetime64[ns]"), "usdcny": fx.to_numpy()}
    ).dropna()
    joined = pd.merge_asof(
        left.sort_values("date"),
        right.sort_values("fx_date"),
        left_on="date",
        right_on="fx_date",
        direction="backward",
        tolerance=pd.Timedelta(days=max_age_days),
    ).sort_values("index")
    out = pd.DataFrame(
        {
            "usdcny": joined["usdcny"].to_numpy(),
            "fx_date": joined["fx_date"].to_numpy(),
            "fx_age_days": (joined["date"] - joined["fx_date"]).dt.days.to_numpy(),
        },
        index=idx,
    )
    out.attrs["units"] = {"usdcny": "CNY/USD", "fx_age_days": "days"}
    out.attrs["fx"] = {"instrument": FX_ID, "max_age_days": max_age_days}
    return out


def fx_series(data: pd.DataFrame) -> pd.Series:
    """The ``FX.USDCNY`` close out of a canonical frame (or a wide one), indexed by date.

    Raises
    ------
    NoDataError
        If the frame holds no USD/CNY rates.
    """
    if "instrument" in data.columns:
        rows = data[(data["instrument"] == FX_ID) & (data["field"] == "close")]
        fx = pd.Series(rows["value"].to_numpy(), index=pd.DatetimeIndex(rows["date"]), name=FX_ID)
    else:
        fx = data[FX_ID].dropna() if FX_ID in data.columns else pd.Series(dtype="float64")
    if fx.empty:
        raise NoDataError(f"no {FX_ID} close in the data: cannot convert between USD and CNY")
    return fx


def convert_column(
    values: pd.Series,
    frm: str,
    to: str,
    *,
    fx: pd.DataFrame | None = None,
    vat: pd.Series | float = 0.0,
) -> pd.Series:
    """Convert one dated series from unit ``frm`` to unit ``to``.

    Parameters
    ----------
    values
        Values indexed by date.
    frm, to
        Unit strings. Prices convert to prices (mass and currency), quantities to quantities.
    fx
        Output of :func:`fx_asof` for ``values.index``; required when the currency changes.
    vat
        VAT rate included in ``values`` to strip (divide by ``1 + vat``); 0 keeps them as is.
    """
    a, b = parse_unit(frm), parse_unit(to)
    if a.mass is None or b.mass is None:
        raise InvalidInputError(f"cannot convert {frm!r} to {to!r}: not a mass-based unit")
    if (a.currency is None) != (b.currency is None):
        raise InvalidInputError(f"cannot convert {frm!r} to {to!r}: price vs quantity")
    if a.currency is None:
        return values * mass_factor(a.mass, b.mass)
    out = values / (1.0 + vat) / mass_factor(a.mass, b.mass)
    if a.currency != b.currency:
        if fx is None:
            raise InvalidInputError(f"converting {frm} to {to} needs a dated USD/CNY rate")
        if {a.currency, b.currency} != set(CURRENCIES):
            raise InvalidInputError(f"cannot convert currency {a.currency} to {b.currency}")
        rate = fx["usdcny"].reindex(values.index)
        out = out * rate if a.currency == "USD" else out / rate
    return out


def convert_wide(
    wide: pd.DataFrame,
    to: str | dict[str, str],
    *,
    fx: pd.Series | float | None = None,
    ex_vat: bool = True,
    max_age_days: int = MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """Convert a wide frame (dates x instrument ids, units in ``.attrs['units']``).

    Parameters
    ----------
    wide
        As returned by :func:`metalwatch.prices` or :func:`metalwatch.inventories`.
    to
        Target unit for every column, or a dict ``{id: unit}`` (other columns unchanged).
    fx
        USD/CNY rates (CNY per USD) indexed by date, joined as of each date within
        ``max_age_days``; or an explicit constant rate (recorded in ``.attrs['fx']``).
    ex_vat
        Strip the VAT included in Chinese exchange prices (see :func:`vat_rate`).

    Returns
    -------
    DataFrame
        Same shape; ``.attrs['units']`` updated, ``.attrs['fx']`` says which rate was used and
        how many values had none, ``.attrs['vat_removed']`` lists the columns stripped of VAT.
    """
    units = dict(wide.attrs.get("units", {}))
    targets = to if isinstance(to, dict) else {c: to for c in wide.columns}
    out = wide.copy()
    fx_tab = None
    if isinstance(fx, int | float):
        fx_tab = pd.DataFrame(
            {"usdcny": float(fx), "fx_date": pd.NaT, "fx_age_days": np.nan}, index=wide.index
        )
        fx_info: dict[str, object] = {"instrument": "explicit constant", "usdcny": float(fx)}
    elif fx is not None:
        fx_tab = fx_asof(wide.index, fx, max_age_days)
        fx_info = {"instrument": FX_ID, "max_age_days": max_age_days}
    else:
        fx_info = {"instrument": None}
    missing, stripped = 0, {}
    for col, target in targets.items():
        if col not in units:
            raise InvalidInputError(f"{col}: no unit in .attrs['units']; cannot convert")
        frm = units[col]
        vat: float | pd.Series = 0.0
        if ex_vat and col in registry.all_instruments():
            vat_s = vat_rate(col, wide.index)
            if vat_s.gt(0).any():
                vat, stripped[col] = vat_s, "CN VAT (dated: 17%/16%/13%)"
        out[col] = convert_column(wide[col], frm, target, fx=fx_tab, vat=vat)
        changes_ccy = parse_unit(frm).currency != parse_unit(target).currency
        if changes_ccy and fx_tab is not None:
            missing += int((wide[col].notna() & out[col].isna()).sum())
        units[col] = target
    out.attrs = dict(wide.attrs)
    out.attrs["units"] = units
    out.attrs["currencies"] = {c: parse_unit(u).currency or "" for c, u in units.items()}
    out.attrs["fx"] = fx_info | {"values_without_rate": missing}
    out.attrs["vat_removed"] = stripped
    return out
