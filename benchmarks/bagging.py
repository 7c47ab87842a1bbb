"""Bagged fold models against one refit, measured on the same search: for each (table, seed)
one automl search at the suite's settings (leave-one-table-out presets), then the model it
serves is scored on the test rows twice, as served (refit on all training rows) and as the
average of ``cv`` copies fitted on the training folds of a ``cv``-fold split (AutoGluon's
bagging), so the difference is the final model's alone, not the search's luck.

    python benchmarks/bagging.py --budget 60 --seeds 0 1 --output bag60.jsonl
    python benchmarks/bagging.py --report bag60.jsonl

Each run is a JSON line of ``--output`` as soon as it finishes; runs already there are skipped.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold

from suite import automl_model, headline, load, preset_for, reported_score, served_name

SMALL_TABLES = ["glass", "sonar", "560_bodyfat", "ecoli", "ionosphere", "house_votes_84",
                "1027_ESL", "wdbc", "pima", "analcatdata_authorship", "vowel", "1030_ERA",
                "yeast", "GAMETES_Epistasis_2_Way_20atts_0.1H_EDM_1_1", "car_evaluation",
                "titanic", "penguins"]


def bagged_predictions(estimator, task: str, x_train, y_train, x_test, cv: int, seed: int):
    """Test predictions of ``cv`` clones of ``estimator`` fitted on the training folds of a
    ``cv``-fold split, averaged (class probabilities, then their arg-max)."""
    splitter = (StratifiedKFold if task == "classification" else KFold)(
        cv, shuffle=True, random_state=seed)
    outputs = []
    for train, _ in splitter.split(x_train, y_train):
        member = clone(estimator).fit(x_train.iloc[train], np.asarray(y_train)[train])
        outputs.append(member.predict_proba(x_test) if task == "classification"
                       else np.asarray(member.predict(x_test), dtype=float))
    mean = np.mean(outputs, axis=0)
    return estimator.classes_[mean.argmax(axis=1)] if task == "classification" else mean


def run(name: str, budget: float, seed: int, folder: Path) -> dict:
    x_train, x_test, y_train, y_test, task = load(name, 0)
    model = automl_model(task, budget, seed, None, {}, preset_for(name, "loo", None, folder))
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    served = model.export_model(format="sklearn")
    started = time.monotonic()
    bagged = bagged_predictions(served, task, x_train, y_train, x_test, model.cv, seed)
    return {"table": name, "seed": seed, "task": task, "budget": budget, "fit_seconds": wall,
            "bag_seconds": time.monotonic() - started, "reported": reported_score(model),
            "best": served_name(model),
            "refit": headline(task, y_test, model.predict(x_test)),
            "bagged": headline(task, y_test, bagged)}


def report(path: Path) -> None:
    records = [json.loads(line) for line in path.open()]
    diffs = np.array([r["bagged"] - r["refit"] for r in records])
    for r in records:
        print(f"{r['table'][:28]:28s} seed {r['seed']}: refit {r['refit']:.4f}  bagged "
              f"{r['bagged']:.4f}  ({r['bagged'] - r['refit']:+.4f}; {r['best']}, bagging "
              f"{r['bag_seconds']:.1f} s)")
    print(f"bagged against refit over {len(diffs)} runs: better {int((diffs > 1e-9).sum())}, "
          f"tied {int((abs(diffs) <= 1e-9).sum())}, worse {int((diffs < -1e-9).sum())}; mean "
          f"{diffs.mean():+.4f} (std {diffs.std():.4f}); median bagging "
          f"{np.median([r['bag_seconds'] for r in records]):.1f} s")


def paired_parser(doc: str) -> argparse.ArgumentParser:
    """The arguments of a benchmark that compares two final models on the same searches."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--tables", nargs="+", default=SMALL_TABLES)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--report", type=Path)
    return parser


def new_runs(output: Path, seeds, tables, run_one) -> None:
    """``run_one(name, seed)`` for each (table, seed) not yet in ``output``, each record
    appended as a JSON line as soon as it is made."""
    done = ({(r["table"], r["seed"]) for r in map(json.loads, output.open())}
            if output.exists() else set())
    for seed in seeds:
        for name in tables:
            if (name, seed) not in done:
                record = run_one(name, seed)
                with output.open("a") as file:
                    file.write(json.dumps(record) + "\n")


def main() -> None:
    args = paired_parser(__doc__).parse_args()
    if args.report:
        report(args.report)
        return
    folder = Path(tempfile.mkdtemp(prefix="bagging-presets-"))

    def run_one(name: str, seed: int) -> dict:
        record = run(name, args.budget, seed, folder)
        print(f"{name} seed {seed}: refit {record['refit']:.4f}, bagged "
              f"{record['bagged']:.4f}", flush=True)
        return record

    new_runs(args.output, args.seeds, args.tables, run_one)
    report(args.output)


if __name__ == "__main__":
    main()
