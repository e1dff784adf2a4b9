#!/usr/bin/env python3
"""Build metalwatch's bundled snapshot of real history from the shared datasets.

Reads ``shared/data/<dataset>/`` (units and quirks as each SOURCE.md states) and writes under
``--out`` (default ``metalwatch/data``): ``snapshot/<ID>.csv.gz`` (``date,field,value``),
``provenance.toml``, ``news.csv.gz`` and ``events.csv``. Deterministic: a rebuild is byte-identical.

    python scripts/build_snapshot.py [--shared DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import sys
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LB_PER_T = 2204.62  # the factor yf_comex_jongh0 applied upstream to HG=F
SHORT_TON_T = 0.90718474  # the factor copper_inventory_premium_loong applied to COMEX
META_KEYS = ("dataset", "upstream", "repository", "commit", "path", "licence")

# Provenance per source, from the SOURCE.md files. "{x}" placeholders are filled per instrument;
# each builder puts the notes it computes (counts, dates) before these fixed ones.
SOURCES = tomllib.loads(r"""
[yf_comex]
dataset = "yf_comex_jongh0; yf_comex_alitalbi"
upstream = "Yahoo Finance {tkr}: COMEX front-month futures, daily, via yfinance"
repository = "jongh0/macro-dashboard; alitalbi/storage_data_fy"
commit = "d7163008f7074d4a09027484aba3605c68ced982; {commit}"
path = "data/{name}.json; {tkr}.csv"
licence = "none stated; Yahoo Finance terms apply"
notes = [
    "jongh0's last row 2026-05-07 is kept though possibly not finalised by Yahoo.",
    "alitalbi rows 2025-07-13 (Sunday), 2025-09-01 (Labor Day), 2026-02-23 (intraday) dropped.",
    "Front-month contract, unadjusted at rolls; volume is thin and unreliable (zeros kept).",
]

[lbma]
dataset = "lbma_gold_pm"
upstream = "LBMA Gold Price PM (London 15:00 auction), USD/oz, LBMA feed gold_pm.json"
repository = "emgeorrk/market-comparison"
commit = "1233f9493820e66bfaccba676ababbe3ed5db429"
path = "data/raw/lbma_gold_pm.json"
licence = "none stated; (c) ICE Benchmark Administration / LBMA, redistribution restricted"
notes = ["fix = the USD value; GBP and EUR not bundled.", "No price on half days or UK holidays."]

[lme]
dataset = "lme_westmetall_charsha"
upstream = "LME {metal} {what}, as republished by westmetall.com"
repository = "c-harsha/lme"
commit = "f81b755ed46bf7b9866e9e2d17ff4b8b7ac0cc7d"
path = "data/{metal}.csv"
licence = "none stated; LME data is proprietary to the LME"
notes = []

[shfe]
dataset = "shfe_main_continuous_sina"
upstream = "Sina Finance SHFE main-continuous {code}0 ({name}), daily (futures_zh_daily_sina)"
repository = "{repo}"
commit = "{commit}"
path = "{path}"
licence = "none stated (no licence file)"
notes = [
    "Sina main-continuous contract, spliced at rolls, not back-adjusted.",
    "open_interest = hold; volume and open_interest in lots.",
]

[cny]
dataset = "yf_fx_alitalbi"
upstream = "Yahoo Finance CNY=X: onshore USD/CNY (CNY per USD), via yfinance"
repository = "alitalbi/storage_data_fy"
commit = "c4ca5a7209a2c7460a921c80248863c13fb8c355"
path = "CNY=X.csv"
licence = "none stated; Yahoo Finance terms apply"
notes = [
    "Intraday last row 2026-02-23 dropped; volume (always 0) not bundled.",
    "Rows 2025-07-14, 08-19, 08-21, 09-08, 09-15 were appended live: kept, maybe not final.",
    "Yahoo's quote, not the PBoC central parity; O=H=L=C on most rows.",
    "Sparse early history: weekly rows in 2001, a gap 2003-04-29..2003-12-01.",
]

[dxy]
dataset = "yf_fx_alitalbi"
upstream = "ICE US Dollar Index (Yahoo DX-Y.NYB), via yfinance"
repository = "alitalbi/storage_data_fy"
commit = "30bcca09725fef475cca28993ebcdf2eee1abd2f; 6ce9a7e5995b144c9575f74907f5035cd18b7292"
path = "DX-Y.NYB.csv (full-history version; current version)"
licence = "none stated; Yahoo Finance terms apply"
notes = [
    "The full-history version up to 2025-07-15, the current file from 2025-07-16.",
    "Intraday last row 2026-02-23 dropped; volume (always 0) not bundled.",
    "Rows 2025-08-19, 08-21, 09-08, 09-15 were appended live: kept, maybe not final.",
]

[cme_stocks]
dataset = "comex_stocks_cme_archive"
upstream = "CME Group daily COMEX {metal} stocks report ({xls}), grand totals"
repository = "Curarpikt0000/cme-data-archive"
commit = "a83df21c2b9b8c267da602b6264f2f398bfe2ee9"
path = "data/<date>/{xls}"
licence = "none stated; CME Group's public daily metal stocks reports"
notes = [
    "Rounded to 3 dp to remove the XLS float noise.",
    "Nothing before 2026-01-05; no dates 2026-03-23..04-06 or 04-08 (archive gap).",
]

[a_share]
dataset = "a_share_nonferrous_daily"
upstream = "A-share {code} daily bars: unadjusted (xbx dump, 2025 scrape); qfq (Tushare pro_bar)"
repository = "ganlei333/stockdata; suiwenfeng/stock; zdnniz/stock_page"
commit = "e4c6e193f7d164a7fb380c7d3f2c367baa898b1f; 1fe8998; 4efe974"
path = "{px}{code}.csv; {code}.csv; data/{code}.csv"
licence = "none stated (no licence file)"
notes = [
    "adj_close = the forward-adjusted (qfq as of 2026-02-06) close, 2025-01-02..2026-02-06.",
    "The unadjusted and adjusted bases are never mixed in one field.",
    "Volume not bundled (shares in the unadjusted files, lots in the qfq file).",
]

[smm]
dataset = "rare_earth_smm_quotes"
upstream = "SMM (Shanghai Metals Market) {product} quotes, transcribed from SMM news pages"
repository = "none (stored web pages; a url per row)"
commit = ""
path = "smm_rare_earth_oxide_quotes.csv"
licence = "none stated; SMM content is proprietary"
notes = [
    "Sparse point quotes (irregular dates), not a continuous series.",
    "low / high = the printed range (equal for a single price).",
    "mid = (low + high) / 2, derived here.",
    "The year of some late-2025 quotes is inferred from SMM article ids.",
    "100ppi_rare_earth_oxide_quotes.csv not used: another methodology, not to be spliced.",
]

[komis]
dataset = "komis_rare_earth_fob_china"
upstream = "KOMIS (Korea Mineral Information Service) {el} {grade}, daily"
repository = "jeewonshin/rare-earth-dashboard"
commit = "7d29504de314e10d3a2a85771888688d172383c5"
path = "data/prices.json"
licence = "none stated (no licence file)"
notes = [
    "close = the KOMIS daily price; the page does not say oxide or metal.",
    "China's working days incl. make-up weekend days; some weekdays missing.",
]

[wb]
dataset = "worldbank_pinksheet_monthly"
upstream = "World Bank Pink Sheet (CMO-Historical-Data-Monthly.xlsx, 2026-07-02), {col}"
repository = "datasets/gold-prices"
commit = "d02264e9b728c1c0c9ecd5b74d141ef6113f752e"
path = "cache/monthly.xls"
licence = "CC BY 4.0 (World Bank, Commodity Price Data); the package is ODC-PDDL-1.0"
notes = [
    "mean = the monthly average of daily prices, nominal USD.",
    "Dated on the last calendar day of the month (2025M12 -> 2025-12-31), a convention.",
]

[datahub]
dataset = "gold_monthly_datahub"
upstream = "datahub core/gold-prices: gold, USD/oz, monthly average"
repository = "datasets/gold-prices"
commit = "4d55fe13d45966c457d4e0a6854ecd24ef81da62"
path = "data/monthly.csv"
licence = "ODC-PDDL-1.0"
notes = [
    "close = the monthly AVERAGE price (the registry's field), not a month-end close.",
    "Dated on the last calendar day of the month (2025-12 -> 2025-12-31), a convention.",
    "1833-1959: annual figures (T. Green) repeated monthly; from 1960 the Pink Sheet gold.",
]

[fred]
dataset = "fred_us_rates"
upstream = "FRED {code} ({what}), percent, daily"
repository = "Thecoderstef/Macro-Charts"
commit = "4889f211b484ed8c7755a66371458b59ef3179d2"
path = "data/{code}.csv"
licence = "none stated; FRED / Federal Reserve data are US-government public data (cite FRED)"
notes = [
    "close = the FRED daily observation, percent p.a. (a rate: it may be zero or negative).",
    "Treasury-market holidays have no row (FRED's '.' dropped upstream, not filled).",
    "H.15 values as downloaded in July 2026; the Fed may revise them.",
]

[fred_dff]
dataset = "fred_us_rates"
upstream = "FRED DFF (effective federal funds rate, NY Fed EFFR), percent, daily"
repository = "HuseynliGulara/prediction-markets-fed-policy-forecasting"
commit = "720f4636c3a33bfec9347644560c258d4ba431e7"
path = "data/DFF.csv (FRED fredgraph.csv download; deleted upstream on 2026-08-11)"
licence = "none stated; FRED / NY Fed data are US-government public data (cite FRED)"
notes = [
    "close = the effective rate, not the target range; dated by the day the rate applies.",
    "The FOMC cut of 2025-12-10 shows from 2025-12-11 (3.89 -> 3.64).",
]

[cftc_fut]
dataset = "cftc_cot_metals"
upstream = "CFTC Disaggregated COT, Futures Only, COMEX {metal} {code}, weekly"
repository = "anilrcc/financial-dashboard"
commit = "dccc16f5ee5f0e3e814cd0c35c15d32ebc3bbf6a"
path = "{metal}_cot_data.json"
licence = "none stated; CFTC data are US-government public data"
notes = [
    "The Futures Only report: never mixed with the Futures-and-Options Combined instrument.",
    "open_interest = Open_Interest_All; mm_long / mm_short = M_Money_Positions_Long/Short_All.",
    "mm_net = mm_long - mm_short, computed here.",
    "Upstream net_pct_oi = mm_net / open_interest x 100 (checked on every row), not bundled.",
]

[cftc_comb]
dataset = "cftc_cot_metals"
upstream = "CFTC Disaggregated COT, Futures and Options Combined, COMEX {metal} {code}, weekly"
repository = "jurajisko/cotflow-data"
commit = "e48b2abdab88366fffc368dd2ab14eca9496f6ee"
path = "data/cot/{metal}.csv"
licence = "none stated; CFTC data are US-government public data"
notes = [
    "Futures-and-Options Combined (options delta-adjusted): never mixed with Futures Only.",
    "mm = managed money, pm = producer/merchant, sd = swap dealers, other = other reportables.",
    "open_interest = oi; *_net = long - short (computed upstream, checked on every row).",
]

[gfex]
dataset = "gfex_lithium_carbonate_sina"
upstream = "Sina Finance GFEX main-continuous LC0 (碳酸锂连续), daily (futures_zh_daily_sina)"
repository = "oowuyueco/pub"
commit = "7f305ee9575fcce047f01ffb7ef675bd20ca49ad"
path = "cn/新浪期货行情/碳酸锂连续.js"
licence = "none stated (no licence file); market data (c) GFEX / Sina"
notes = [
    "Sina main-continuous contract, spliced at rolls, not back-adjusted; a future, not spot.",
    "open_interest = hold; volume and open_interest in lots (1 lot = 1 t).",
]

[komis_oxide]
dataset = "komis_rare_earth_oxides_fob_china"
upstream = "KOMIS (Korea Mineral Information Service; ISE) {product} {grade}, daily"
repository = "Loong-kid/industry-dashboard"
commit = "1bc547217f0e034afc3bac3974fd5d7ebdb821ab"
path = "data/commodities/comm_{name}.json"
licence = "none stated (no licence file); KOMIS/ISE data, research use"
notes = [
    "close = the KOMIS posted reference price (cmercPrc); the same value can repeat.",
    "China's working days incl. make-up weekend days; Chinese holidays absent.",
    "An export price (FOB China, USD/kg), never spliced with the SMM CNY quotes (CN.*_OXIDE).",
    "KOMIS changes its rare-earth source step-wise from January 2026: 2026 may not match 2025.",
]

[komis_minor]
dataset = "komis_minor_metals"
upstream = "KOMIS (Korea Mineral Information Service; {via}) {what}, daily"
repository = "Loong-kid/industry-dashboard"
commit = "1bc547217f0e034afc3bac3974fd5d7ebdb821ab"
path = "data/commodities/comm_komis_{name}.json"
licence = "none stated (no licence file); KOMIS / {via} data, research use"
notes = [
    "close = the KOMIS posted reference price (기준가격): not a trade or volume-weighted price.",
    "KOMIS changes its data providers step-wise from 2026 (no exact dates per item).",
    "Not a Chinese domestic CNY price: not converted, never spliced with one.",
]

[shfe_warrants]
dataset = "shfe_copper_stocks_loong"
upstream = "SHFE daily warehouse warrant report (仓单日报), copper (cathode), all warehouses"
repository = "Loong-kid/industry-dashboard"
commit = "01f27d2b7fd35c7a135f4ef3a57394a4a000a9db"
path = "data/commodities/comm_copper_shfe_warrants.json"
licence = "none stated (no licence file); SHFE data, research use"
notes = [
    "stock = registered warehouse warrants (仓单), t.",
    "A subset of the weekly stock (SHFE.CU.STOCK): never add the two.",
]

[shfe_weekly]
dataset = "shfe_copper_stocks_loong; copper_inventory_premium_loong"
upstream = "SHFE weekly stock report (库存周报), copper total in designated warehouses"
repository = "Loong-kid/industry-dashboard"
commit = "00ce1f0e06daf1765d9e12a8ac286ac0c57385b5; 1bc547217f0e034afc3bac3974fd5d7ebdb821ab"
path = "data/commodities/comm_copper_shfe_inventory.json; comm_copper_total_inventory.json"
licence = "none stated (no licence file); SHFE data, research use"
notes = [
    "stock = the 库存周报 total, t: SHFE designated warehouses, not a Chinese social inventory.",
]

[exch_stock]
dataset = "copper_inventory_premium_loong"
upstream = "Copper exchange stocks SHFE weekly + COMEX total + LME reported, weekly sum"
repository = "Loong-kid/industry-dashboard"
commit = "1bc547217f0e034afc3bac3974fd5d7ebdb821ab"
path = "data/commodities/comm_copper_total_inventory.json"
licence = "none stated (no licence file); SHFE / CME / LME data, research use"
notes = [
    "stock = shfe_stock + comex_stock + lme_stock (upstream's sum, checked on every row).",
    "A sum of exchange stocks, NOT a social inventory (社会库存).",
    "Excluded: bonded-zone, producer, consumer, in-transit and LME off-warrant stock.",
    "comex_stock = COMEX registered + eligible, converted upstream: short t x 0.90718474.",
]

[yangshan]
dataset = "copper_inventory_premium_loong"
upstream = "Mysteel Yangshan copper premium, {what}, daily posted midpoint"
repository = "Loong-kid/industry-dashboard"
commit = "1bc547217f0e034afc3bac3974fd5d7ebdb821ab"
path = "data/commodities/comm_copper_yangshan_{name}.json"
licence = "none stated (no licence file); Mysteel data, research use"
notes = [
    "mid = Mysteel's posted midpoint, USD/t over the benchmark of the stated QP.",
    "The benchmark is not named (conventionally LME): a premium, not a price, not an SHFE basis.",
    "low / high = the printed range, only on 2025-12-05..12 (the only records read).",
    "Gaps are not filled (e.g. 2025-10-01..08, 2026-02-14..23, 2026-05-18..06-09, 06-12..29).",
    "Pyro and hydro move in lock-step (warrant gap 5, B/L gap 2 USD/t): one signal, two lines.",
    "2026-09-28 was transcribed offline upstream (integers); a few values were rejected unseen.",
]
""")


class BuildError(RuntimeError):
    """The shared data is not what this script expects."""


def read(shared: Path, rel: str, cols: list[str], **kw) -> pd.DataFrame:
    path = shared / rel
    if not path.is_file():
        raise BuildError(f"missing file: {path}")
    df = pd.read_csv(path, **kw)
    if lacking := [c for c in cols if c not in df.columns]:
        raise BuildError(f"{rel}: missing column(s) {lacking}; found {list(df.columns)}")
    return df


def indexed(df: pd.DataFrame, col: str, what: str) -> pd.DataFrame:
    """Index by a YYYY-MM-DD date column; raise on malformed or duplicate dates."""
    dates = df[col].astype(str)
    pd.to_datetime(dates, format="%Y-%m-%d")  # raises on anything else
    if dates.duplicated().any():
        raise BuildError(f"{what}: duplicate dates {sorted(set(dates[dates.duplicated()]))[:5]}")
    return df.set_index(dates.rename("date")).drop(columns=col)


def month_end(labels: pd.Series, fmt: str) -> pd.Series:
    return (pd.to_datetime(labels, format=fmt) + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d")


class Snapshot:
    def __init__(
        self, registry: dict, fields: frozenset, quantities: frozenset, signed: frozenset
    ) -> None:
        """``fields``, ``quantities`` and ``signed`` are the library's (metalwatch.frame)."""
        self.registry, self.fields = registry, fields
        self.quantities, self.signed = quantities, signed
        self.series: dict[str, pd.DataFrame] = {}
        self.meta: dict[str, dict] = {}

    def add(self, iid, wide: pd.DataFrame, unit: str, src: str, notes: list[str], **fmt) -> None:
        """Register one instrument from a date-indexed frame with one column per field."""
        if iid not in self.registry or iid in self.series:
            raise BuildError(f"{iid}: not in instruments.toml, or built twice")
        if (want := self.registry[iid]["unit"]) != unit:
            raise BuildError(f"{iid}: unit {unit!r} is not the registered {want!r}")
        if wide.index.duplicated().any():
            raise BuildError(f"{iid}: duplicate dates after cleaning")
        if unknown := set(wide.columns) - self.fields:
            raise BuildError(f"{iid}: unknown field(s) {sorted(unknown)}")
        if (reg_field := self.registry[iid]["field"]) not in wide.columns:
            raise BuildError(f"{iid}: no column for its registered field {reg_field!r}")
        long = wide.astype("float64").rename_axis("date").reset_index()
        long = long.melt(id_vars="date", var_name="field", value_name="value").dropna()
        long = long.sort_values(["date", "field"], ignore_index=True)
        if not all(map(math.isfinite, long["value"])):
            raise BuildError(f"{iid}: non-finite value")
        qty = long["field"].isin(self.quantities)
        signed = long["field"].isin(self.signed) | (self.registry[iid]["kind"] == "rate")
        price = ~qty & ~signed
        if len(bad := long[(qty & (long["value"] < 0)) | (price & (long["value"] <= 0))]):
            raise BuildError(f"{iid}: non-positive price(s):\n{bad.head()}")
        src_meta = SOURCES[src]
        self.series[iid] = long
        self.meta[iid] = {k: src_meta[k].format(**fmt) for k in META_KEYS}
        self.meta[iid]["notes"] = notes + src_meta["notes"]


COMEX = {  # id: (alitalbi file, its commit, jongh0 file, jongh0 column, unit)
    "COMEX.GC": (
        "GC=F",
        "544ba3a9b942f95cd06473623ecf94969927ec88",
        "gold",
        "gc_f_close_usd_per_ozt",
        "USD/oz",
    ),
    "COMEX.SI": (
        "SI=F",
        "89a0c71db1ed4b99d63734da2be575a6a38616a3",
        "silver",
        "si_f_close_usd_per_ozt",
        "USD/oz",
    ),
    "COMEX.HG": (
        "HG=F",
        "7b4873f0eef97b31f9cf3d544022ad517c722c98",
        "copper",
        "hg_f_close_converted_usd_per_tonne",
        "USD/lb",
    ),
}
OHLV = ["Open", "High", "Low", "Volume"]


def comex(snap: Snapshot, shared: Path) -> None:
    for iid, (tkr, commit, name, col, unit) in COMEX.items():
        a = read(shared, f"yf_comex_alitalbi/{tkr}.csv", ["Date", "Close", *OHLV])
        a = indexed(a, "Date", tkr).drop(index=["2025-07-13", "2025-09-01", "2026-02-23"])
        j = indexed(read(shared, f"yf_comex_jongh0/{name}.csv", ["date", col]), "date", name)[col]
        hg, on = iid == "COMEX.HG", a.index.intersection(j.index)
        diff = (a.loc[on, "Close"] * (LB_PER_T if hg else 1) - j[on]).abs()
        agree = diff < (0.01 if hg else 0.006)
        ok, bad = agree.index[agree], agree.index[~agree]
        close = (j / LB_PER_T).round(4) if hg else j
        first = f"close = yf_comex_jongh0 (a later full re-download) on all {len(j)} dates."
        if hg:
            close[ok] = a.loc[ok, "Close"]
            first = (
                "close (USD/lb) = alitalbi's quote where it agrees with jongh0 (within 0.01 USD/t),"
                f" else jongh0 / 2204.62 rounded to 4 dp ({len(j) - len(ok)} dates)."
            )
        notes = [
            first,
            f"open/high/low/volume = yf_comex_alitalbi, only on the {len(ok)} dates whose close"
            f" agrees with jongh0; not on {len(bad)} dates captured live: {', '.join(bad)}.",
        ]
        wide = pd.concat([close.rename("close"), a.loc[ok, OHLV].rename(columns=str.lower)], axis=1)
        snap.add(iid, wide, unit, "yf_comex", notes, tkr=tkr, commit=commit, name=name)


def lbma(snap: Snapshot, shared: Path) -> None:
    df = read(shared, "lbma_gold_pm/lbma_gold_pm.csv", ["date", "usd_per_ozt"])
    fix = indexed(df, "date", "lbma")[["usd_per_ozt"]].set_axis(["fix"], axis=1)
    snap.add("LBMA.AU.PM", fix, "USD/oz", "lbma", [])


def lme(snap: Snapshot, shared: Path) -> None:
    legs = (
        ("CASH", "cash_settlement", "settle", "USD/t", "official cash settlement price"),
        ("3M", "three_month", "close", "USD/t", "3-month official price"),
        ("STOCK", "lme_stock", "stock", "t", "total warehouse stock (on-warrant + cancelled)"),
    )
    for code, metal in (("CA", "copper"), ("AH", "aluminium"), ("SN", "tin")):
        df = read(shared, f"lme_westmetall_charsha/{metal}.csv", ["date", *(g[1] for g in legs)])
        df = indexed(df, "date", metal)
        for leg, col, field, unit, what in legs:
            notes = [f"{field} = {col}."]
            if leg != "STOCK":
                notes.append("An official (midday ring) price, not the LME 17:00 close.")
            if n := int(df[col].isna().sum()):
                notes.append(f"{n} dates empty upstream are absent (not filled).")
            wide = df[[col]].set_axis([field], axis=1)
            snap.add(f"LME.{code}.{leg}", wide, unit, "lme", notes, metal=metal, what=what)


SHFE = {
    "CU": "沪铜连续",
    "AL": "沪铝连续",
    "SN": "沪锡连续",
    "AU": "黄金连续",
    "AG": "白银连续",
    "ZN": "沪锌连续",
    "NI": "沪镍连续",
    "PB": "沪铅连续",
    "AO": "氧化铝连续",
}
SHFE_UNITS = {"AU": "CNY/g", "AG": "CNY/kg"}  # others CNY/t
SHFE_EXTRA = {
    "AL": ["From another copy (AKShare AL0 generated 2026-06-23), hence ending 2026-06-22."],
    "SN": ["The first row 2015-03-27 (close 15905) is about 1/7 of the next day's; kept as found."],
}


def shfe(snap: Snapshot, shared: Path) -> None:
    cols = ["open", "high", "low", "close", "volume", "hold", "settle"]
    for code, name in SHFE.items():
        df = read(shared, f"shfe_main_continuous_sina/{code}0.csv", ["date", *cols])
        df = indexed(df, "date", code)[cols].rename(columns={"hold": "open_interest"})
        zero, odd = df["settle"] == 0, df.index[(df.close > df.high) | (df.close < df.low)]
        df["settle"] = df["settle"].mask(zero)
        notes = [f"settle 0 means 'not provided': {int(zero.sum())} such values dropped."]
        if len(odd):
            notes.append(f"close outside [low, high] on {', '.join(odd)}; kept as found.")
        if code == "AL":
            repo = ("2424540049-a11y/TestAlall", "26c60b8e915aed2806cf4ea727ad1afb804c3d17")
            path = "DATA/aluminum_AL0_daily_2005_20260622.csv"
        else:
            repo = ("oowuyueco/pub", "ebf3531183b4cd02bf8f1665842dae3cc52543bc")
            path = f"cn/新浪期货行情/{name}.js"
        notes += SHFE_EXTRA.get(code, [])
        unit, extra = SHFE_UNITS.get(code, "CNY/t"), dict(repo=repo[0], commit=repo[1], path=path)
        snap.add(f"SHFE.{code}", df, unit, "shfe", notes, code=code, name=name, **extra)


def fx(snap: Snapshot, shared: Path) -> None:
    cols = ["Date", "Close", "Open", "High", "Low"]
    c = indexed(read(shared, "yf_fx_alitalbi/CNY=X.csv", cols), "Date", "CNY=X")[cols[1:]]
    weekend = c.index[pd.to_datetime(c.index).day_of_week >= 5]
    c = c.drop(index=[*weekend, "2026-02-23"]).rename(columns=str.lower)
    notes = [f"{len(weekend)} weekend-dated rows dropped: {', '.join(weekend)}."]
    snap.add("FX.USDCNY", c, "CNY/USD", "cny", notes)

    old = read(shared, "yf_fx_alitalbi/DX-Y.NYB_history_1971-2025-08-12.csv", cols)
    old = indexed(old, "Date", "DXY history")[cols[1:]]
    new = indexed(read(shared, "yf_fx_alitalbi/DX-Y.NYB.csv", cols), "Date", "DXY")[cols[1:]]
    overlap = old.index.intersection(new.index).drop("2025-08-12")  # old file's intraday last row
    if (old.loc[overlap] - new.loc[overlap]).abs().max().max() > 1e-9:
        raise BuildError("DX-Y.NYB: the history and current files disagree on their overlap")
    dxy = pd.concat([old[old.index <= "2025-07-15"], new[new.index >= "2025-07-16"]])
    dxy = dxy.drop(index="2026-02-23").rename(columns=str.lower)
    snap.add("ICE.DXY", dxy, "index", "dxy", [f"Both files equal on {len(overlap)} common days."])


OZ_LABELS = ("COMBINED TOTAL", "TOTAL REGISTERED", "TOTAL ELIGIBLE")
CU_LABELS = ("TOTAL COPPER", "Total Registered (warranted)", "Total Eligible (non-warranted)")
STOCKS = {  # id: (file stem, unit, CME file, labels of stock / registered / eligible)
    "COMEX.GC.STOCK": ("gold", "oz", "Gold_Stocks.xls", OZ_LABELS),
    "COMEX.SI.STOCK": ("silver", "oz", "Silver_stocks.xls", OZ_LABELS),
    "COMEX.HG.STOCK": ("copper", "short t", "Copper_Stocks.xls", CU_LABELS),
}


def comex_stocks(snap: Snapshot, shared: Path) -> None:
    for iid, (metal, unit, xls, labels) in STOCKS.items():
        rel = f"comex_stocks_cme_archive/comex_{metal}_stocks_totals.csv"
        df = read(shared, rel, ["activity_date", "total_label", "total_today"])
        if missing := set(labels) - set(df["total_label"]):
            raise BuildError(f"{iid}: label(s) {sorted(missing)} not found")
        df = df[df["total_label"].isin(labels)]
        if df.duplicated(["activity_date", "total_label"]).any():
            raise BuildError(f"{iid}: duplicate (activity_date, label)")
        wide = df.pivot(index="activity_date", columns="total_label", values="total_today")
        wide = wide[list(labels)].set_axis(["stock", "registered", "eligible"], axis=1).round(3)
        notes = [f"date = activity_date; stock / registered / eligible = {' / '.join(labels)}."]
        snap.add(iid, wide, unit, "cme_stocks", notes, metal=metal, xls=xls)


EQUITIES = {
    "SSE.601899": "601899",
    "SSE.600362": "600362",
    "SSE.603993": "603993",
    "SSE.600111": "600111",
    "SSE.601600": "601600",
    "SZSE.000960": "000960",
    "SSE.600547": "600547",
}
OHLC_ZH = {"开盘价": "open", "最高价": "high", "最低价": "low", "收盘价": "close"}


def equities(snap: Snapshot, shared: Path) -> None:
    base, zh = "a_share_nonferrous_daily", list(OHLC_ZH)
    for iid, code in EQUITIES.items():
        px = "sz" if iid.startswith("SZSE") else "sh"
        x = read(shared, f"{base}/raw_to_2022_xbx/{px}{code}.csv", ["交易日期", *zh])
        x = indexed(x, "交易日期", f"xbx {code}")[zh].rename(columns=OHLC_ZH)
        rel = f"{base}/raw_2021_2025_suiwenfeng/{code}.csv"
        s = read(shared, rel, ["日期", *zh], dtype={"日期": str})
        s["日期"] = s["日期"].str[:4] + "-" + s["日期"].str[4:6] + "-" + s["日期"].str[6:]
        s = indexed(s, "日期", f"suiwenfeng {code}")[zh].rename(columns=OHLC_ZH)
        q = read(shared, f"{base}/qfq_2025_2026_zdnniz/{code}.csv", ["date", "close"])
        q = indexed(q, "date", f"qfq {code}")["close"].rename("adj_close")
        both = x.index.intersection(s.index)
        if (x.loc[both] != s.loc[both]).any().any():
            raise BuildError(f"{iid}: the two unadjusted copies disagree on their overlap")
        raw = pd.concat([x[x.index <= "2022-01-14"], s[s.index > "2022-01-14"]])
        same = f"equal on their {len(both)} common days" if len(both) else "no common days"
        notes = [
            "open/high/low/close are UNADJUSTED: ganlei333/stockdata to 2022-01-14, "
            f"suiwenfeng/stock after ({same}), ending 2025-05-23."
        ]
        if code == "000960":
            notes.append("No unadjusted data 2022-01-17..2024-07-18 (hole in both copies).")
        wide = pd.concat([raw, q], axis=1)
        snap.add(iid, wide, "CNY/share", "a_share", notes, px=px, code=code)


RARE = {
    "CN.PRND_OXIDE": ("prnd_oxide", "didymium_oxide(PrNd)"),
    "CN.TB_OXIDE": ("terbium_oxide",),
    "CN.DY_OXIDE": ("dysprosium_oxide",),
}


def rare_earths(snap: Snapshot, shared: Path) -> None:
    rel = "rare_earth_smm_quotes/smm_rare_earth_oxide_quotes.csv"
    df = read(shared, rel, ["quote_date", "product", "price_low", "price_high", "unit"])
    known = {p for ps in RARE.values() for p in ps}
    if bad := (set(df["unit"]) - {"CNY/t", "CNY/kg"}) | (set(df["product"]) - known):
        raise BuildError(f"SMM quotes: unexpected unit(s) or product(s) {bad}")
    per_kg = df["unit"] == "CNY/kg"
    scale = per_kg.map({True: 1000, False: 1})
    df[["price_low", "price_high"]] = df[["price_low", "price_high"]].mul(scale, axis=0)
    for iid, products in RARE.items():
        sub, notes = df[df["product"].isin(products)], []
        if len(kg := sub.loc[per_kg[sub.index], "quote_date"]):
            notes.append(f"Quoted in CNY/kg on {', '.join(kg)}: multiplied by 1000 to CNY/t.")
        if (dup := sub["quote_date"].duplicated()).any():
            notes.append(f"Repeated quote dates {', '.join(sub.quote_date[dup])}: first kept.")
            sub = sub[~dup]
        if len(products) > 1:
            notes.append("2013 'didymium_oxide(PrNd)' rows: the same product, SMM's old name.")
        wide = indexed(sub, "quote_date", iid)[["price_low", "price_high"]]
        wide = wide.set_axis(["low", "high"], axis=1).assign(mid=lambda w: (w.low + w.high) / 2)
        snap.add(iid, wide, "CNY/t", "smm", notes, product=products[0])


def komis(snap: Snapshot, shared: Path) -> None:
    rel = "komis_rare_earth_fob_china/komis_nd_ce_fob_china_daily.csv"
    df = read(shared, rel, ["date", "element", "grade_basis", "price", "unit"])
    if set(df["unit"]) != {"USD/kg"}:
        raise BuildError(f"KOMIS: unexpected unit(s) {set(df['unit'])}")
    sub = indexed(df[df["element"] == "Ce"], "date", "KOMIS.CE")  # Nd: komis_oxides, longer
    grade = " / ".join(sorted(set(sub["grade_basis"])))
    wide = sub[["price"]].set_axis(["close"], axis=1)
    snap.add("KOMIS.CE", wide, "USD/kg", "komis", [], el="Ce", grade=grade)


WB = {
    "WB.CU": "Copper ($/mt)",
    "WB.AL": "Aluminum ($/mt)",
    "WB.SN": "Tin ($/mt)",
    "WB.ZN": "Zinc ($/mt)",
    "WB.NI": "Nickel ($/mt)",
    "WB.PB": "Lead ($/mt)",
    "WB.AU": "Gold ($/troy oz)",
    "WB.AG": "Silver ($/troy oz)",
    "WB.PT": "Platinum ($/troy oz)",
}
WB_EXTRA = {
    "WB.AU": "Gold: spot average of daily rates from June 2025, London PM fixing before.",
    "WB.AG": "Silver: London afternoon fixing (Handy & Harman before July 1976).",
    "WB.AL": "LME settlement price (cash before 2005).",
    "WB.NI": "LME settlement price (cash before 2005).",
}


def monthly(snap: Snapshot, shared: Path) -> None:
    rel = "worldbank_pinksheet_monthly/pinksheet_monthly_metals.csv"
    df = read(shared, rel, ["month", *WB.values()], dtype={"month": str})
    df = indexed(df.assign(month=month_end(df["month"], "%YM%m")), "month", "pink sheet")
    for iid, col in WB.items():
        notes = [WB_EXTRA.get(iid, "LME settlement price." if "$/mt" in col else "")]
        if n := int(df[col].isna().sum()):
            notes.append(f"{n} empty cells (not available) skipped.")
        unit = "USD/t" if "$/mt" in col else "USD/oz"
        wide = df[[col]].set_axis(["mean"], axis=1)
        snap.add(iid, wide, unit, "wb", [n for n in notes if n], col=col)

    g = read(shared, "gold_monthly_datahub/monthly.csv", ["Date", "Price"], dtype={"Date": str})
    g = indexed(g.assign(Date=month_end(g["Date"], "%Y-%m")), "Date", "datahub gold")
    snap.add(
        "DATAHUB.AU.MONTHLY", g[["Price"]].set_axis(["close"], axis=1), "USD/oz", "datahub", []
    )


FRED = {
    "DGS10": "10-year Treasury constant maturity, H.15",
    "DFII10": "10-year TIPS constant maturity real yield, H.15",
    "DGS2": "2-year Treasury constant maturity, H.15",
    "T10YIE": "10-year breakeven inflation = DGS10 - DFII10, computed by FRED",
}
FRED_START = "Starts 2003-01-02 only because upstream's chart config asked for it."
FRED_CHECK = "Equal to an independent FRED download (sivamsapingali/Codex_Macro-Monitor @ 8d636dd)"
FRED_EXTRA = {
    "DGS10": [FRED_START, f"{FRED_CHECK} on all 5752 common dates (to 2025-12-31)."],
    "DFII10": [FRED_START, "No second copy was found to check it against."],
    "DGS2": [f"{FRED_CHECK} on all 6501 common dates (to 2025-12-30)."],
    "T10YIE": [
        FRED_START,
        "Published a day later than DGS10 in this copy (last row 2026-07-29).",
        f"{FRED_CHECK} on all 5753 common dates (to 2025-12-31).",
    ],
}


def fred(snap: Snapshot, shared: Path) -> None:
    for code, what in FRED.items():
        df = indexed(read(shared, f"fred_us_rates/{code}.csv", ["date", code]), "date", code)
        if len(weekend := df.index[pd.to_datetime(df.index).day_of_week >= 5]):
            raise BuildError(f"FRED {code}: weekend rows {list(weekend[:5])}")
        notes = list(FRED_EXTRA[code])
        if n := int((df[code] <= 0).sum()):
            notes.append(f"Zero or negative on {n} days (e.g. real yields 2012-13, 2020-22): kept.")
        snap.add(
            f"FRED.{code}",
            df[[code]].set_axis(["close"], axis=1),
            "percent",
            "fred",
            notes,
            code=code,
            what=what,
        )

    df = read(shared, "fred_us_rates/DFF.csv", ["observation_date", "DFF"])
    df = indexed(df, "observation_date", "DFF")
    weekend = pd.to_datetime(df.index).day_of_week >= 5
    if len(df) != (pd.Timestamp(df.index[-1]) - pd.Timestamp(df.index[0])).days + 1:
        raise BuildError("FRED DFF: expected one row per calendar day")
    notes = [
        f"{int(weekend.sum())} Saturday/Sunday rows dropped: FRED repeats Friday's rate there.",
        "Weekday holidays keep FRED's carried value (no holiday calendar applied).",
    ]
    wide = df.loc[~weekend, ["DFF"]].set_axis(["close"], axis=1)
    snap.add("FRED.DFF", wide, "percent", "fred_dff", notes)


CFTC = {"GC": ("gold", "088691"), "SI": ("silver", "084691"), "HG": ("copper", "085692")}
COT_GROUPS = ("mm", "pm", "sd", "other")
COT_NOTES = [
    "Row date = the report's as-of date (a Tuesday; Monday or Wednesday in holiday weeks:"
    " {odd}); the CFTC releases it the following Friday.",
    "After the Oct-Nov 2025 shutdown the CFTC caught up on Oct-Dec 2025 reports late: the"
    " 2025-12-09 positions may not have been public by 2025-12-12.",
    "Contracts: gold 100 oz, silver 5,000 oz, copper 25,000 lb (COMEX, not LME).",
]


def cot_notes(dates: pd.Index, downloaded: str) -> list[str]:
    odd = dates[pd.to_datetime(dates).day_of_week != 1]
    notes = [n.format(odd=", ".join(odd)) for n in COT_NOTES]
    return [*notes, f"As downloaded in {downloaded}; the CFTC occasionally revises past reports."]


def cftc(snap: Snapshot, shared: Path) -> None:
    base = "cftc_cot_metals"
    for code, (metal, market) in CFTC.items():
        cols = ["date", "mm_long", "mm_short", "open_interest", "net_pct_oi"]
        rel = f"{base}/disagg_futures_only_anilrcc/{metal}_futures_only.csv"
        fo = read(shared, rel, cols)
        js = pd.DataFrame(
            json.loads(
                (shared / rel.replace("_futures_only.csv", "_cot_data.json")).read_text("utf-8")
            )
        )
        if not js[cols].equals(fo[cols].astype(js[cols].dtypes.to_dict())):
            raise BuildError(f"CFTC {metal}: the futures-only CSV differs from upstream's JSON")
        fo = indexed(fo, "date", f"CFTC {metal} futures only")
        net = fo["mm_long"] - fo["mm_short"]
        if ((net / fo["open_interest"] * 100).round(2) - fo["net_pct_oi"]).abs().max() > 1e-9:
            raise BuildError(f"CFTC {metal}: net_pct_oi disagrees with the positions")
        wide = fo[["mm_long", "mm_short", "open_interest"]].assign(mm_net=net)
        notes = cot_notes(wide.index, "January 2026")
        snap.add(f"CFTC.{code}.FUT", wide, "contracts", "cftc_fut", notes, metal=metal, code=market)

        sides = [f"{g}_{s}" for g in COT_GROUPS for s in ("long", "short", "net")]
        co = read(shared, f"{base}/disagg_combined_cotflow/{metal}.csv", ["date", "oi", *sides])
        co = indexed(co, "date", f"CFTC {metal} combined")
        for g in COT_GROUPS:
            if (co[f"{g}_long"] - co[f"{g}_short"] != co[f"{g}_net"]).any():
                raise BuildError(f"CFTC {metal} combined: {g}_net is not long - short")
            if (co[[f"{g}_long", f"{g}_short"]].max(axis=1) > co["oi"]).any():
                raise BuildError(f"CFTC {metal} combined: a {g} position exceeds open interest")
        wide = co[sides + ["oi"]].rename(columns={"oi": "open_interest"})
        notes = cot_notes(wide.index, "June 2026")
        snap.add(
            f"CFTC.{code}.COMBINED", wide, "contracts", "cftc_comb", notes, metal=metal, code=market
        )


def gfex(snap: Snapshot, shared: Path) -> None:
    cols = ["open", "high", "low", "close", "volume", "hold", "settle"]
    df = read(shared, "gfex_lithium_carbonate_sina/LC0.csv", ["date", *cols])
    df = indexed(df, "date", "LC0")[cols].rename(columns={"hold": "open_interest"})
    zero, odd = df["settle"] == 0, df.index[(df.close > df.high) | (df.close < df.low)]
    df["settle"] = df["settle"].mask(zero)
    notes = [f"settle 0 means 'not provided' ({', '.join(df.index[zero])}): dropped."]
    if len(odd):
        notes.append(f"close outside [low, high] on {', '.join(odd)}; kept as found.")
    snap.add("GFEX.LC", df, "CNY/t", "gfex", notes)


KOMIS_OXIDES = {  # id: (element, KOMIS product, file name, mineral code, criterion, grade)
    "KOMIS.PR": ("Pr", "Praseodymium Oxide", "praseodymium", "MNRL1056", 758, "99.5%min FOB China"),
    "KOMIS.ND": ("Nd", "Neodymium Oxide", "neodymium", "MNRL1001", 757, "99.5%min FOB China"),
    "KOMIS.DY": ("Dy", "Dysprosium Oxide", "dysprosium", "MNRL1004", 803, "99.5%min FOB China"),
    "KOMIS.TB": ("Tb", "Terbium Oxide", "terbium", "MNRL1005", 806, "99.99%min FOB China"),
}
#: The first day KOMIS posts round-number steps for every ISE series (its provider change).
ISE_STEPS_FROM = "2026-08-10"


def steps_note(close: pd.Series) -> str:
    late = close[close.index >= ISE_STEPS_FROM]
    return (
        f"From {ISE_STEPS_FROM} ({len(late)} rows) the price moves only in round steps"
        f" ({late.nunique()} levels): the new provider's assessments, kept as posted."
    )


def komis_oxides(snap: Snapshot, shared: Path) -> None:
    rel = "komis_rare_earth_oxides_fob_china/komis_pr_nd_dy_tb_oxide_fob_china_daily.csv"
    cols = ["date", "element", "product", "komis_code", "komis_criterion", "grade_basis", "price"]
    df = read(shared, rel, [*cols, "unit"])
    old = read(
        shared,
        "komis_rare_earth_fob_china/komis_nd_ce_fob_china_daily.csv",
        ["date", "element", "price"],
    )
    old = indexed(old[old["element"] == "Nd"], "date", "KOMIS Nd (jeewonshin)")["price"]
    for iid, (el, product, name, mineral, crit, grade) in KOMIS_OXIDES.items():
        sub = df[df["element"] == el]
        want = {(product, mineral, crit, grade, "USD/kg")}
        if set(map(tuple, sub[cols[2:6] + ["unit"]].drop_duplicates().to_numpy())) != want:
            raise BuildError(f"{iid}: product, criterion, grade or unit is not {want}")
        if snap.registry[iid].get("sources", {}).get("komis") != f"{mineral}:{crit}":
            raise BuildError(f"{iid}: the registry's KOMIS criterion is not {mineral}:{crit}")
        close = indexed(sub, "date", iid)["price"]
        notes = [f"KOMIS {mineral}:{crit}, '{product}' {grade}.", steps_note(close)]
        if el == "Nd":
            both = old.index.intersection(close.index)
            span = close[(close.index >= old.index[0]) & (close.index <= old.index[-1])]
            if (old[both] != close[both]).any() or len(both) != len(old) or len(span) != len(old):
                raise BuildError("KOMIS.ND: the two KOMIS copies disagree")
            notes.append(
                f"Equal to komis_rare_earth_fob_china (jeewonshin/rare-earth-dashboard) on all"
                f" {len(both)} of its dates ({old.index[0]}..{old.index[-1]})."
            )
        snap.add(
            iid,
            close.to_frame("close"),
            "USD/kg",
            "komis_oxide",
            notes,
            product=product,
            grade=grade,
            name=name,
        )


KOMIS_MINOR = {  # id: (criterion, file name, source via KOMIS, unit, what)
    "KOMIS.CO.LME_CASH": (709, "cobalt_709", "LME", "USD/t", "cobalt metal 99.8%, LME cash"),
    "KOMIS.CO.LME_15M": (708, "cobalt_708", "LME", "USD/t", "cobalt metal 99.8%, LME 15-month"),
    "KOMIS.CO.ROTTERDAM": (
        791,
        "cobalt_791",
        "ISE",
        "USD/kg",
        "cobalt metal 99.8%min, in warehouse Rotterdam",
    ),
    "KOMIS.LI.SPODUMENE": (
        771,
        "lithium_771",
        "ISE",
        "USD/t",
        "spodumene concentrate Li2O 6%min, CIF China",
    ),
    "KOMIS.LI.LIOH": (
        772,
        "lithium_772",
        "ISE",
        "USD/kg",
        "lithium hydroxide monohydrate LiOH 56.5%min, FOB China",
    ),
    "KOMIS.SB.INGOT": (780, "antimony_780", "ISE", "USD/t", "antimony ingot 99.65%min, FOB China"),
    "KOMIS.SB.TRIOXIDE": (
        781,
        "antimony_781",
        "ISE",
        "USD/t",
        "antimony trioxide 99.5%min, FOB China",
    ),
}
#: LME cobalt via KOMIS: from this day both series glide ~10 % a day to a new level (to 41350 on
#: 2026-10-07), the provider change per SOURCE.md, not a market move: those rows are dropped.
LME_COBALT_BREAK = "2026-09-03"
KOMIS_MINOR_EXTRA = {
    "KOMIS.CO.LME_15M": "One-day outliers kept as posted: 2025-05-12 36535, 2026-01-23 58555,"
    " 2026-02-16 58610, 2026-08-14 56365.",
    "KOMIS.CO.LME_CASH": "Flat at 24300 from 2024-11-15 to 2025-01-16, as posted.",
    "KOMIS.LI.SPODUMENE": "Spodumene concentrate, not lithium carbonate; per metric tonne.",
    "KOMIS.LI.LIOH": "'Magnets 0.0001%max' is printed in the basis (meaning unclear).",
}


def komis_minor(snap: Snapshot, shared: Path) -> None:
    rel = "komis_minor_metals/komis_minor_metals_daily.csv"
    cols = ["date", "komis_criterion", "komis_code", "product", "specification", "grade_basis"]
    df = read(shared, rel, [*cols, "price", "unit"], dtype={"specification": str})
    for iid, (crit, name, via, unit, what) in KOMIS_MINOR.items():
        sub = df[df["komis_criterion"] == crit]
        meta = sub[cols[2:] + ["unit"]].drop_duplicates()
        if len(meta) != 1 or meta["unit"].iloc[0] != unit:
            raise BuildError(f"{iid}: more than one product/basis, or a unit other than {unit}")
        mineral, product, spec, basis, _ = meta.iloc[0]
        close = indexed(sub, "date", iid)["price"]
        notes = [f"KOMIS {mineral}:{crit}, '{product}' {spec}, basis '{basis}'."]
        if via == "LME":
            after = close[close.index >= LME_COBALT_BREAK]
            if (
                len(after) == 0
                or after.iloc[0] > 0.95 * close[close.index < LME_COBALT_BREAK].iloc[-1]
            ):
                raise BuildError(f"{iid}: no provider break on {LME_COBALT_BREAK} any more")
            close = close[close.index < LME_COBALT_BREAK]
            notes.append(
                f"{len(after)} rows {after.index[0]}..{after.index[-1]} dropped: from"
                f" {LME_COBALT_BREAK} the price glides ~10 % a day to {after.iloc[-1]:g},"
                " KOMIS's 2026 provider change, not a market move."
            )
            notes.append("LME business days (UK holidays absent); bid/ask/official not stated.")
        else:
            notes.append(steps_note(close))
            notes.append("ISE / Chinese calendar: make-up weekend days present, holidays absent.")
        notes += [n for n in [KOMIS_MINOR_EXTRA.get(iid, "")] if n]
        snap.add(
            iid, close.to_frame("close"), unit, "komis_minor", notes, via=via, what=what, name=name
        )


def missing_weeks(dates: pd.Index) -> list[str]:
    """The Fridays of the weeks (Saturday..Friday) between the first and last date with no date."""
    have = set(pd.to_datetime(dates).to_period("W-FRI"))
    weeks = pd.period_range(min(have), max(have), freq="W-FRI")
    return [f"{w.end_time:%Y-%m-%d}" for w in weeks if w not in have]


def copper_stocks(snap: Snapshot, shared: Path) -> None:
    base = "shfe_copper_stocks_loong"
    w = read(
        shared,
        f"{base}/shfe_copper_warrants_daily.csv",
        ["date", "warrant_stock_t", "daily_change_t"],
    )
    w = indexed(w, "date", "SHFE warrants")
    if (w["warrant_stock_t"].diff().iloc[1:] != w["daily_change_t"].iloc[1:]).any():
        raise BuildError("SHFE warrants: a day's change is not the difference of the stocks")
    notes = [
        f"{len(w)} SHFE trading days; SHFE's printed daily change (equal to the differences)"
        " not bundled."
    ]
    snap.add(
        "SHFE.CU.WARRANT",
        w[["warrant_stock_t"]].set_axis(["stock"], axis=1),
        "t",
        "shfe_warrants",
        notes,
    )

    wk = read(shared, f"{base}/shfe_copper_stock_weekly.csv", ["date", "weekly_stock_t"])
    wk = indexed(wk, "date", "SHFE weekly stock")["weekly_stock_t"]
    cols = ["date", "total_3exch_t", "shfe_weekly_t", "comex_total_t", "lme_t"]
    asof = ["shfe_asof", "comex_asof", "lme_asof"]
    ex = indexed(
        read(
            shared, "copper_inventory_premium_loong/copper_exchange_stocks_weekly.csv", cols + asof
        ),
        "date",
        "exchange stocks",
    )
    shfe = ex.set_index("shfe_asof")["shfe_weekly_t"]
    if shfe.index.duplicated().any():
        raise BuildError("exchange stocks: duplicate SHFE as-of dates")
    both = wk.index.intersection(shfe.index)
    if len(both) < 4 or (wk[both] != shfe[both]).any():
        raise BuildError("SHFE weekly stock: the two copies disagree (or barely overlap)")
    later = shfe[shfe.index > wk.index[-1]]
    stock = pd.concat([wk, later]).to_frame("stock")
    notes = [
        f"To {wk.index[-1]} shfe_copper_stock_weekly (comm_copper_shfe_inventory.json @ 00ce1f0e);"
        f" {later.index[0]}..{later.index[-1]} the SHFE column of comm_copper_total_inventory.json"
        f" @ 1bc54721, dated by its SHFE source date; equal on their {len(both)} common weeks.",
        f"Weeks without a report (holidays), not filled: {', '.join(missing_weeks(stock.index))}.",
        "SHFE's printed weekly change not bundled (after a missing week it is against that week).",
    ]
    snap.add("SHFE.CU.STOCK", stock, "t", "shfe_weekly", notes)

    parts = ex[["shfe_weekly_t", "comex_total_t", "lme_t"]]
    if ((parts.sum(axis=1).round(3) - ex["total_3exch_t"]).abs() > 1e-6).any():
        raise BuildError("exchange stocks: the total is not SHFE + COMEX + LME")
    lme = snap.series["LME.CA.STOCK"].set_index("date")["value"]
    on = ex[ex["lme_asof"].isin(lme.index)]
    if len(on) < 10 or (on["lme_t"].to_numpy() != lme[on["lme_asof"]].to_numpy()).any():
        raise BuildError("exchange stocks: the LME part is not LME.CA.STOCK")
    hg = snap.series["COMEX.HG.STOCK"]
    hg = hg[hg["field"] == "stock"].set_index("date")["value"] * SHORT_TON_T
    on_hg = ex[ex["comex_asof"].isin(hg.index)]
    if (
        len(on_hg) < 5
        or (on_hg["comex_total_t"] - hg[on_hg["comex_asof"]].to_numpy()).abs().max() > 2e-3
    ):
        raise BuildError("exchange stocks: the COMEX part is not COMEX.HG.STOCK in tonnes")
    lag = ex[(ex[asof].ne(ex.index.to_series(), axis=0)).any(axis=1)]
    notes = [
        "Row date = upstream's anchor, the SHFE weekly report date (non-Friday: "
        + ", ".join(ex.index[pd.to_datetime(ex.index).day_of_week != 4])
        + ").",
        "A component taken before the anchor: "
        + "; ".join(
            f"{d}: " + ", ".join(f"{c.split('_')[0]} {r[c]}" for c in asof if r[c] != d)
            for d, r in lag.iterrows()
        )
        + ".",
        f"lme_stock = LME.CA.STOCK on its {len(on)} common dates; comex_stock = COMEX.HG.STOCK x"
        f" 0.90718474 (within 0.002 t) on its {len(on_hg)} common dates: checked here.",
        "History starts 2025-10-10: upstream omits weeks with a missing or stale component"
        " (95 earlier anchors; 2026-02-20).",
    ]
    wide = ex[["total_3exch_t", "shfe_weekly_t", "comex_total_t", "lme_t"]]
    wide = wide.set_axis(["stock", "shfe_stock", "comex_stock", "lme_stock"], axis=1)
    snap.add("EXCH.CU.STOCK", wide, "t", "exch_stock", notes)


YANGSHAN = {  # id: (contract, grade, upstream file, what)
    "YANGSHAN.CU.WARRANT_PYRO": (
        "warehouse_warrant",
        "pyrometallurgical",
        "warehouse_warrant",
        "warehouse warrant (ETA/QP), pyrometallurgical",
    ),
    "YANGSHAN.CU.WARRANT_HYDRO": (
        "warehouse_warrant",
        "hydrometallurgical",
        "warehouse_warrant",
        "warehouse warrant (ETA/QP), hydrometallurgical (SX-EW)",
    ),
    "YANGSHAN.CU.BL_PYRO": (
        "bill_of_lading",
        "pyrometallurgical",
        "bill_of_lading",
        "bill of lading (QP), pyrometallurgical",
    ),
    "YANGSHAN.CU.BL_HYDRO": (
        "bill_of_lading",
        "hydrometallurgical",
        "bill_of_lading",
        "bill of lading (QP), hydrometallurgical (SX-EW)",
    ),
}
YANGSHAN_EXTRA = {
    "YANGSHAN.CU.BL_HYDRO": "From 2026-04-08 equal to the warrant hydro premium on every common"
    " date (market or upstream artefact): kept; read 2026 with care.",
}


def yangshan(snap: Snapshot, shared: Path) -> None:
    base = "copper_inventory_premium_loong"
    df = read(
        shared,
        f"{base}/yangshan_premium_mysteel_daily.csv",
        ["date", "contract", "grade", "midpoint_usd_t"],
    )
    rec = read(
        shared,
        f"{base}/yangshan_premium_records_2025-12-05_12.csv",
        ["date", "contract", "grade", "low", "high", "midpoint"],
    )
    if ((rec["low"] + rec["high"]) / 2 != rec["midpoint"]).any():
        raise BuildError("Yangshan records: a midpoint is not the middle of its range")
    for iid, (contract, grade, name, what) in YANGSHAN.items():
        mid = indexed(df[(df.contract == contract) & (df.grade == grade)], "date", iid)
        lh = rec[(rec.contract == contract) & (rec.grade == grade)]
        lh = indexed(lh, "date", f"{iid} records")
        if (lh["midpoint"] != mid.loc[lh.index, "midpoint_usd_t"]).any():
            raise BuildError(f"{iid}: a record's midpoint differs from the series")
        wide = pd.concat([mid["midpoint_usd_t"].rename("mid"), lh[["low", "high"]]], axis=1)
        notes = [f"{len(mid)} quote days {mid.index[0]}..{mid.index[-1]}."]
        notes += [n for n in [YANGSHAN_EXTRA.get(iid, "")] if n]
        snap.add(iid, wide, "USD/t", "yangshan", notes, what=what, name=name)


NEWS_COLUMNS = ["date", "time", "title", "source", "url"]


def headlines(shared: Path) -> tuple[pd.DataFrame, dict]:
    """The bundled headlines (date, time as printed, title, publisher, url) and their provenance."""
    rel = "news_headlines_pages/metals_news_headlines.csv"
    pages = read(
        shared,
        rel,
        ["date", "time_local_as_printed", "title", "source", "url"],
        dtype=str,
        keep_default_na=False,
    )
    pages = pages.rename(columns={"time_local_as_printed": "time"})
    seed = read(
        shared,
        "seed_news_events/headlines.csv",
        ["published_local", "source", "title"],
        dtype=str,
        keep_default_na=False,
    )
    stamp = seed["published_local"].str.extract(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$")
    if stamp.isna().any().any():
        raise BuildError("seed headlines: a time not printed as 'YYYY-MM-DD HH:MM'")
    seed = seed.assign(date=stamp[0], time=stamp[1], url="").sort_values(["date", "time"])
    news = pd.concat([pages, seed], ignore_index=True)[NEWS_COLUMNS]
    pd.to_datetime(news["date"], format="%Y-%m-%d")
    if not news["time"].str.fullmatch(r"(\d{2}:\d{2})?").all():
        raise BuildError("headlines: a time not printed as HH:MM")
    if news.duplicated(["date", "title"]).any():
        raise BuildError("headlines: a (date, title) twice: the store would keep only one")
    news = news.sort_values("date", kind="stable", ignore_index=True)
    meta = {
        "dataset": "news_headlines_pages; seed_news_events",
        "upstream": "stored public news pages (one url per row); the seed's ten news result pages",
        "repository": "none (stored web pages; the seed document 000_aee259785ca06d13.txt)",
        "commit": "",
        "path": "metals_news_headlines.csv; headlines.csv",
        "licence": "none; headlines are short factual references with attribution",
        "fields": NEWS_COLUMNS,
        "first": news["date"].iloc[0],
        "last": news["date"].iloc[-1],
        "rows": len(news),
        "notes": [
            f"{len(pages)} page headlines and {len(seed)} seed headlines (no url: the seed gives"
            " none); source = the publisher.",
            "time = HH:MM as printed by the publisher (China time for SMM and the seed pages),"
            " empty where none was printed.",
            "Three seed pages (第一财经, 2025-12-14) are about China's ageing labour force, not"
            " metals: kept as published; a keyword filter must not take them as metals news.",
            "The events the seed pages state are bundled apart: events.csv, [events].",
        ],
    }
    return news, meta


def events(shared: Path) -> tuple[str, dict]:
    """The bundled events (``metalwatch.event.COLUMNS``, as CSV text) and their provenance.

    Each row of ``seed_news_events/events.csv`` goes through ``metalwatch.event.parse_event``,
    the one validation every way an event comes in uses; ``source`` = the pages that state it.
    """
    from metalwatch.event import COLUMNS, events_frame, parse_event

    rel = "seed_news_events/events.csv"
    columns = ["date", "date_precision", "region", "kind", "metals", "event_en", "event_zh"]
    raw = read(shared, rel, [*columns, "stated_by"], dtype=str, keep_default_na=False)
    parsed = [parse_event(row, f"{rel} row {n}") for n, row in enumerate(raw.to_dict("records"), 1)]
    table = events_frame(parsed)
    if table["id"].duplicated().any():
        raise BuildError(f"{rel}: two events share an id (date, region, kind and metals)")
    buf = io.StringIO()
    rows = table.assign(date=table["date"].dt.strftime("%Y-%m-%d"))
    rows[list(COLUMNS)].to_csv(buf, index=False, lineterminator="\n")
    months = table.loc[table["precision"] == "month", "date"].dt.strftime("%Y-%m")
    meta = {
        "dataset": "seed_news_events",
        "upstream": "dated events stated by the seed's ten news result pages (搜狐财经, 国投证券)",
        "repository": "none (the seed document 000_aee259785ca06d13.txt)",
        "commit": "",
        "path": "events.csv",
        "licence": "none; short factual references with attribution",
        "fields": list(COLUMNS),
        "first": f"{table['date'].iloc[0]:%Y-%m-%d}",
        "last": f"{table['date'].iloc[-1]:%Y-%m-%d}",
        "rows": len(table),
        "notes": [
            "Transcribed from the page summaries; not checked against the primary announcements.",
            f"precision = month for {len(months)} events whose pages give only the month"
            f" ({', '.join(sorted(set(months)))}): the date is then the month's first day,"
            " written and drawn as the month.",
            "source = the pages that state the event (publisher and time, China time); no url.",
            "The Fed's 2025-12-10 cut agrees with FRED DFF stepping from 3.89 to 3.64 on"
            " 2025-12-11.",
        ],
    }
    return buf.getvalue(), meta


def gz_write(path: Path, text: str) -> None:
    with path.open("wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def toml_value(v) -> str:
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        inline = "[" + ", ".join(map(toml_value, v)) + "]"
        lines = "".join(f"    {toml_value(x)},\n" for x in v)
        return inline if len(inline) < 80 else f"[\n{lines}]"
    return json.dumps(str(v), ensure_ascii=False)  # JSON string escapes are valid TOML


def write(snap: Snapshot, shared: Path, out: Path) -> list[tuple]:
    """Write the snapshot files, provenance.toml, news.csv.gz and events.csv; return the summary."""
    (out / "snapshot").mkdir(parents=True, exist_ok=True)
    for stale in (out / "snapshot").glob("*.csv.gz"):
        if stale.name.removesuffix(".csv.gz") not in snap.series:
            stale.unlink()
    tables, summary = [], []
    for iid in (i for i in snap.registry if i in snap.series):  # registry order
        long = snap.series[iid]
        lines = [f"{d},{f},{float(v)!r}" for d, f, v in long.itertuples(index=False)]
        gz_write(out / "snapshot" / f"{iid}.csv.gz", "\n".join(["date,field,value", *lines, ""]))
        fields, dates = sorted(long["field"].unique()), long["date"]
        meta = {k: v for k, v in snap.meta[iid].items() if k != "notes"}
        meta |= {"unit": snap.registry[iid]["unit"], "fields": fields, "first": dates.iloc[0]}
        meta |= {"last": dates.iloc[-1], "rows": len(long), "notes": snap.meta[iid]["notes"]}
        body = "".join(f"{k} = {toml_value(v)}\n" for k, v in meta.items())
        tables.append(f'["{iid}"]\n{body}')
        summary.append((iid, fields, dates.iloc[0], dates.iloc[-1], len(long)))
    missing = [i for i in snap.registry if i not in snap.series]
    reason = (
        "no public history was found (shared/README): SGE Au99.99 spot, SHFE weekly warehouse "
        "stocks of aluminium and tin, electrolytic cobalt in CNY, the Shenwan nonferrous index "
        "801050; none is in shared/data for the Yahoo rare-earth equity proxies (MP, REMX, "
        "LYC.AX), the SHFE daily warrants of aluminium, tin, zinc, nickel and lead, the SGE gold "
        "and silver benchmarks, the 100ppi spot prices and basis (CN.SPOT.*), the Shenwan "
        "nonferrous sub-indices and the Shenwan valuations (SW.*.VALUATION); the live "
        "adapters fetch them, the bundled snapshot lacks them"
    )
    news, news_meta = headlines(shared)
    tables.append("[news]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in news_meta.items()))
    events_csv, events_meta = events(shared)
    body = "".join(f"{k} = {toml_value(v)}\n" for k, v in events_meta.items())
    tables.append(f"[events]\n{body}")
    tables.append(
        f"[missing]\ninstruments = {toml_value(missing)}\nreason = {toml_value(reason)}\n"
    )
    header = (
        "# Provenance of metalwatch/data/snapshot/*.csv.gz (rows = date,field,value lines).\n"
        "# Generated by scripts/build_snapshot.py from shared/data; do not edit by hand.\n\n"
    )
    text = header + "\n".join(tables)
    tomllib.loads(text)  # self-check
    (out / "provenance.toml").write_text(text, encoding="utf-8")

    buf = io.StringIO()
    news.to_csv(buf, index=False, lineterminator="\n")
    gz_write(out / "news.csv.gz", buf.getvalue())
    (out / "events.csv").write_bytes(events_csv.encode("utf-8"))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "metalwatch" / "data", help="output folder")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        raise BuildError(f"shared data folder not found: {args.shared}")
    sys.path.insert(0, str(ROOT))
    from metalwatch.frame import FIELDS, NON_PRICE_FIELDS, SIGNED_FIELDS

    registry = tomllib.loads((ROOT / "metalwatch" / "instruments.toml").read_text("utf-8"))
    snap = Snapshot(registry, FIELDS, NON_PRICE_FIELDS, SIGNED_FIELDS)
    builders = (
        comex,
        lbma,
        lme,
        shfe,
        fx,
        comex_stocks,
        equities,
        rare_earths,
        komis,
        monthly,
        fred,
        cftc,
        gfex,
        komis_oxides,
        komis_minor,
        copper_stocks,
        yangshan,
    )
    for build in builders:  # copper_stocks checks against LME.CA.STOCK and COMEX.HG.STOCK
        build(snap, args.shared)
    summary = write(snap, args.shared, args.out)
    print(f"{'instrument':<26} {'first':<10} {'last':<10} {'rows':>7}  fields")
    for iid, fields, first, last, rows in summary:
        print(f"{iid:<26} {first:<10} {last:<10} {rows:>7}  {','.join(fields)}")
    print(f"{len(summary)} instruments written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
