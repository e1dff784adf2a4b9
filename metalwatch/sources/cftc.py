"""CFTC Commitments of Traders (disaggregated) from the CFTC's public reporting API.

One GET per series to the Socrata endpoint ``https://publicreporting.cftc.gov/resource/
<dataset>.json`` with ``$where=cftc_contract_market_code='<code>' AND
report_date_as_yyyy_mm_dd >= '<start>'`` and ``$order=report_date_as_yyyy_mm_dd``. Two
datasets, two distinct instruments per market, never mixed:

``72hh-3qpy``
    Disaggregated **futures only**: managed money long/short and open interest (the fields
    the bundled ``CFTC.*.FUT`` history has).
``kh3c-gbw2``
    Disaggregated **futures and options combined**: all four trader groups (producer/merchant
    ``pm``, swap dealers ``sd``, managed money ``mm``, other reportables ``other``), long,
    short and net, and open interest.

Registry symbol ``"<dataset>:<market code>"``: COMEX gold 088691, silver 084691, copper
085692. Values are contracts, strings in the JSON. Each row is dated by its report's **as-of
Tuesday** (``report_date_as_yyyy_mm_dd``), which is what is stored; the CFTC releases it on
the Friday of the same week at 15:30 New York time (:func:`released`), so a row whose release
is still ahead of the run's time is held back and counted. Nets are long minus short, computed
here (the API has no net columns).
"""

from __future__ import annotations

from datetime import time as dtime
from typing import Any

import pandas as pd

from metalwatch.sources.base import Fetched, Fetcher, Query

BASE = "https://publicreporting.cftc.gov/resource/"
FUTURES_ONLY = "72hh-3qpy"
COMBINED = "kh3c-gbw2"
DATE = "report_date_as_yyyy_mm_dd"
#: Trader group -> (long column, short column) in the API.
GROUPS: dict[str, tuple[str, str]] = {
    "mm": ("m_money_positions_long_all", "m_money_positions_short_all"),
    "pm": ("prod_merc_positions_long", "prod_merc_positions_short"),
    "sd": ("swap_positions_long_all", "swap__positions_short_all"),
    "other": ("other_rept_positions_long", "other_rept_positions_short"),
}
#: Groups read from each dataset (the futures-only instruments keep managed money only).
DATASET_GROUPS: dict[str, tuple[str, ...]] = {
    FUTURES_ONLY: ("mm",),
    COMBINED: ("mm", "pm", "sd", "other"),
}
RELEASE_TZ = "America/New_York"
RELEASE_TIME = dtime(15, 30)


def released(as_of: pd.Timestamp) -> pd.Timestamp:
    """When the report as of ``as_of`` (a Tuesday, in holiday weeks another day) is public:
    the Friday of that week, 15:30 New York time (UTC)."""
    day = pd.Timestamp(as_of).normalize()
    friday = day + pd.Timedelta(days=(4 - day.day_of_week) % 7)
    local = pd.Timestamp.combine(friday.date(), RELEASE_TIME).tz_localize(RELEASE_TZ)
    return local.tz_convert("UTC")


class CftcFetcher(Fetcher):
    """One market of one CFTC disaggregated report (registry ``cftc = "72hh-3qpy:088691"``)."""

    key = "cftc"
    fields = (
        "mm_long",
        "mm_short",
        "mm_net",
        "open_interest",
        "pm_long",
        "pm_short",
        "pm_net",
        "sd_long",
        "sd_short",
        "sd_net",
        "other_long",
        "other_short",
        "other_net",
    )
    default_history_days = 3 * 365

    def fetch_raw(self, query: Query) -> Any:
        import requests

        dataset, _, code = query.symbol.partition(":")
        since = f"{query.start:%Y-%m-%d}T00:00:00"
        params = {
            "$where": f"cftc_contract_market_code='{code}' AND {DATE} >= '{since}'",
            "$order": DATE,
            "$limit": "5000",
        }
        resp = requests.get(BASE + dataset + ".json", params=params)
        return resp.json()

    def normalize(self, query: Query, raw: Any, out: Fetched) -> pd.DataFrame:
        dataset, _, code = query.symbol.partition(":")
        if dataset not in DATASET_GROUPS:
            raise self.format_error(query, f"unknown CFTC dataset {dataset!r}")
        if not isinstance(raw, list):
            raise self.format_error(query, f"the API answered {type(raw).__name__}, not a list")
        df = pd.DataFrame(raw)
        if df.empty:
            raise self.empty_payload(query, "no report rows from the CFTC API")
        cols = [DATE, "open_interest_all"]
        for group in DATASET_GROUPS[dataset]:
            cols += GROUPS[group]
        self.require(df, cols, query)
        if "cftc_contract_market_code" in df.columns:
            other = df["cftc_contract_market_code"].astype(str) != code
            if other.any():
                raise self.format_error(
                    query,
                    f"{int(other.sum())} rows of another market "
                    f"({df.loc[other, 'cftc_contract_market_code'].iloc[0]!r})",
                )
        dates = pd.to_datetime(df[DATE].astype(str).str[:10], errors="coerce")
        public = dates.map(released) <= query.now
        out.drop("reports not released yet (the CFTC publishes on Friday)", int((~public).sum()))
        wide = pd.DataFrame({"date": dates})
        wide["open_interest"] = pd.to_numeric(df["open_interest_all"], errors="coerce")
        for group in DATASET_GROUPS[dataset]:
            long_col, short_col = GROUPS[group]
            long_ = pd.to_numeric(df[long_col], errors="coerce")
            short = pd.to_numeric(df[short_col], errors="coerce")
            wide[f"{group}_long"] = long_
            wide[f"{group}_short"] = short
            wide[f"{group}_net"] = long_ - short
        if len(wide) and public.any():
            last = wide.loc[public.to_numpy(), "date"].max()
            out.notes.append(
                f"latest report as of {last:%a %Y-%m-%d}, released {released(last):%a %Y-%m-%d}"
            )
        return wide[public.to_numpy()]
