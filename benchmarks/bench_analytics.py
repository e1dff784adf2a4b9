"""Benchmark (not a test): weekly moves + spreads + statistical context over 100 series x 25 years.

The data are synthetic but derived from the real bundled history, and this says how:

* The 20 real series the quant layer combines (SHFE, LME cash/3M and stocks, COMEX, LBMA,
  USD/CNY, the dollar index) are read from the bundled snapshot and their daily log returns
  aligned on business days (a day a venue did not trade counts as a zero return).
* Each of 5 "worlds" draws 25 years of business days (2001-2025) by a *joint* block bootstrap
  of those return rows (blocks of 20 days, the same rows for every series, so cross-venue
  co-movement, volatility clustering and fat tails carry over), starts each series at its real
  level times a world-specific perturbation exp(N(0, 0.05)), and removes days at each series'
  real holiday rate (SHFE also shut for a week at Spring Festival, so empty weeks occur).
* 5 worlds x 20 series = 100 series, each world a canonical frame with the real instrument ids,
  so the registry, units and spread legs apply unchanged.

Run: ``python benchmarks/bench_analytics.py [--worlds 5] [--seed 7]``. Prints timings per phase,
per series, and ratios against the same work on the real bundled data.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from metalwatch import frame, registry
from metalwatch.analytics.context import weekly_context
from metalwatch.analytics.moves import compute_moves
from metalwatch.analytics.spread_catalogue import all_spreads
from metalwatch.sources import bundled

SERIES = [
    "SHFE.CU",
    "SHFE.AL",
    "SHFE.SN",
    "SHFE.AU",
    "SHFE.AG",
    "LME.CA.CASH",
    "LME.CA.3M",
    "LME.AH.CASH",
    "LME.AH.3M",
    "LME.SN.CASH",
    "LME.SN.3M",
    "COMEX.GC",
    "COMEX.SI",
    "COMEX.HG",
    "LBMA.AU.PM",
    "FX.USDCNY",
    "ICE.DXY",
    "LME.CA.STOCK",
    "LME.AH.STOCK",
    "LME.SN.STOCK",
]
START, END, BLOCK = "2001-01-01", "2025-12-31", 20


def real_returns(real: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Daily log returns on business days 2015-2025 (all series live), levels, holiday rates."""
    wide = frame.to_wide(real)[SERIES]
    days = pd.bdate_range("2015-04-01", "2025-12-31")
    on_days = wide.reindex(days)
    holiday = on_days.isna().mean()
    rets = np.log(on_days.ffill()).diff().iloc[1:].fillna(0.0)
    return rets, on_days.ffill().iloc[0], holiday


def world(rets: pd.DataFrame, level: pd.Series, holiday: pd.Series, rng) -> pd.DataFrame:
    """One synthetic 25-year canonical frame (see the module docstring)."""
    days = pd.bdate_range(START, END)
    starts = rng.integers(0, len(rets) - BLOCK, size=len(days) // BLOCK + 1)
    rows = np.concatenate([np.arange(s, s + BLOCK) for s in starts])[: len(days)]
    paths = np.exp(np.cumsum(rets.to_numpy()[rows], axis=0))
    shock = np.exp(rng.normal(0.0, 0.05, size=len(SERIES)))
    values = paths * (level.to_numpy() * shock)
    mask = rng.random(values.shape) < holiday.to_numpy()
    spring = (days.month == 2) & (days.day <= 7)
    for j, iid in enumerate(SERIES):
        if iid.startswith("SHFE."):
            mask[spring, j] = True
    values[mask] = np.nan
    wide = pd.DataFrame(values, index=days.rename("date"), columns=SERIES)
    parts = []
    reg = registry.all_instruments()
    for iid in SERIES:
        parts.append(
            frame.from_wide(
                wide[[iid]].rename(columns={iid: reg[iid].field}), iid, "benchmark:bootstrap"
            )
        )
    return pd.concat(parts, ignore_index=True)


def run(data: pd.DataFrame, week: pd.Timestamp) -> dict[str, float]:
    """Time moves, spreads and context for one week on one canonical frame."""
    out = {}
    t = time.perf_counter()
    compute_moves(data, week, SERIES)
    out["moves"] = time.perf_counter() - t
    t = time.perf_counter()
    all_spreads(data)
    out["spreads"] = time.perf_counter() - t
    t = time.perf_counter()
    ctx = weekly_context(data, week)
    out["context"] = time.perf_counter() - t
    out["facts"] = len(ctx)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="moves + spreads + context benchmark")
    parser.add_argument("--worlds", type=int, default=5, help="x 20 series (default 5 = 100)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    rng = np.random.default_rng(args.seed)

    real = bundled.load(SERIES)
    rets, level, holiday = real_returns(real)
    t = time.perf_counter()
    worlds = [world(rets, level, holiday, rng) for _ in range(args.worlds)]
    build = time.perf_counter() - t
    n_series = args.worlds * len(SERIES)
    rows = sum(len(w) for w in worlds)
    print(
        f"synthetic data: {args.worlds} worlds x {len(SERIES)} series = {n_series} series, "
        f"{START[:4]}-{END[:4]}, {rows:,} rows (built in {build:.1f} s)"
    )

    import statsmodels.api  # noqa: F401  (import once, outside the timings)

    week = pd.Timestamp("2025-12-12")
    base = run(real[real["date"] <= week], week)  # warm-up and the real-data reference
    base = run(real[real["date"] <= week], week)
    totals = {"moves": 0.0, "spreads": 0.0, "context": 0.0}
    facts = 0
    for w in worlds:
        r = run(w, week)
        for k in totals:
            totals[k] += r[k]
        facts += r["facts"]
    total = sum(totals.values())
    real_total = base["moves"] + base["spreads"] + base["context"]
    real_rows = int((real["date"] <= week).sum())
    print(f"\nweek {week:%Y-%m-%d}; {facts} context facts over the {n_series} series\n")
    print(f"{'phase':<9}{'100 series':>12}{'per series':>12}{'real 20':>10}{'ratio':>8}")
    for k, v in totals.items():
        print(
            f"{k:<9}{v:>11.2f}s{v / n_series * 1000:>10.1f}ms{base[k]:>9.2f}s{v / base[k]:>7.1f}x"
        )
    print(
        f"{'total':<9}{total:>11.2f}s{total / n_series * 1000:>10.1f}ms{real_total:>9.2f}s"
        f"{total / real_total:>7.1f}x"
    )
    print(
        f"\nreal bundled data: {len(SERIES)} series, {real_rows:,} rows up to the week; "
        f"ratio = synthetic {args.worlds} worlds / one pass on the real data "
        f"({args.worlds} x the series, {rows / real_rows:.1f} x the rows)"
    )


if __name__ == "__main__":
    main()
