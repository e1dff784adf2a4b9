#!/usr/bin/env python3
"""Build metalwatch's bundled snapshot of real history from the shared datasets.

Reads ``shared/data/<dataset>/`` (units and quirks as each SOURCE.md states) and writes under
``--out`` (default ``metalwatch/data``): ``snapshot/<ID>.csv.gz`` (``date,field,value``),
``provenance.toml`` and ``news.csv.gz``. Deterministic: a rebuild is byte-identical.

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
    def __init__(self, registry: dict, fields: frozenset, quantities: frozenset):
        self.registry, self.fields, self.quantities = registry, fields, quantities
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
        long = wide.astype("float64").rename_axis("date").reset_index()
        long = long.melt(id_vars="date", var_name="field", value_name="value").dropna()
        long = long.sort_values(["date", "field"], ignore_index=True)
        if not all(map(math.isfinite, long["value"])):
            raise BuildError(f"{iid}: non-finite value")
        qty = long["field"].isin(self.quantities)
        if len(bad := long[(qty & (long["value"] < 0)) | (~qty & (long["value"] <= 0))]):
            raise BuildError(f"{iid}: non-positive price(s):\n{bad.head()}")
        src_meta = SOURCES[src]
        self.series[iid] = long
        self.meta[iid] = {k: src_meta[k].format(**fmt) for k in META_KEYS}
        self.meta[iid]["notes"] = notes + src_meta["notes"]


COMEX = {  # id: (alitalbi file, its commit, jongh0 file, jongh0 column, unit)
    "COMEX.GC": ("GC=F", "544ba3a9b942f95cd06473623ecf94969927ec88", "gold",
                 "gc_f_close_usd_per_ozt", "USD/oz"),
    "COMEX.SI": ("SI=F", "89a0c71db1ed4b99d63734da2be575a6a38616a3", "silver",
                 "si_f_close_usd_per_ozt", "USD/oz"),
    "COMEX.HG": ("HG=F", "7b4873f0eef97b31f9cf3d544022ad517c722c98", "copper",
                 "hg_f_close_converted_usd_per_tonne", "USD/lb"),
}  # fmt: skip
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


SHFE = {"CU": "沪铜连续", "AL": "沪铝连续", "SN": "沪锡连续", "AU": "黄金连续", "AG": "白银连续",
        "ZN": "沪锌连续", "NI": "沪镍连续", "PB": "沪铅连续", "AO": "氧化铝连续"}  # fmt: skip
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


EQUITIES = {"SSE.601899": "601899", "SSE.600362": "600362", "SSE.603993": "603993",
            "SSE.600111": "600111", "SSE.601600": "601600", "SZSE.000960": "000960",
            "SSE.600547": "600547"}  # fmt: skip
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


RARE = {"CN.PRND_OXIDE": ("prnd_oxide", "didymium_oxide(PrNd)"),
        "CN.TB_OXIDE": ("terbium_oxide",), "CN.DY_OXIDE": ("dysprosium_oxide",)}  # fmt: skip


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
    for iid, el in (("KOMIS.ND", "Nd"), ("KOMIS.CE", "Ce")):
        sub = indexed(df[df["element"] == el], "date", iid)
        grade = " / ".join(sorted(set(sub["grade_basis"])))
        wide = sub[["price"]].set_axis(["close"], axis=1)
        snap.add(iid, wide, "USD/kg", "komis", [], el=el, grade=grade)


WB = {"WB.CU": "Copper ($/mt)", "WB.AL": "Aluminum ($/mt)", "WB.SN": "Tin ($/mt)",
      "WB.ZN": "Zinc ($/mt)", "WB.NI": "Nickel ($/mt)", "WB.PB": "Lead ($/mt)",
      "WB.AU": "Gold ($/troy oz)", "WB.AG": "Silver ($/troy oz)",
      "WB.PT": "Platinum ($/troy oz)"}  # fmt: skip
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
    """Write the snapshot files, provenance.toml and news.csv.gz; return the summary rows."""
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
        "stocks, electrolytic cobalt in CNY, the Shenwan nonferrous index 801050; the live "
        "adapters fetch them, the bundled snapshot lacks them"
    )
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

    cols = ["date", "title", "source", "url"]
    rel = "news_headlines_pages/metals_news_headlines.csv"
    news = read(shared, rel, cols, dtype=str, keep_default_na=False)
    pd.to_datetime(news["date"], format="%Y-%m-%d")
    buf = io.StringIO()
    news.sort_values("date", kind="stable")[cols].to_csv(buf, index=False, lineterminator="\n")
    gz_write(out / "news.csv.gz", buf.getvalue())
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/data folder")
    ap.add_argument("--out", type=Path, default=ROOT / "metalwatch" / "data", help="output folder")
    args = ap.parse_args(argv)
    if not args.shared.is_dir():
        raise BuildError(f"shared data folder not found: {args.shared}")
    sys.path.insert(0, str(ROOT))
    from metalwatch.frame import FIELDS, NON_PRICE_FIELDS

    registry = tomllib.loads((ROOT / "metalwatch" / "instruments.toml").read_text("utf-8"))
    snap = Snapshot(registry, FIELDS, NON_PRICE_FIELDS)
    for build in (comex, lbma, lme, shfe, fx, comex_stocks, equities, rare_earths, komis, monthly):
        build(snap, args.shared)
    summary = write(snap, args.shared, args.out)
    print(f"{'instrument':<20} {'first':<10} {'last':<10} {'rows':>7}  fields")
    for iid, fields, first, last, rows in summary:
        print(f"{iid:<20} {first:<10} {last:<10} {rows:>7}  {','.join(fields)}")
    print(f"{len(summary)} instruments written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
