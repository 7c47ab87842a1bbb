"""The suite benchmark: automl against default baselines trained on the same split in the same
run, over the 28 PMLB tables of ../shared/data/pmlb (and the 7 raw tables of
../shared/data/tables), at one time budget, over search seeds and test splits.

    python benchmarks/suite.py --budget 60                        # the whole suite, honest
    python benchmarks/suite.py --budget 60 --seeds 0 1 2          # three searches per table
    python benchmarks/suite.py --budget 60 --seeds 0 1 --splits 0 1 2   # and three splits
    python benchmarks/suite.py --budget 60 --tables pima letter   # a subset
    python benchmarks/suite.py --budget 60 --suite tables         # the raw tables only
    python benchmarks/suite.py --budget 60 --portfolio shipped    # in-sample (see below)
    python benchmarks/suite.py --budget 60 --ensemble-size 0      # automl without ensembles
    python benchmarks/suite.py --budget 60 --confirm-repeats 0    # no confirmation
    python benchmarks/suite.py --budget 60 --models SVM RandomForest  # other model options
    python benchmarks/suite.py --budget 60 --keep-trials trials/    # every trial, per table
    python benchmarks/suite.py --budget 60 --presets loo/          # a preset per table
    python benchmarks/suite.py --compare results/suite-a.jsonl results/suite-b.jsonl
    python benchmarks/suite.py --compare results/suite-a.jsonl --peers /tmp/peers-results/X.jsonl

**Honest by default**: the shipped portfolio (the first generation's pipelines) was learned
from these very tables, so each table is searched with a portfolio learned without it
(leave-one-table-out, rebuilt from ``portfolio_matrix.json`` by
``portfolio.held_out_preset``). ``--portfolio shipped`` uses the shipped one and the output
says "in-sample"; ``--portfolio none`` uses none.

Split 0 of a PMLB table is the peers harness's split (``../shared/peers/datasets.py``: 75/25,
random_state=0, stratified for classification; numbers as float64), so the figures sit beside
AutoGluon's and FLAML's from ``../shared/peers``; split k draws the same way with
random_state=k. The raw tables use ``_datasets.load_split`` (same rule, columns as they are,
categorical text for automl, ordinal codes for the baselines). Baselines: scikit-learn's
HistGradientBoosting and RandomForest and LightGBM (when installed), each with its defaults
and ``random_state=0``, trained once per split. Headline metric: balanced accuracy, or R² for
regression.

Each run (table, split, seed) is a JSON line of ``--output`` as soon as it finishes; a run
already there is skipped, so an interrupted suite goes on where it stopped. The report gives
per table each system's mean ± standard deviation over its runs, then the mean rank of each
system over runs, automl's wins/ties/losses against each baseline (a tie: within ``TIE``), the
runs where automl is below the best default by more than 0.01, the mean gap between the score
automl reported for its model (the ensemble's nested CV score, or the chosen pipeline's CV
score over all its folds) and its test score, the worst overshoot of the budget and the median
number of candidates.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
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
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OrdinalEncoder

from automl.search import STRATEGY_NAMES

from _anytime import anytime_curve
from _datasets import TABLE_NAMES, load_split
from _suite_report import compare, print_report, read_records, run_key, summarize, with_peers

SHARED = Path(__file__).resolve().parents[2] / "shared"
PMLB = SHARED / "data" / "pmlb"


#: The ten largest tables (5,620 to 40,768 rows): where 300 s and 600 s buy what 60 s does
#: not, and small enough a set to run at 300 s in about an hour per seed.
LARGE_TABLES = ("215_2dplanes", "letter", "magic", "coil2000", "225_puma8NH", "227_cpu_small",
                "cpu_act", "mushroom", "294_satellite_image", "optdigits")


def pmlb_names() -> list[str]:
    return [entry["name"] for entry in json.loads((PMLB / "datasets.json").read_text())]


def load(name: str, split: int = 0):
    """``(x_train, x_test, y_train, y_test, task)``: a PMLB table through the peers harness
    (split 0 is the peers' split), a raw table through ``_datasets``."""
    if name in TABLE_NAMES:
        found = load_split(name, split)
        return found.x_train, found.x_test, found.y_train, found.y_test, found.task
    sys.path.insert(0, str(SHARED / "peers"))
    import datasets  # the peers harness: the same split the peers were measured on

    if split == 0:
        x_train, x_test, y_train, y_test, task = datasets.load(name)
    else:  # as datasets.load does, with another random_state
        spec = datasets._spec(name)
        x, y = spec.loader()
        x = np.asarray(x, dtype=np.float64)
        task = spec.task
        y = np.asarray(y).astype(np.float64 if task == "regression" else np.int64)
        x_train, x_test, y_train, y_test = train_test_split(
            x, y, test_size=datasets.TEST_SIZE, random_state=split,
            stratify=None if task == "regression" else y)
    columns = [f"x{i}" for i in range(x_train.shape[1])]
    return (pd.DataFrame(x_train, columns=columns), pd.DataFrame(x_test, columns=columns),
            y_train, y_test, "regression" if task == "regression" else "classification")


def headline(task: str, truth, predictions) -> float:
    if task == "classification":
        return float(balanced_accuracy_score(truth, predictions))
    return float(r2_score(truth, predictions))


def baselines(task: str) -> dict:
    classification = task == "classification"
    models = {
        "hgb": (HistGradientBoostingClassifier if classification
                else HistGradientBoostingRegressor)(random_state=0),
        "rf": (RandomForestClassifier if classification
               else RandomForestRegressor)(random_state=0, n_jobs=-1),
    }
    try:
        import lightgbm
    except ImportError:
        return models
    models["lgbm"] = (lightgbm.LGBMClassifier if classification
                      else lightgbm.LGBMRegressor)(random_state=0, verbose=-1)
    return models


def _numeric(x_train: pd.DataFrame, x_test: pd.DataFrame):
    """Text columns as ordinal codes (unseen ones -1) for the baselines."""
    text = [c for c in x_train.columns if not pd.api.types.is_numeric_dtype(x_train[c])]
    if not text:
        return x_train, x_test
    encode = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), text),
        remainder="passthrough")
    encode.fit(x_train.astype({c: str for c in text}))
    return (encode.transform(x_train.astype({c: str for c in text})),
            encode.transform(x_test.astype({c: str for c in text})))


def automl_model(task: str, budget: float, seed: int, models: list[str] | None, options: dict,
                 preset: Path | None = None):
    """The task class with automl's defaults, or an AutoModel searching ``models`` only or the
    space of ``preset`` (a .toml file)."""
    import automl

    if models is None and preset is None:
        estimator = (automl.StructuredDataClassifier if task == "classification"
                     else automl.StructuredDataRegressor)
        return estimator(time_budget=budget, seed=seed, verbose=0, **options)
    inputs = automl.StructuredDataInput()
    head = automl.ClassificationHead if task == "classification" else automl.RegressionHead
    block = automl.StructuredDataBlock(models=models, preset=None if preset is None else str(preset))
    return automl.AutoModel(inputs, head()(block(inputs)), time_budget=budget, seed=seed,
                            verbose=0, **options)


def served_name(model) -> str:
    """What ``model`` serves: ``"Ensemble of N"`` or the chosen pipeline's model."""
    if model.ensemble_ is not None:
        return f"Ensemble of {len(model.ensemble_.members)}"
    return str(model.best_trial_.genome.describe()["model"])


def served_pipelines(model) -> list[str]:
    """The pipelines ``model`` serves (each member of its ensemble, or the chosen one):
    ``"OrdinalEncoder | ArithmeticFeatures > StandardScaler | LightGBM"``."""
    trials = model.ensemble_.members if model.ensemble_ is not None else [model.best_trial_]
    return [" | ".join(str(value) for slot, value in trial.genome.describe().items()
                       if "." not in slot) for trial in trials]


def keep_trials(model, path: Path) -> None:
    """Every trial of ``model``'s search as JSON lines: genome, status, score, folds scored,
    fit seconds, reason."""
    with path.open("w") as file:
        for trial in model.trials_:
            file.write(json.dumps({"genome": trial.genome.to_json(), "status": trial.status.value,
                                   "score": trial.score if trial.ok else None,
                                   "folds": len(trial.fold_scores),
                                   "fit_seconds": trial.fit_seconds,
                                   "reason": trial.reason}) + "\n")


def reported_score(model) -> float:
    """The score automl reports for the model it serves: the ensemble's nested CV score, or
    the chosen pipeline's CV score over all the folds it was scored on."""
    if model.ensemble_ is not None:
        return float(model.ensemble_.score)
    best = model.best_trial_
    return float(getattr(best, "choice_score", best.score))  # the latter: before confirmation


def preset_for(name: str, portfolio: str, presets: Path | None, folder: Path) -> Path | None:
    """The preset ``name`` is searched with: ``presets``/<name>.toml when given, else by
    ``portfolio``: the held-out one, none, or ``None`` for the shipped defaults."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import portfolio as learned  # tools/ builds the shipped portfolio and its held-out ones

    if presets is not None:
        return presets / f"{name}.toml"
    if portfolio == "shipped":
        return None
    if portfolio == "loo":
        preset = learned.held_out_preset(name, folder)
        if preset is None:
            raise SystemExit(f"{name} is not in {learned.MATRIX}: rebuild it "
                             "(tools/portfolio.py --install) or pass --portfolio none")
        return preset
    task = learned.task_of(name)
    text = (learned.REPOSITORY / "search_spaces" / f"{learned.PRESETS[task]}.toml").read_text()
    path = folder / f"{name}.toml"
    path.write_text("\n".join(line for line in text.splitlines()
                              if not line.startswith("portfolio =")) + "\n")
    return path


def run_table(name: str, budget: float, seed: int, automl_options: dict,
              models: list[str] | None = None, trials: Path | None = None,
              preset: Path | None = None, split: int = 0) -> dict:
    x_train, x_test, y_train, y_test, task = load(name, split)
    record = {"table": name, "split": split, "seed": seed, "task": task,
              "rows": len(x_train) + len(x_test), "budget": budget, "scores": {},
              "fit_seconds": {}}
    numeric_train, numeric_test = _numeric(x_train, x_test)
    for system, model in baselines(task).items():
        started = time.monotonic()
        model.fit(numeric_train, y_train)
        record["fit_seconds"][system] = time.monotonic() - started
        record["scores"][system] = headline(task, y_test, model.predict(numeric_test))
    model = automl_model(task, budget, seed, models, automl_options, preset)
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    if trials is not None:
        keep_trials(model, trials / f"{name}.jsonl")
    record["scores"]["automl"] = headline(task, y_test, model.predict(x_test))
    record["reported"] = reported_score(model)
    record["fit_seconds"]["automl"] = wall
    record["overshoot"] = wall / budget - 1
    record["candidates"] = len(model.trials_)
    record["screened"] = sum(trial.status.value == "screened" for trial in model.trials_)
    ensemble = model.ensemble_
    record["best"] = served_name(model)
    record["pipelines"] = served_pipelines(model)
    record["anytime"] = anytime_curve(model, budget)
    record["first_generation"] = max((t.score for t in model.trials_ if t.ok and t.generation == 0),
                                     default=None)
    record["search_seconds"] = model.search_seconds_
    record["confirmed"] = sum(getattr(trial, "confirmed", False) for trial in model.trials_)
    record["ensemble"] = None if ensemble is None else {
        "members": len(ensemble.members), "score": ensemble.score,
        "selection_score": ensemble.selection_score, "refit_seconds": ensemble.refit_seconds,
        "best_single_cv": model.best_trial_.score}
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--suite", choices=("pmlb", "tables", "large", "all"), default="all",
                        help="large: the ten largest tables (LARGE_TABLES), for 300 s and 600 s")
    parser.add_argument("--tables", nargs="*", help="run only these tables")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="search seeds")
    parser.add_argument("--splits", type=int, nargs="+", default=[0],
                        help="75/25 splits (random_state; 0 is the peers' split)")
    parser.add_argument("--portfolio", choices=("loo", "shipped", "none"), default="loo",
                        help="loo: learned without the table (default); shipped: the shipped "
                        "portfolio, learned from these tables (in-sample); none")
    parser.add_argument("--ensemble-size", type=int, default=None,
                        help="automl's ensemble_size (default: automl's own)")
    parser.add_argument("--strategy", choices=STRATEGY_NAMES, default=None,
                        help="automl's strategy (default: automl's own)")
    parser.add_argument("--meta-store", type=Path, default=None,
                        help="automl's meta_store: warm-start from (and add to) this file")
    parser.add_argument("--screening", action=argparse.BooleanOptionalAction,
                        help="automl's screening=True / False (default: automl's own)")
    parser.add_argument("--confirm-repeats", type=int, default=None,
                        help="automl's confirm_repeats (default: automl's own)")
    parser.add_argument("--models", nargs="+", help="automl's models (default: the preset's)")
    parser.add_argument("--presets", type=Path, help="search each table with the preset "
                        "DIR/<table>.toml (tools/portfolio.py writes them)")
    parser.add_argument("--keep-trials", type=Path, help="write each table's trials to "
                        "DIR/<table>.jsonl (the portfolio is built from them)")
    parser.add_argument("--output", type=Path, help="the JSON lines file, added to when it "
                        "exists (default: benchmarks/results/suite-<budget>s-<time>.jsonl)")
    parser.add_argument("--compare", nargs="+", type=Path, help="compare stored runs")
    parser.add_argument("--peers", type=Path, help="with --compare RUN.jsonl: add the scores "
                        "of ../shared/peers (its JSON lines) beside the run's")
    args = parser.parse_args()
    if args.peers:
        if not args.compare or len(args.compare) != 1:
            parser.error("--peers needs --compare with one run")
        with_peers(args.compare[0], args.peers)
        return
    if args.compare:
        compare(args.compare)
        return
    names = {"pmlb": pmlb_names(), "tables": list(TABLE_NAMES), "large": list(LARGE_TABLES),
             "all": pmlb_names() + list(TABLE_NAMES)}[args.suite]
    if args.tables:
        unknown = sorted(set(args.tables) - set(pmlb_names()) - set(TABLE_NAMES))
        if unknown:
            parser.error(f"unknown tables {unknown}; known: {pmlb_names() + list(TABLE_NAMES)}")
        names = args.tables
    options = {key: value for key, value in (("ensemble_size", args.ensemble_size),
                                             ("confirm_repeats", args.confirm_repeats),
                                             ("strategy", args.strategy),
                                             ("meta_store", args.meta_store),
                                             ("screening", args.screening))
               if value is not None}
    output = args.output or (Path(__file__).parent / "results" /
                             f"suite-{args.budget:.0f}s-{time.strftime('%Y%m%d-%H%M%S')}.jsonl")
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.keep_trials:
        args.keep_trials.mkdir(parents=True, exist_ok=True)
    sample = "in-sample: the shipped portfolio was learned from these tables" \
        if args.portfolio == "shipped" and args.presets is None else \
        f"portfolio: {'--presets' if args.presets else args.portfolio}"
    done = {run_key(r) for r in read_records(output)} if output.exists() else set()
    folder = Path(tempfile.mkdtemp(prefix="suite-presets-"))
    for name in names:
        for split in args.splits:
            for seed in args.seeds:
                if (name, split, seed) in done:
                    continue
                record = run_table(name, args.budget, seed, options, args.models,
                                   args.keep_trials,
                                   preset_for(name, args.portfolio, args.presets, folder), split)
                record["portfolio"] = sample
                with output.open("a") as file:
                    file.write(json.dumps(record, default=str) + "\n")
                print(f"{name} split {split} seed {seed}: " + ", ".join(
                    f"{s} {v:.4f}" for s, v in record["scores"].items())
                    + f"; automl {record['fit_seconds']['automl']:.1f} s, "
                    f"{record['candidates']} candidates, best {record['best']}", flush=True)
    records = [r for r in read_records(output) if r["table"] in names]
    print()
    print_report(records, summarize(records, str(output)), f" ({sample})")
    print(f"results: {output}")


if __name__ == "__main__":
    main()
