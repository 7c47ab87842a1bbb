"""A stacker over the search's best pipelines against the model automl serves, measured on the
same search: for each (table, seed) one automl search at the suite's settings (leave-one-table-
out presets), then the test rows are scored by the served model (the best pipeline or the
greedy ensemble) and by a level-2 linear model fitted on the out-of-fold predictions of the
``--members`` best distinct pipelines (logistic regression on class probabilities, balanced
class weights; non-negative least squares for regression), the members refit on all rows.
The difference is the final model's alone, not the search's luck. ``stack_cv`` is the
stacker's own cross-validated score on the out-of-fold predictions (what a choice between
the two would see; slightly optimistic: the members' hyperparameters were chosen on the same
rows).

    python benchmarks/stacking.py --budget 60 --seeds 0 1 --output stack60.jsonl
    python benchmarks/stacking.py --report stack60.jsonl

Each run is a JSON line of ``--output`` as soon as it finishes; runs already there are skipped.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
from bagging import new_runs, paired_parser
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

from suite import automl_model, headline, load, preset_for, reported_score, served_name


def best_distinct(model, count: int) -> list:
    """The ``count`` best successful trials scored on every fold, one per pipeline."""
    trials = sorted((t for t in model.trials_ if t.ok and len(t.fold_scores) == model.cv),
                    key=lambda t: getattr(t, "choice_score", None) or t.score, reverse=True)
    chosen, seen = [], set()
    for trial in trials:
        key = json.dumps(trial.genome.describe(), sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            chosen.append(trial)
        if len(chosen) == count:
            break
    return chosen


def level_one(pipeline, task: str, x) -> np.ndarray:
    if task == "classification":
        return np.asarray(pipeline.predict_proba(x))
    return np.asarray(pipeline.predict(x), dtype=float).reshape(-1, 1)


def run(name: str, budget: float, seed: int, members: int, folder: Path) -> dict:
    x_train, x_test, y_train, y_test, task = load(name, 0)
    model = automl_model(task, budget, seed, None, {}, preset_for(name, "loo", None, folder))
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    served = headline(task, y_test, model.predict(x_test))
    record = {"table": name, "seed": seed, "task": task, "budget": budget, "fit_seconds": wall,
              "reported": reported_score(model), "best": served_name(model), "served": served}
    started = time.monotonic()
    classification = task == "classification"
    splitter = (StratifiedKFold if classification else KFold)(model.cv, shuffle=True,
                                                              random_state=seed)
    y = np.asarray(y_train)
    train_features, test_features, names = [], [], []
    for trial in best_distinct(model, members):
        model.select(x_train, y_train, trial=trial.number)
        fitted = model.export_model(format="sklearn")
        method = "predict_proba" if classification else "predict"
        oof = cross_val_predict(clone(fitted), x_train, y, cv=splitter, method=method)
        train_features.append(oof if classification else np.asarray(oof).reshape(-1, 1))
        test_features.append(level_one(fitted, task, x_test))
        names.append(str(trial.genome.describe()["model"]))
    train_x, test_x = np.hstack(train_features), np.hstack(test_features)
    stacker = (LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
               if classification else LinearRegression(positive=True))
    stack_cv_predictions = cross_val_predict(stacker, train_x, y, cv=splitter)
    stacker.fit(train_x, y)
    record.update({"members": names, "stack_seconds": time.monotonic() - started,
                   "stacked": headline(task, y_test, stacker.predict(test_x)),
                   "stack_cv": headline(task, y, stack_cv_predictions)})
    return record


def report(path: Path) -> None:
    records = [json.loads(line) for line in path.open()]
    diffs = np.array([r["stacked"] - r["served"] for r in records])
    for r in records:
        print(f"{r['table'][:28]:28s} seed {r['seed']}: served {r['served']:.4f} "
              f"({r['best']}, CV {r['reported']:.4f})  stacked {r['stacked']:.4f} "
              f"(CV {r['stack_cv']:.4f})  {r['stacked'] - r['served']:+.4f}")
    # The choice a fit could make: the stacker where its CV beats the served model's.
    chosen = np.array([r["stacked"] if r["stack_cv"] > r["reported"] else r["served"]
                       for r in records]) - np.array([r["served"] for r in records])
    for label, values in (("always stacked", diffs), ("stacked when its CV is higher", chosen)):
        print(f"{label} against served over {len(values)} runs: better "
              f"{int((values > 1e-9).sum())}, tied {int((abs(values) <= 1e-9).sum())}, worse "
              f"{int((values < -1e-9).sum())}; mean {values.mean():+.4f} (std "
              f"{values.std():.4f})")
    print(f"median stacking {np.median([r['stack_seconds'] for r in records]):.1f} s")


def main() -> None:
    parser = paired_parser(__doc__)
    parser.add_argument("--members", type=int, default=5)
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    folder = Path(tempfile.mkdtemp(prefix="stacking-presets-"))

    def run_one(name: str, seed: int) -> dict:
        record = run(name, args.budget, seed, args.members, folder)
        print(f"{name} seed {seed}: served {record['served']:.4f}, stacked "
              f"{record['stacked']:.4f}", flush=True)
        return record

    new_runs(args.output, args.seeds, args.tables, run_one)
    report(args.output)


if __name__ == "__main__":
    main()
