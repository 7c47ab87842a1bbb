"""Throughput, engine overhead, CPU use and budget overshoot of the executors, in one run.

    python benchmarks/execution.py --time-budget 60

One fixed search (StructuredDataClassifier, seed 0, the given time budget) per dataset and
executor: n_jobs=1, n_jobs=2, and a local Dask cluster of 2 worker processes. Reports
  - candidates per minute of search,
  - busy share: time inside candidates' fit/predict over (workers x search wall time); the
    engine overhead is the rest (worker start-up, generation barriers, messaging, building
    pipelines, slicing folds),
  - CPU utilisation of the machine during fit (from /proc/stat),
  - fit wall time against the budget (overshoot), the final refit included.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from automl import StructuredDataClassifier

from _datasets import load_split


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    fields = [float(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def run(dataset: str, executor: str, time_budget: float, client) -> dict:
    split = load_split(dataset)
    settings = {"n_jobs": 1} if executor == "n_jobs=1" else {"n_jobs": 2}
    if executor == "dask-2":
        settings = {"scheduler": client}
    workers = 1 if executor == "n_jobs=1" else 2
    model = StructuredDataClassifier(time_budget=time_budget, max_trials=None, seed=0,
                                     verbose=0, **settings)
    busy_before, total_before = cpu_times()
    tic = time.monotonic()
    model.fit(split.x_train, split.y_train)
    wall = time.monotonic() - tic
    busy_after, total_after = cpu_times()
    trials = model.trials_
    search_seconds = model.search_seconds_
    inside = sum(t.fit_seconds + t.predict_seconds for t in trials)
    return {
        "dataset": dataset,
        "executor": executor,
        "candidates": len(trials),
        "failed": sum(not t.ok for t in trials),
        "per_minute": len(trials) / search_seconds * 60,
        "busy_share": inside / (workers * search_seconds),
        "cpu_utilisation": (busy_after - busy_before) / (total_after - total_before),
        "fit_seconds": wall,
        "search_seconds": search_seconds,
        "refit_seconds": wall - search_seconds,
        "overshoot": wall / time_budget - 1,
        "best_cv": model.best_trial_.score,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-budget", type=float, default=60.0)
    parser.add_argument("--datasets", nargs="*", default=["breast_cancer", "digits"])
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    rows = []
    print(f"time_budget={args.time_budget:g} s; busy share = fit+predict time / (workers x "
          "search time); overhead = 1 - busy share")
    print(f"{'dataset':<14}{'executor':<10}{'cands':>6}{'per min':>9}{'busy':>7}{'overhd':>8}"
          f"{'cpu':>6}{'fit s':>7}{'refit':>7}{'over':>8}{'best cv':>9}")
    try:
        for dataset in args.datasets:
            for executor in ("n_jobs=1", "n_jobs=2", "dask-2"):
                row = run(dataset, executor, args.time_budget, client)
                rows.append(row)
                print(f"{dataset:<14}{executor:<10}{row['candidates']:>6}{row['per_minute']:>9.1f}"
                      f"{row['busy_share']:>7.0%}{1 - row['busy_share']:>8.0%}"
                      f"{row['cpu_utilisation']:>6.0%}{row['fit_seconds']:>7.1f}"
                      f"{row['refit_seconds']:>7.1f}{row['overshoot']:>+8.1%}{row['best_cv']:>9.4f}",
                      flush=True)
    finally:
        client.close()
        cluster.close()
    for dataset in args.datasets:
        by = {r["executor"]: r for r in rows if r["dataset"] == dataset}
        base = by["n_jobs=1"]["per_minute"]
        print(f"{dataset}: n_jobs=2 evaluates {by['n_jobs=2']['per_minute'] / base:.2f}x and "
              f"dask-2 {by['dask-2']['per_minute'] / base:.2f}x the candidates per minute of "
              "n_jobs=1")
    args.output.mkdir(parents=True, exist_ok=True)
    out = args.output / f"execution_{int(args.time_budget)}s.json"
    out.write_text(json.dumps(rows, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
