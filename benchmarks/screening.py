"""Multi-fidelity screening at scale: a ``StructuredDataClassifier`` with and without
``screening=True`` on synthetic tables of 100,000 and 1,000,000 rows (20 numeric and 2
categorical columns), beside a default HistGradientBoosting fitted on the same rows.

    python benchmarks/screening.py --rows 100000 1000000 --budget 120 --seeds 0 \\
        --output screening.jsonl

Each search runs in a fresh process (its peak memory is its own): wall time of ``fit`` and its
overrun of the budget, candidates, how many were screened out and how many fully evaluated,
balanced accuracy on the 25 % test rows, peak resident memory of the search's process and of
its largest worker. One JSON line per (rows, seed, screening), skipped when already written.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import balanced_accuracy_score


def synthetic(rows: int, seed: int = 0):
    """``rows`` rows, 20 numeric columns (10 informative) and 2 categorical ones (20 and 200
    levels, one carrying signal); the first 75 % for training, the rest for the test."""
    x, y = make_classification(rows, 20, n_informative=10, n_redundant=4, flip_y=0.05,
                               class_sep=0.8, random_state=seed)
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(x, columns=[f"n{i}" for i in range(20)])
    informed = y * 10 + rng.integers(10, size=rows)
    frame["c0"] = pd.Categorical(np.where(rng.random(rows) < 0.7, informed,
                                          rng.integers(20, size=rows)).astype(str))
    frame["c1"] = pd.Categorical(rng.integers(200, size=rows).astype(str))
    cut = int(rows * 0.75)
    return frame.iloc[:cut], y[:cut], frame.iloc[cut:], y[cut:]


def _search(rows: int, seed: int, budget: float, screening: bool, queue) -> None:
    try:
        queue.put(_searched(rows, seed, budget, screening))
    except Exception as error:  # recorded; the next search goes on
        queue.put({"error": f"{type(error).__name__}: {error}"})


def _searched(rows: int, seed: int, budget: float, screening: bool) -> dict:
    import automl

    x_train, y_train, x_test, y_test = synthetic(rows)
    model = automl.StructuredDataClassifier(time_budget=budget, seed=seed, screening=screening,
                                            verbose=0)
    tic = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - tic
    statuses = [trial.status.value for trial in model.trials_]
    return {
        "fit_seconds": wall, "overrun": wall / budget - 1, "candidates": len(statuses),
        "screened": statuses.count("screened"), "full": statuses.count("ok"),
        "test": balanced_accuracy_score(y_test, model.predict(x_test)),
        "cv": model.best_trial_.choice_score, "best": model.best_trial_.genome.describe()["model"],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _default_hgb(rows: int) -> dict:
    x_train, y_train, x_test, y_test = synthetic(rows)
    tic = time.monotonic()
    model = HistGradientBoostingClassifier(random_state=0, categorical_features="from_dtype")
    model.fit(x_train, y_train)
    return {"fit_seconds": time.monotonic() - tic,
            "test": balanced_accuracy_score(y_test, model.predict(x_test))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--output", type=Path, default=Path("screening.jsonl"))
    args = parser.parse_args()
    done = set()
    if args.output.exists():
        done = {(r["rows"], r["seed"], r["screening"]) for r in map(
            json.loads, args.output.read_text().splitlines())}
    context = multiprocessing.get_context("spawn")
    for rows in args.rows:
        baseline = _default_hgb(rows)
        print(f"{rows} rows: default HGB {baseline['test']:.4f} in "
              f"{baseline['fit_seconds']:.1f} s", flush=True)
        for seed in args.seeds:
            for screening in (False, True):
                if (rows, seed, screening) in done:
                    continue
                queue = context.Queue()
                process = context.Process(target=_search,
                                          args=(rows, seed, args.budget, screening, queue))
                process.start()
                record = {"rows": rows, "seed": seed, "screening": screening,
                          "budget": args.budget, **queue.get(), "default_hgb": baseline}
                process.join()
                with args.output.open("a") as file:
                    file.write(json.dumps(record) + "\n")
                print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
