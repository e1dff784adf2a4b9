"""Rare-earth oxide prices, FOB China in USD/kg, from KOMIS (Korea Mineral Information Service).

Why KOMIS: akshare has no rare-earth function. KOMIS publishes, without login, a daily
history (Nd and Pr oxide since 2010, Dy 2013, Tb 2019) as JSON behind its public "minor
metals" page, and each answer states its own unit, currency, grade and delivery basis, so a
unit change is caught rather than stored. The Chinese alternatives (100ppi, SMM, Asian Metal)
are HTML news pages with irregular quotes, or paid. Caveats: it is an FOB China export price
in USD, not the domestic CNY price Chinese brokers quote (load those with
:mod:`metalwatch.sources.file_prices`); KOMIS announced a phased change of its rare-earth data
provider from January 2026 with no per-item switch date; it blocks some cloud networks by
answering 200 with an empty body, which is reported as such.

Requests, all to ``www.komis.or.kr`` (a session cookie is needed, so the page is read first):

1. ``GET /Komis/RsrcPrice/MinorMetals`` (cookie);
2. ``POST /Komis/RsrcPrice/ajax/getMnrlPriceCrtr`` (``mnrkndUnqCd``): the mineral's price
   criteria ``[{cdKey, cdVal, spcfct}]``; the registered criterion must be listed (the keys
   are surrogate keys that KOMIS has been seen to change);
3. ``POST /Komis/RsrcPrice/ajax/getMnrlPrcByMnrkndUnqCd`` (mineral, criterion, years):
   ``data.defaultMnrl`` rows ``{crtrYmd: "YYYYMMDD", cmercPrc: "96.74", ...}`` and
   ``dataAvg.INFO`` ``{weigUnitCd: "kg", prcUnitCdNm: "USD", prcCrtr: "99.5%min FOB China"}``.

Registry symbol: ``"<mineral code>:<criterion>"``, e.g. ``MNRL1001:757`` (Nd oxide 99.5%).
A price of 0 means "not published": counted as a missing value, not stored.

The same site serves cobalt (``MNRL0003``: LME cash 709 and 15-month 708 in USD/t, Rotterdam
in-warehouse 791 in USD/kg), lithium (``MNRL0001``: spodumene 771 in USD/t, LiOH 772 in USD/kg)
and antimony (``MNRL0019``: ingot 780, trioxide 781, USD/t). Every criterion is checked
against :data:`SPECS` before a price is read: the product (``cdVal``), the purity
(``spcfct``) and the delivery basis (in ``prcCrtr``) must be the registered ones, so a
surrogate key that KOMIS reissues for another product is refused, not stored. KOMIS writes
metric tonnes as ``mt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from metalwatch import registry
from metalwatch.errors import SourceUnavailableError, UnitScaleError
from metalwatch.sources.base import Fetched, Fetcher, Query

BASE = "https://www.komis.or.kr"
PAGE = BASE + "/Komis/RsrcPrice/MinorMetals"
CRITERIA = BASE + "/Komis/RsrcPrice/ajax/getMnrlPriceCrtr"
PRICES = BASE + "/Komis/RsrcPrice/ajax/getMnrlPrcByMnrkndUnqCd"
HEADERS = {"X-Requested-With": "XMLHttpRequest", "Referer": PAGE}
#: KOMIS weight unit codes -> the registry's.
WEIGHTS = {"kg": "kg", "mt": "t", "t": "t"}


@dataclass(frozen=True)
class Spec:
    """What a KOMIS price criterion must be: product, purity and delivery basis, as KOMIS
    prints them (``cdVal``, ``spcfct``, a part of ``prcCrtr``)."""

    product: str
    purity: str
    basis: str


#: Criterion key -> its registered product, purity and basis (from the recorded payloads and
#: ``../shared/data/komis_*``).
SPECS: dict[str, Spec] = {
    "757": Spec("Neodymium Oxide", "99.5", "FOB China"),
    "758": Spec("Praseodymium Oxide", "99.5", "FOB China"),
    "803": Spec("Dysprosium Oxide", "99.5", "FOB China"),
    "806": Spec("Terbium Oxide", "99.99", "FOB China"),
    "802": Spec("Cerium Oxide", "99", "FOB China"),
    "708": Spec("코발트메탈 LME(15개월)", "99.8", "LME(15개월)"),
    "709": Spec("코발트메탈 LME CASH", "99.8", "LME CASH"),
    "791": Spec("Cobalt Metal", "99.8", "In warehouse Rotterdam"),
    "771": Spec("Spodumene", "6%", "CIF China"),
    "772": Spec("Lithium Hydroxide Monohydrate", "56.5", "FOB China"),
    "780": Spec("Antimony Ingot", "99.65", "FOB China"),
    "781": Spec("Antimony Trioxide", "99.5", "FOB China"),
}


class KomisFetcher(Fetcher):
    """Daily KOMIS price of one mineral and price criterion."""

    key = "komis"
    fields = ("close",)

    def fetch_raw(self, query: Query) -> dict[str, Any]:
        import requests

        code, _, criterion = query.symbol.partition(":")
        with requests.Session() as s:
            s.get(PAGE)
            asked = {"HP000": "HP002", "mnrkndUnqCd": code}
            options = self._json(s.post(CRITERIA, data=asked, headers=HEADERS), query)
            form = {
                "HP000": "HP002",
                "mnrkndUnqRadioCd": code,
                "srchMnrkndUnqCd": code,
                "srchPrcCrtr": criterion,
                "srchAvgOpt": "DAY",
                "srchField": "year",
                "srchStartDate": str(query.start.year),
                "srchEndDate": str(query.end.year),
            }
            prices = self._json(s.post(PRICES, data=form, headers=HEADERS), query)
        return {"criterion": criterion, "options": options, "prices": prices}

    def _json(self, resp: Any, query: Query) -> Any:
        if not resp.content.strip():
            raise SourceUnavailableError(
                "KOMIS answered an empty body (it does so to networks it blocks)",
                series=query.instrument,
                source=self.label,
                url=str(resp.url),
                status=int(resp.status_code),
            )
        return resp.json()

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        options = raw["options"].get("data") or []
        keys = {str(o.get("cdKey")): o for o in options}
        if raw["criterion"] not in keys:
            listed = ", ".join(f"{k} {o.get('cdVal')} {o.get('spcfct')}" for k, o in keys.items())
            raise self.format_error(
                query,
                f"price criterion {raw['criterion']} is no longer offered "
                f"(offered: {listed or 'none'})",
            )
        prices = raw["prices"]
        info = (prices.get("dataAvg") or {}).get("INFO") or {}
        self._check_spec(query, raw["criterion"], keys[raw["criterion"]], info)
        weight = str(info.get("weigUnitCd"))
        unit = f"{info.get('prcUnitCdNm')}/{WEIGHTS.get(weight.lower(), weight)}"
        want = registry.get(query.instrument)
        if unit != want.unit or unit not in ("USD/kg", "USD/t"):
            raise UnitScaleError(
                f"KOMIS quotes {unit}, registered unit is {want.unit}",
                series=query.instrument,
                source=self.label,
                field="close",
            )
        rows = (prices.get("data") or {}).get("defaultMnrl")
        if rows is None:
            raise self.format_error(query, "key 'data.defaultMnrl' missing from the payload")
        df = pd.DataFrame(rows)
        if df.empty:
            raise self.empty_payload(query, "no price rows from KOMIS")
        self.require(df, ["crtrYmd", "cmercPrc"], query)
        price = pd.to_numeric(df["cmercPrc"].astype(str).str.replace(",", ""), errors="coerce")
        unpublished = price == 0  # counted by finish() as missing values
        dates = pd.to_datetime(df["crtrYmd"].astype(str), format="%Y%m%d", errors="coerce")
        return pd.DataFrame({"date": dates, "close": price.mask(unpublished)})

    def _check_spec(
        self, query: Query, criterion: str, option: dict[str, Any], info: dict[str, Any]
    ) -> None:
        """Refuse a criterion whose product, purity or delivery basis is not the registered one."""
        spec = SPECS.get(criterion)
        if spec is None:
            raise self.format_error(query, f"price criterion {criterion} has no registered spec")
        product = str(option.get("cdVal", "")).strip()
        purity = str(option.get("spcfct", "")).strip()
        basis = " ".join(str(info.get("prcCrtr", "")).split())
        wrong = [
            f"{what} {got!r} (registered {want!r})"
            for what, got, want, ok in (
                ("product", product, spec.product, product == spec.product),
                ("purity", purity, spec.purity, purity == spec.purity),
                ("basis", basis, spec.basis, spec.basis in basis),
            )
            if not ok
        ]
        if wrong:
            raise self.format_error(query, f"price criterion {criterion} is now {'; '.join(wrong)}")
