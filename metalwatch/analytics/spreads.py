"""Spreads and arbitrage between venues: SHFE/LME ratios, import profit/loss, gold/silver ratio,
Shanghai-London gold premium, LME cash-3M.

Legs are joined on the same calendar day (no forward fill: a day one venue did not trade is
NaN); USD/CNY is joined *as of* that day within ``max_fx_age_days`` (see
:mod:`metalwatch.analytics.units`). SHFE closes are the day session (15:00 Shanghai), LME prices
are official (midday London) and the FX close is Yahoo's, so same-day legs are a few hours apart.
Every function takes a canonical tidy frame (or a wide one with units in ``.attrs``) and returns
a date-indexed DataFrame with the legs, the rate used and the result, units in ``.attrs``.
The catalogue of every spread (ids, units, parameters) is
:mod:`~metalwatch.analytics.spread_catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metalwatch.analytics import units as u
from metalwatch.analytics.resample import as_wide
from metalwatch.analytics.schedules import DUTY_SCHEDULES, dated_rate
from metalwatch.errors import InvalidInputError, NoDataError


@dataclass(frozen=True)
class Metal:
    """The instruments that make a metal's cross-venue spreads."""

    code: str
    name: str
    shfe: str
    lme_cash: str
    lme_3m: str


METALS: dict[str, Metal] = {
    "CU": Metal("CU", "copper", "SHFE.CU", "LME.CA.CASH", "LME.CA.3M"),
    "AL": Metal("AL", "aluminum", "SHFE.AL", "LME.AH.CASH", "LME.AH.3M"),
    "SN": Metal("SN", "tin", "SHFE.SN", "LME.SN.CASH", "LME.SN.3M"),
}


def metal(code: str) -> Metal:
    """The :class:`Metal` for ``'CU'``, ``'AL'`` or ``'SN'`` (case-insensitive)."""
    try:
        return METALS[code.upper()]
    except KeyError:
        raise InvalidInputError(f"unknown metal {code!r} (use {', '.join(METALS)})") from None


def _legs(data: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    wide = as_wide(data)
    missing = [i for i in ids if i not in wide.columns or wide[i].isna().all()]
    if missing:
        raise NoDataError(f"no data for {', '.join(missing)}")
    legs = wide[ids].dropna(how="any")
    legs.attrs["units"] = {i: wide.attrs.get("units", {}).get(i) for i in ids}
    return legs


def _fx(data: pd.DataFrame, fx: pd.Series | None, dates: pd.Index, max_age: int) -> pd.DataFrame:
    rates = u.fx_series(data) if fx is None else fx
    return u.fx_asof(dates, rates, max_age)


def _lme_id(m: Metal, tenor: str) -> str:
    if tenor not in ("3M", "CASH"):
        raise InvalidInputError(f"tenor {tenor!r} is not supported (use '3M' or 'CASH')")
    return m.lme_3m if tenor == "3M" else m.lme_cash


def shfe_lme_ratio(
    data: pd.DataFrame,
    code: str = "CU",
    *,
    tenor: str = "3M",
    fx: pd.Series | None = None,
    max_fx_age_days: int = u.MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """SHFE/LME price ratio (沪伦比): SHFE CNY/t / (LME USD/t x USD/CNY).

    Parameters
    ----------
    code
        ``'CU'``, ``'AL'`` or ``'SN'``.
    tenor
        LME leg: ``'3M'`` (default) or ``'CASH'``.
    fx
        USD/CNY rates by date (default: ``FX.USDCNY`` close in ``data``).

    Returns
    -------
    DataFrame
        ``shfe`` (CNY/t), ``lme`` (USD/t), ``usdcny``, ``fx_date``, ``ratio`` and
        ``parity`` = (1 + VAT) x (1 + duty), the ratio at which imports break even.
    """
    m = metal(code)
    lme = _lme_id(m, tenor)
    legs = _legs(data, [m.shfe, lme])
    rate = _fx(data, fx, legs.index, max_fx_age_days)
    out = pd.DataFrame({"shfe": legs[m.shfe], "lme": legs[lme]}, index=legs.index)
    out[["usdcny", "fx_date"]] = rate[["usdcny", "fx_date"]]
    out["ratio"] = out["shfe"] / (out["lme"] * out["usdcny"])
    vat = u.vat_rate(m.shfe, out.index).to_numpy()
    out["parity"] = (1 + vat) * (1 + dated_rate(DUTY_SCHEDULES[m.code], out.index))
    out.attrs["units"] = {
        "shfe": "CNY/t",
        "lme": "USD/t",
        "usdcny": "CNY/USD",
        "ratio": "ratio",
        "parity": "ratio",
    }
    out.attrs["spread"] = f"{m.code}.SHFE/LME"
    out.attrs["params"] = {"tenor": tenor, "max_fx_age_days": max_fx_age_days}
    return out


def import_pl(
    data: pd.DataFrame,
    code: str = "CU",
    *,
    tenor: str = "3M",
    vat: float | None = None,
    duty: float | None = None,
    premium_usd: float = 0.0,
    fees_cny: float = 0.0,
    fx: pd.Series | None = None,
    max_fx_age_days: int = u.MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """Implied import profit/loss, CNY/t: SHFE price minus the landed cost of LME metal.

    ``cost = (LME + premium_usd) x USD/CNY x (1 + duty) x (1 + VAT) + fees_cny`` and
    ``pl = SHFE - cost``; the window is open when ``pl > 0``.

    Parameters
    ----------
    code
        ``'CU'``, ``'AL'`` or ``'SN'``.
    tenor
        LME leg: ``'3M'`` (default; SHFE main is a futures contract too) or ``'CASH'``.
    vat
        VAT rate; default None = China's dated rate (17 %, 16 % from 2018-05-01, 13 % from
        2019-04-01), the VAT included in SHFE prices.
    duty
        Import duty rate; default None = the dated :data:`DUTY_SCHEDULES` for the metal
        (copper 0 %, aluminium 5 % then 0 % from 2025, tin 3 %).
    premium_usd
        Physical premium paid over LME in USD/t (e.g. Yangshan copper); default 0 = bare
        exchange-to-exchange parity.
    fees_cny
        Port, bank and logistics costs in CNY/t; default 0.

    Returns
    -------
    DataFrame
        ``shfe``, ``lme``, ``usdcny``, ``fx_date``, ``vat``, ``duty``, ``cost`` and ``pl``
        (CNY/t), ``open`` (bool; NA where no rate).
    """
    m = metal(code)
    lme = _lme_id(m, tenor)
    legs = _legs(data, [m.shfe, lme])
    rate = _fx(data, fx, legs.index, max_fx_age_days)
    out = pd.DataFrame({"shfe": legs[m.shfe], "lme": legs[lme]}, index=legs.index)
    out[["usdcny", "fx_date"]] = rate[["usdcny", "fx_date"]]
    out["vat"] = u.vat_rate(m.shfe, out.index) if vat is None else float(vat)
    out["duty"] = dated_rate(DUTY_SCHEDULES[m.code], out.index) if duty is None else float(duty)
    out["cost"] = (out["lme"] + premium_usd) * out["usdcny"] * (1 + out["duty"]) * (
        1 + out["vat"]
    ) + fees_cny
    out["pl"] = out["shfe"] - out["cost"]
    out["open"] = (out["pl"] > 0).astype("boolean").mask(out["pl"].isna())
    out.attrs["units"] = {
        "shfe": "CNY/t",
        "lme": "USD/t",
        "usdcny": "CNY/USD",
        "vat": "rate",
        "duty": "rate",
        "cost": "CNY/t",
        "pl": "CNY/t",
    }
    out.attrs["spread"] = f"{m.code}.IMPORT"
    out.attrs["params"] = {
        "tenor": tenor,
        "vat": "CN dated" if vat is None else vat,
        "duty": "dated schedule" if duty is None else duty,
        "premium_usd": premium_usd,
        "fees_cny": fees_cny,
        "max_fx_age_days": max_fx_age_days,
    }
    return out


def gold_silver_ratio(
    data: pd.DataFrame, gold: str = "COMEX.GC", silver: str = "COMEX.SI"
) -> pd.DataFrame:
    """Gold/silver ratio: ounces of silver per ounce of gold, from same-day closes.

    Both legs are converted to USD/oz first if quoted otherwise (mass only: a pair in CNY is
    made VAT-exclusive, since Chinese silver prices carry VAT and gold prices do not).

    Returns
    -------
    DataFrame
        ``gold`` and ``silver`` (per oz, in their currency) and ``ratio``.
    """
    legs = _legs(data, [gold, silver])
    units = legs.attrs["units"]
    cur = {u.parse_unit(units[i]).currency for i in (gold, silver)}
    if len(cur) != 1:
        raise InvalidInputError(f"{gold} and {silver} are quoted in different currencies")
    ccy = cur.pop()
    per_oz = u.convert_wide(legs, f"{ccy}/oz", ex_vat=True)
    out = pd.DataFrame({"gold": per_oz[gold], "silver": per_oz[silver]}, index=legs.index)
    out["ratio"] = out["gold"] / out["silver"]
    out.attrs["units"] = {"gold": f"{ccy}/oz", "silver": f"{ccy}/oz", "ratio": "oz/oz"}
    out.attrs["spread"] = "AU/AG"
    out.attrs["params"] = {"gold": gold, "silver": silver}
    return out


def gold_premium(
    data: pd.DataFrame,
    shanghai: str = "SHFE.AU",
    london: str = "LBMA.AU.PM",
    *,
    fx: pd.Series | None = None,
    max_fx_age_days: int = u.MAX_FX_AGE_DAYS,
) -> pd.DataFrame:
    """Shanghai-London gold premium in USD/oz at the day's USD/CNY.

    ``premium = shanghai CNY/g / USD/CNY x g per troy oz - london USD/oz`` (no VAT: exchange
    gold in China is VAT-exempt). ``london`` may be ``'LBMA.AU.PM'`` or ``'COMEX.GC'``.

    Returns
    -------
    DataFrame
        ``shanghai`` (CNY/g), ``usdcny``, ``fx_date``, ``shanghai_usd`` and ``london`` (USD/oz),
        ``premium`` (USD/oz) and ``premium_pct``.
    """
    legs = _legs(data, [shanghai, london])
    rate = _fx(data, fx, legs.index, max_fx_age_days)
    out = pd.DataFrame({"shanghai": legs[shanghai]}, index=legs.index)
    out[["usdcny", "fx_date"]] = rate[["usdcny", "fx_date"]]
    conv = u.convert_column(
        legs[shanghai],
        legs.attrs["units"][shanghai],
        "USD/oz",
        fx=rate,
        vat=u.vat_rate(shanghai, legs.index),
    )
    out["shanghai_usd"] = conv
    out["london"] = legs[london]
    out["premium"] = out["shanghai_usd"] - out["london"]
    out["premium_pct"] = out["premium"] / out["london"] * 100.0
    out.attrs["units"] = {
        "shanghai": legs.attrs["units"][shanghai],
        "usdcny": "CNY/USD",
        "shanghai_usd": "USD/oz",
        "london": "USD/oz",
        "premium": "USD/oz",
        "premium_pct": "%",
    }
    out.attrs["spread"] = "AU.SH-LDN"
    out.attrs["params"] = {
        "shanghai": shanghai,
        "london": london,
        "max_fx_age_days": max_fx_age_days,
    }
    return out


def cash_3m(data: pd.DataFrame, code: str = "CU") -> pd.DataFrame:
    """LME cash-3M spread in USD/t: positive is backwardation, negative contango.

    Returns
    -------
    DataFrame
        ``cash``, ``three_month``, ``spread`` (USD/t) and ``structure``.
    """
    m = metal(code)
    legs = _legs(data, [m.lme_cash, m.lme_3m])
    out = pd.DataFrame({"cash": legs[m.lme_cash], "three_month": legs[m.lme_3m]})
    out["spread"] = out["cash"] - out["three_month"]
    out["structure"] = np.where(
        out["spread"] > 0, "backwardation", np.where(out["spread"] < 0, "contango", "flat")
    )
    out.attrs["units"] = {"cash": "USD/t", "three_month": "USD/t", "spread": "USD/t"}
    out.attrs["spread"] = f"{m.code}.CASH-3M"
    return out
