"""Print a week's numbers with metalwatch's public API: moves, spreads and the notable facts.

Runs offline on the data bundled with the package (the default store is seeded from it on first
use; set METALWATCH_STORE to use another file)::

    python examples/weekly_numbers.py --week 2025-12-12
"""

from __future__ import annotations

import argparse

import pandas as pd

import metalwatch as mw

PRICES = [
    "LME.CA.3M", "SHFE.CU", "COMEX.HG", "LME.AH.3M", "SHFE.AL", "LME.SN.3M", "SHFE.SN",
    "COMEX.GC", "LBMA.AU.PM", "SHFE.AU", "COMEX.SI", "SHFE.AG", "ICE.DXY", "FX.USDCNY",
]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", help="any date; default: the latest week the store covers")
    args = parser.parse_args(argv)

    moves = mw.moves(args.week, ids=PRICES)
    week = moves.attrs["week"]
    print(f"metalwatch weekly numbers, week ending {week:%Y-%m-%d}\n")

    stats = mw.move_stats(f"{week:%Y-%m-%d}", ids=PRICES)
    print("Moves: close, week-on-week, z-score against ten years of weekly moves")
    for iid, row in moves.iterrows():
        if row["status"] != "ok":
            print(f"  {iid:<11} {row['status']}")
            continue
        z = stats["z"].get(iid, float("nan"))
        print(f"  {iid:<11} {row['close']:>12,.{int(row['decimals'])}f} {row['unit']:<7} "
              f"{row['wow_pct']:+6.2f} %  z {z:+.2f}")  # fmt: skip

    start = f"{week - pd.Timedelta(days=6):%Y-%m-%d}"
    spreads = mw.spreads(start=start, end=f"{week:%Y-%m-%d}")
    print("\nSpreads: the week's last value")
    for sid in spreads.columns:
        s = spreads[sid].dropna()
        if s.empty:
            print(f"  {sid:<12} n/a (a leg or a fresh USD/CNY rate is missing)")
            continue
        unit = spreads.attrs["units"][sid]
        print(f"  {sid:<12} {s.iloc[-1]:>12,.2f} {unit:<7} on {s.index[-1]:%Y-%m-%d}")
    for sid, why in spreads.attrs["skipped"].items():
        print(f"  {sid:<12} n/a ({why})")

    facts = mw.context(f"{week:%Y-%m-%d}", notable=True)
    print(f"\nNotable facts ({len(facts)}), strongest first")
    for _, f in facts.iterrows():
        z = "" if pd.isna(f["z"]) else f"  z {f['z']:+.2f}"
        print(f"  {f['kind']:<18} {f['instrument']:<13} {f['value']:>10,.2f} {f['unit']:<10} "
              f"{f['direction']}{z}")  # fmt: skip
    if facts.attrs["skipped"]:
        print(f"  ({len(facts.attrs['skipped'])} facts not computable this week; see "
              "mw.context(...).attrs['skipped'])")  # fmt: skip


if __name__ == "__main__":
    main()
