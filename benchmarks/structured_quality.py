"""Test scores of StructuredDataClassifier/Regressor next to scikit-learn defaults, in one run.

    python benchmarks/structured_quality.py --time-budget 60                     # sklearn's
    python benchmarks/structured_quality.py --time-budget 60 --datasets tables   # harder ones

For each dataset (75/25 split, random_state=0, stratified for classification): default
HistGradientBoosting and RandomForest (text columns ordinal-encoded for them), then our search
with the given time budget. Prints the headline metric (balanced accuracy, R2 for regression),
fit wall time and its overshoot of the budget, and candidates evaluated. ``tables`` are the
real tables of ../shared/data/tables: titanic (leaky columns dropped), penguins, and PMLB's
churn, car_evaluation, phoneme, wine_quality_white and cpu_act.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder

from automl import StructuredDataClassifier, StructuredDataRegressor

from _datasets import NAMES, TABLE_NAMES, load_split

BASELINES = {
    "classification": {"hgb": HistGradientBoostingClassifier, "rf": RandomForestClassifier},
    "regression": {"hgb": HistGradientBoostingRegressor, "rf": RandomForestRegressor},
}


def baseline(model, x: pd.DataFrame):
    """The default ``model``; text columns (titanic, penguins) ordinal-encoded first, since
    scikit-learn's models take numbers only (unseen categories become -1, missing NaN)."""
    text = list(x.select_dtypes(exclude="number").columns)
    if not text:
        return model
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                             encoded_missing_value=np.nan)
    return make_pipeline(make_column_transformer((encoder, text), remainder="passthrough"),
                         model)


def run(name: str, time_budget: float, n_jobs: int, seed: int, evolution: str) -> dict:
    split = load_split(name)
    row = {"dataset": name, "time_budget": time_budget}
    for label, model in BASELINES[split.task].items():
        tic = time.monotonic()
        fitted = baseline(model(random_state=0), split.x_train).fit(split.x_train, split.y_train)
        row[label] = split.score(fitted.predict(split.x_test))
        row[f"{label}_seconds"] = time.monotonic() - tic
    task_class = StructuredDataClassifier if split.task == "classification" else StructuredDataRegressor
    ours = task_class(time_budget=time_budget, max_trials=None, n_jobs=n_jobs, seed=seed,
                      evolution=evolution, verbose=0)
    tic = time.monotonic()
    ours.fit(split.x_train, split.y_train)
    row["fit_seconds"] = time.monotonic() - tic
    row["overshoot"] = row["fit_seconds"] / time_budget - 1
    row["automl"] = split.score(ours.predict(split.x_test))
    row["cv_score"] = ours.best_trial_.score
    row["candidates"] = len(ours.trials_)
    row["failed"] = sum(not trial.ok for trial in ours.trials_)
    row["best_pipeline"] = " > ".join(
        step for step in (ours.best_trial_.genome.describe()["preprocessing"],
                          ours.best_trial_.genome.describe()["model"]) if step != "none")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-budget", type=float, default=60.0)
    parser.add_argument("--datasets", nargs="*", default=list(NAMES),
                        choices=NAMES + TABLE_NAMES + ("tables",),
                        help="'tables': the harder real tables of ../shared/data/tables")
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evolution", default="steady_state",
                        choices=["steady_state", "generational"])
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    names = [n for name in args.datasets for n in (TABLE_NAMES if name == "tables" else [name])]
    rows = []
    header = (f"{'dataset':<20}{'hgb':>8}{'rf':>8}{'automl':>8}{'cv':>8}{'fit s':>8}"
              f"{'over':>8}{'cands':>7}  best pipeline")
    print(header)
    for name in names:
        row = run(name, args.time_budget, args.n_jobs, args.seed, args.evolution)
        rows.append(row)
        print(f"{name:<20}{row['hgb']:>8.4f}{row['rf']:>8.4f}{row['automl']:>8.4f}"
              f"{row['cv_score']:>8.4f}{row['fit_seconds']:>8.1f}{row['overshoot']:>+8.1%}"
              f"{row['candidates']:>7}  {row['best_pipeline']}", flush=True)
    wins = sum(row["automl"] >= row["hgb"] for row in rows)
    print(f"\nautoml >= default HistGradientBoosting on {wins} of {len(rows)} datasets; "
          f"largest overshoot {max(row['overshoot'] for row in rows):+.1%} of "
          f"time_budget={args.time_budget:g} s ({args.evolution} evolution)")
    args.output.mkdir(parents=True, exist_ok=True)
    which = "" if names == list(NAMES) else "tables_" if names == list(TABLE_NAMES) else (
        "_".join(names) + "_")
    out = args.output / (f"structured_quality_{which}{int(args.time_budget)}s_"
                         f"{args.evolution}.json")
    out.write_text(json.dumps(rows, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
