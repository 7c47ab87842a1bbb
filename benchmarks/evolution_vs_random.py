"""Evolution against random sampling of the same space, at an equal number of evaluations.

    python benchmarks/evolution_vs_random.py --dataset diabetes --evaluations 100 --seeds 5

Both strategies run through the same loop, CV evaluation and executor, and both start with
the same default pipelines (one per model), so the difference is what evolution does after its
first generation. Prints the mean best-CV-score curve of each over evaluations and per-seed
final scores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.evaluation import DEFAULT_OBJECTIVES, CrossValidation, make_folds
from automl.execution import make_executor
from automl.graph import ClassificationHead, Graph, RegressionHead, StructuredDataInput
from automl.search import Budget, Evolution, RandomSearch, run_search
from automl.space import build_space

from _datasets import NAMES, load_split


def best_so_far(trials) -> np.ndarray:
    scores = np.array([t.score if t.ok else -np.inf for t in trials])
    return np.maximum.accumulate(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="diabetes", choices=NAMES)
    parser.add_argument("--evaluations", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--population-size", type=int, default=20)
    parser.add_argument("--n-jobs", type=int, default=-1)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    split = load_split(args.dataset)
    task = Task(split.task)
    data = load_training_data(split.x_train, split.y_train, task)
    inp = StructuredDataInput()
    head = ClassificationHead() if task is Task.CLASSIFICATION else RegressionHead()
    space = build_space(Graph(inp, head(StructuredDataBlock()(inp))), data.spec)
    objective = DEFAULT_OBJECTIVES[task]
    print(f"{args.dataset}: {args.evaluations} evaluations x {args.seeds} seeds, 5-fold CV "
          f"{objective}, population {args.population_size}")

    curves = {"evolution": [], "random": []}
    with make_executor(args.n_jobs) as executor:
        for seed in range(args.seeds):
            evaluate = CrossValidation(data, space, make_folds(data, 5, seed), objective, seed)
            for name, strategy_class in (("evolution", Evolution), ("random", RandomSearch)):
                kwargs = {"population_size": args.population_size} if name == "evolution" else {}
                strategy = strategy_class(space, np.random.default_rng(seed), **kwargs)
                tic = time.monotonic()
                result = run_search(strategy, evaluate, Budget(max_trials=args.evaluations),
                                    executor=executor, batch_size=args.population_size)
                curves[name].append(best_so_far(result.trials))
                print(f"  seed {seed} {name:<9} best CV {curves[name][-1][-1]:.4f} "
                      f"({time.monotonic() - tic:.0f} s)", flush=True)

    marks = [m for m in (10, 20, 30, 40, 60, 80, 100, 150, 200) if m <= args.evaluations]
    print(f"\nmean best-CV {objective} after n evaluations (± std over seeds)")
    print(f"{'n':>6}" + "".join(f"{name:>20}" for name in curves))
    for mark in marks:
        cells = []
        for name in curves:
            values = np.array([curve[mark - 1] for curve in curves[name]])
            cells.append(f"{values.mean():>12.4f} ± {values.std():.4f}")
        print(f"{mark:>6}" + "".join(cells))
    final = {name: np.array([c[-1] for c in curves[name]]) for name in curves}
    wins = int(np.sum(final["evolution"] > final["random"]))
    ties = int(np.sum(final["evolution"] == final["random"]))
    print(f"\nevolution better on {wins}, equal on {ties}, worse on "
          f"{args.seeds - wins - ties} of {args.seeds} seeds; mean gain "
          f"{np.mean(final['evolution'] - final['random']):+.4f}")
    args.output.mkdir(parents=True, exist_ok=True)
    out = args.output / f"evolution_vs_random_{args.dataset}.json"
    out.write_text(json.dumps({name: [c.tolist() for c in cs] for name, cs in curves.items()}))
    print(f"curves: {out}")


if __name__ == "__main__":
    main()
