"""Throughput, engine overhead, CPU use and budget overshoot of the executors, in one run.

    python benchmarks/execution.py --trials 40 --time-budget 30

Per dataset (breast_cancer, digits) and executor (n_jobs=1, n_jobs=2, a local Dask cluster of
2 worker processes):

1. Throughput on one fixed search: the same candidates for every executor (defaults, then a
   seeded random sample of the default space; random proposals do not depend on timing), run
   through the steady-state loop with no time limit. Reports candidates per minute, the busy
   share (time inside candidates' fit/predict over workers x wall time; the engine overhead is
   the rest: worker start-up, messaging, building pipelines, slicing folds, idle workers) and
   the machine's CPU utilisation (/proc/stat).
2. Budget: StructuredDataClassifier with the default steady-state evolution and the given
   time_budget; reports fit wall time (final refit included) against the budget.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from automl import StructuredDataClassifier
from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.evaluation import CrossValidation, make_folds
from automl.execution import DaskExecutor, WorkerPoolExecutor
from automl.graph import ClassificationHead, Graph, StructuredDataInput
from automl.search import Budget, RandomSearch, run_search
from automl.space import build_space

from _datasets import load_split

EXECUTORS = ("n_jobs=1", "n_jobs=2", "dask-2")


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    fields = [float(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def make(executor: str, client):
    if executor == "dask-2":
        return DaskExecutor(client), 2
    workers = 1 if executor == "n_jobs=1" else 2
    return WorkerPoolExecutor(workers), workers


def throughput(dataset: str, executor: str, trials: int, client) -> dict:
    split = load_split(dataset)
    data = load_training_data(split.x_train, split.y_train, Task.CLASSIFICATION)
    inp = StructuredDataInput()
    space = build_space(Graph(inp, ClassificationHead()(StructuredDataBlock()(inp))), data.spec)
    evaluate = CrossValidation(data, space, make_folds(data, 5, 0), "balanced_accuracy", 0)
    pool, workers = make(executor, client)
    busy_before, total_before = cpu_times()
    tic = time.monotonic()
    with pool:
        result = run_search(RandomSearch(space, np.random.default_rng(0)), evaluate,
                            Budget(max_trials=trials), executor=pool, batch_size=trials,
                            steady_state=True)
    wall = time.monotonic() - tic
    busy_after, total_after = cpu_times()
    inside = sum(t.fit_seconds + t.predict_seconds for t in result.trials)
    return {
        "candidates": len(result.trials),
        "genomes": [t.genome.key for t in result.trials],
        "per_minute": len(result.trials) / wall * 60,
        "busy_share": inside / (workers * wall),
        "cpu": (busy_after - busy_before) / (total_after - total_before),
        "wall": wall,
    }


def budget(dataset: str, executor: str, time_budget: float, client) -> dict:
    split = load_split(dataset)
    settings = {"scheduler": client} if executor == "dask-2" else {
        "n_jobs": 1 if executor == "n_jobs=1" else 2}
    model = StructuredDataClassifier(time_budget=time_budget, max_trials=None, seed=0,
                                     verbose=0, **settings)
    tic = time.monotonic()
    model.fit(split.x_train, split.y_train)
    wall = time.monotonic() - tic
    return {"fit_seconds": wall, "overshoot": wall / time_budget - 1,
            "refit_seconds": wall - model.search_seconds_, "budget_candidates": len(model.trials_),
            "test_score": split.score(model.predict(split.x_test))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--time-budget", type=float, default=30.0)
    parser.add_argument("--datasets", nargs="*", default=["breast_cancer", "digits"])
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    rows = []
    print(f"fixed search: the same {args.trials} candidates per executor; budget runs: "
          f"time_budget={args.time_budget:g} s (steady-state evolution)")
    print(f"{'dataset':<14}{'executor':<10}{'per min':>9}{'busy':>7}{'overhd':>8}{'cpu':>6}"
          f"{'wall s':>8}{'| fit s':>9}{'over':>8}{'cands':>7}{'test':>8}")
    try:
        for dataset in args.datasets:
            for executor in EXECUTORS:
                row = {"dataset": dataset, "executor": executor,
                       **throughput(dataset, executor, args.trials, client),
                       **budget(dataset, executor, args.time_budget, client)}
                rows.append(row)
                print(f"{dataset:<14}{executor:<10}{row['per_minute']:>9.1f}{row['busy_share']:>7.0%}"
                      f"{1 - row['busy_share']:>8.0%}{row['cpu']:>6.0%}{row['wall']:>8.1f}"
                      f"{row['fit_seconds']:>9.1f}{row['overshoot']:>+8.1%}"
                      f"{row['budget_candidates']:>7}{row['test_score']:>8.4f}", flush=True)
    finally:
        client.close()
        cluster.close()
    for dataset in args.datasets:
        by = {r["executor"]: r for r in rows if r["dataset"] == dataset}
        same = len({frozenset(r["genomes"]) for r in by.values()}) == 1  # order: completion
        base = by["n_jobs=1"]["per_minute"]
        print(f"{dataset}: n_jobs=2 {by['n_jobs=2']['per_minute'] / base:.2f}x, dask-2 "
              f"{by['dask-2']['per_minute'] / base:.2f}x the candidates per minute of n_jobs=1 "
              f"(identical candidates: {same})")
    print(f"largest overshoot: {max(r['overshoot'] for r in rows):+.1%}")
    args.output.mkdir(parents=True, exist_ok=True)
    out = args.output / "execution.json"
    out.write_text(json.dumps(rows, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
