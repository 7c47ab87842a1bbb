"""Drift, shown: a model fitted on one half of a table, then asked about the other half as it
is (nothing should drift) and shifted on purpose (the shifted columns, and the predictions when
they follow, should).

    python benchmarks/drift.py [--budget 30]

The table is wine_quality_white (4,898 wines, 11 measurements, 7 quality classes). The shifts:
- "selection": only the other half's wines with alcohol above its 70th percentile (a new
  market that sells strong wines: covariate shift by sampling);
- "units": residual sugar reported in mg/L instead of g/L (an upstream change of units);
- "new category": a column of regions, with one region never seen in fit.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import automl

TABLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "tables" / \
    "wine_quality_white.tsv.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=30.0)
    args = parser.parse_args()
    table = pd.read_csv(TABLE, sep="\t")
    rng = np.random.default_rng(0)
    table["region"] = rng.choice(["north", "south", "east", "west"], len(table))
    first = rng.permutation(len(table)) < len(table) // 2
    fit_half, other = table[first], table[~first].drop(columns="target")
    model = automl.StructuredDataClassifier(time_budget=args.budget, seed=0, verbose=0)
    model.fit(fit_half, "target")
    strong = other["alcohol"] >= other["alcohol"].quantile(0.7)
    cases = {
        "unshifted (the other half)": other,
        "selection (alcohol in the top 30 %)": other[strong],
        "units (residual sugar in mg/L)": other.assign(**{
            "residual sugar": other["residual sugar"] * 1000}),
        "new category (region 'islands' in 25 %)": other.assign(
            region=np.where(rng.random(len(other)) < 0.25, "islands", other["region"])),
    }
    for name, rows in cases.items():
        tic = time.perf_counter()
        drift = model.drift(rows)
        seconds = time.perf_counter() - tic
        flagged = drift[(drift["verdict"] != "stable") | drift["unseen_categories"].map(bool)]
        print(f"\n{name}: {len(rows)} rows, drift in {seconds:.2f} s; max PSI "
              f"{drift['psi'].max():.3f}")
        if flagged.empty:
            print("  nothing flagged")
        for row in flagged.itertuples():
            unseen = f", unseen {row.unseen_categories}" if row.unseen_categories else ""
            print(f"  {row.column:22s} PSI {row.psi:7.3f}  {row.verdict}{unseen}")


if __name__ == "__main__":
    main()
