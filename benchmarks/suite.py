"""The suite benchmark: automl against default baselines trained on the same split in the same
run, over the 28 PMLB tables of ../shared/data/pmlb (and the 7 raw tables of
../shared/data/tables), at one time budget.

    python benchmarks/suite.py --budget 60                        # the whole suite
    python benchmarks/suite.py --budget 60 --tables pima letter   # a subset
    python benchmarks/suite.py --budget 60 --suite tables         # the raw tables only
    python benchmarks/suite.py --budget 60 --ensemble-size 0      # automl without ensembles
    python benchmarks/suite.py --budget 60 --models SVM RandomForest  # other model options
    python benchmarks/suite.py --budget 60 --keep-trials trials/    # every trial, per table
    python benchmarks/suite.py --budget 60 --presets loo/          # a preset per table
    python benchmarks/suite.py --compare results/suite-a.json results/suite-b.json
    python benchmarks/suite.py --compare results/suite-a.json --peers /tmp/peers-results/X.jsonl

PMLB tables use the peers harness's split (``../shared/peers/datasets.py``: 75/25,
random_state=0, stratified for classification; numbers as float64), so the figures sit beside
AutoGluon's and FLAML's from ``../shared/peers``; the raw tables use ``_datasets.load_split``
(same split rule, columns as they are, categorical text for automl, ordinal codes for the
baselines). Baselines: scikit-learn's HistGradientBoosting and RandomForest and LightGBM (when
installed), each with its defaults and ``random_state=0``. Headline metric: balanced accuracy,
or R² for regression. Per table it prints every system's score and rank, automl's fit wall
time, its overshoot of the budget and the candidates it evaluated; overall, the mean rank of
each system and automl's wins/ties/losses against each baseline (a tie: scores within
``TIE``). Results go to a JSON file, so two runs can be compared (``--compare``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.compose import make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.preprocessing import OrdinalEncoder

from _datasets import TABLE_NAMES, load_split

SHARED = Path(__file__).resolve().parents[2] / "shared"
PMLB = SHARED / "data" / "pmlb"
#: Scores this close count as a tie.
TIE = 1e-4


def pmlb_names() -> list[str]:
    return [entry["name"] for entry in json.loads((PMLB / "datasets.json").read_text())]


def load(name: str):
    """``(x_train, x_test, y_train, y_test, task)``: a PMLB table through the peers harness
    (the peers' split), a raw table through ``_datasets``."""
    if name in TABLE_NAMES:
        split = load_split(name)
        return split.x_train, split.x_test, split.y_train, split.y_test, split.task
    sys.path.insert(0, str(SHARED / "peers"))
    import datasets  # the peers harness: the same split the peers were measured on

    x_train, x_test, y_train, y_test, task = datasets.load(name)  # "binary", "multiclass", ...
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


def run_table(name: str, budget: float, seed: int, automl_options: dict,
              models: list[str] | None = None, trials: Path | None = None,
              presets: Path | None = None) -> dict:
    x_train, x_test, y_train, y_test, task = load(name)
    record = {"table": name, "task": task, "rows": len(x_train) + len(x_test),
              "budget": budget, "scores": {}, "fit_seconds": {}}
    numeric_train, numeric_test = _numeric(x_train, x_test)
    for system, model in baselines(task).items():
        started = time.monotonic()
        model.fit(numeric_train, y_train)
        record["fit_seconds"][system] = time.monotonic() - started
        record["scores"][system] = headline(task, y_test, model.predict(numeric_test))
    model = automl_model(task, budget, seed, models, automl_options,
                         None if presets is None else presets / f"{name}.toml")
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    if trials is not None:
        keep_trials(model, trials / f"{name}.jsonl")
    record["scores"]["automl"] = headline(task, y_test, model.predict(x_test))
    record["fit_seconds"]["automl"] = wall
    record["overshoot"] = wall / budget - 1
    record["candidates"] = len(model.trials_)
    ensemble = model.ensemble_
    record["best"] = (f"Ensemble of {len(ensemble.members)}" if ensemble is not None
                      else str(model.best_trial_.genome.describe()["model"]))
    record["search_seconds"] = model.search_seconds_
    record["ensemble"] = None if ensemble is None else {
        "members": len(ensemble.members), "score": ensemble.score,
        "selection_score": ensemble.selection_score, "refit_seconds": ensemble.refit_seconds,
        "best_single_cv": model.best_trial_.score}
    return record


def summarize(records: list[dict], label: str = "") -> dict:
    """Ranks per table, the mean rank of each system and automl's wins/ties/losses."""
    systems = sorted({s for r in records for s in r["scores"]}, key=lambda s: s != "automl")
    ranks = {s: [] for s in systems}
    versus = {s: [0, 0, 0] for s in systems if s != "automl"}
    for record in records:
        scores = record["scores"]
        present = [s for s in systems if s in scores]
        # Higher is better; scores within TIE share their rank.
        rounded = [-round(scores[s] / TIE) for s in present]
        for system, rank in zip(present, rankdata(rounded, method="average")):
            ranks[system].append(float(rank))
            record.setdefault("ranks", {})[system] = float(rank)
        for baseline in versus:
            if baseline in scores:
                difference = scores["automl"] - scores[baseline]
                versus[baseline][0 if difference > TIE else 1 if difference >= -TIE else 2] += 1
    summary = {"label": label, "tables": len(records),
               "mean_rank": {s: float(np.mean(r)) for s, r in ranks.items() if r},
               "wins_ties_losses": {b: tuple(v) for b, v in versus.items()},
               "overshoot_max": max(r["overshoot"] for r in records),
               "candidates_median": float(np.median([r["candidates"] for r in records]))}
    return summary


def print_table(records: list[dict], summary: dict) -> None:
    systems = list(summary["mean_rank"])
    header = f"{'table':<44} {'rows':>6} " + " ".join(f"{s:>14}" for s in systems) \
        + f" {'wall':>7} {'over':>6} {'cands':>6}  best"
    print(header)
    for r in records:
        cells = " ".join(f"{r['scores'].get(s, float('nan')):8.4f} ({r['ranks'].get(s, 0):3.1f})"
                         for s in systems)
        print(f"{r['table'][:44]:<44} {r['rows']:>6} {cells} "
              f"{r['fit_seconds']['automl']:7.1f} {r['overshoot']:+6.1%} {r['candidates']:>6}"
              f"  {r['best']}")
    print("mean rank: " + ", ".join(f"{s} {v:.2f}" for s, v in summary["mean_rank"].items()))
    print("automl wins/ties/losses: " + ", ".join(
        f"vs {b} {w}/{t}/{lo}" for b, (w, t, lo) in summary["wins_ties_losses"].items()))
    print(f"budget overshoot at most {summary['overshoot_max']:+.1%}; median candidates "
          f"{summary['candidates_median']:.0f}")


def compare(paths: list[Path]) -> None:
    """automl's score per table in each run, and each run's summary."""
    runs = [json.loads(path.read_text()) for path in paths]
    tables = [r["table"] for r in runs[0]["records"]]
    print(f"{'table':<44} " + " ".join(f"{path.stem[:18]:>18}" for path in paths))
    for table in tables:
        cells = []
        for run in runs:
            found = [r for r in run["records"] if r["table"] == table]
            cells.append(f"{found[0]['scores']['automl']:>18.4f}" if found else f"{'-':>18}")
        print(f"{table[:44]:<44} " + " ".join(cells))
    for path, run in zip(paths, runs):
        summary = run["summary"]
        print(f"{path.stem}: mean rank " + ", ".join(
            f"{s} {v:.2f}" for s, v in summary["mean_rank"].items()) + "; automl W/T/L "
            + ", ".join(f"vs {b} {'/'.join(map(str, v))}"
                        for b, v in summary["wins_ties_losses"].items()))


def with_peers(path: Path, peers: Path) -> None:
    """A stored run with the peers' scores (``../shared/peers`` JSON lines, same split and
    budget) added as systems, over the tables both have: scores, ranks, wins/ties/losses."""
    run = json.loads(path.read_text())
    found: dict[str, dict[str, float]] = {}
    for line in peers.read_text().splitlines():
        peer = json.loads(line)
        if peer.get("metrics") and peer["budget"] == run["records"][0]["budget"]:
            metric = "r2" if peer["task"] == "regression" else "balanced_accuracy"
            found.setdefault(peer["dataset"], {})[peer["system"]] = peer["metrics"][metric]
    records = []
    for record in run["records"]:
        if record["table"] in found:
            records.append({**record, "scores": {**record["scores"], **found[record["table"]]},
                            "ranks": {}})
    if not records:
        raise SystemExit(f"no table of {path} is in {peers} at budget "
                         f"{run['records'][0]['budget']}")
    print_table(records, summarize(records, f"{path} with {peers}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--suite", choices=("pmlb", "tables", "all"), default="all")
    parser.add_argument("--tables", nargs="*", help="run only these tables")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ensemble-size", type=int, default=None,
                        help="automl's ensemble_size (default: automl's own)")
    parser.add_argument("--models", nargs="+", help="automl's model options (default: the "
                        "preset's)")
    parser.add_argument("--presets", type=Path, help="search each table with the preset "
                        "DIR/<table>.toml (benchmarks/portfolio.py writes them)")
    parser.add_argument("--keep-trials", type=Path, help="write each table's trials to "
                        "DIR/<table>.jsonl (the portfolio is built from them)")
    parser.add_argument("--output", type=Path, help="the JSON file (default: "
                        "benchmarks/results/suite-<budget>s-<time>.json)")
    parser.add_argument("--compare", nargs="+", type=Path, help="compare stored runs")
    parser.add_argument("--peers", type=Path, help="with --compare RUN.json: add the scores "
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
    names = {"pmlb": pmlb_names(), "tables": list(TABLE_NAMES),
             "all": pmlb_names() + list(TABLE_NAMES)}[args.suite]
    if args.tables:
        unknown = sorted(set(args.tables) - set(pmlb_names()) - set(TABLE_NAMES))
        if unknown:
            parser.error(f"unknown tables {unknown}; known: {pmlb_names() + list(TABLE_NAMES)}")
        names = args.tables
    options = {} if args.ensemble_size is None else {"ensemble_size": args.ensemble_size}
    output = args.output or (Path(__file__).parent / "results" /
                             f"suite-{args.budget:.0f}s-{time.strftime('%Y%m%d-%H%M%S')}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    if args.keep_trials:
        args.keep_trials.mkdir(parents=True, exist_ok=True)
    records = []
    for name in names:
        record = run_table(name, args.budget, args.seed, options, args.models, args.keep_trials,
                           args.presets)
        records.append(record)
        print(f"{name}: " + ", ".join(f"{s} {v:.4f}" for s, v in record["scores"].items())
              + f"; automl {record['fit_seconds']['automl']:.1f} s, {record['candidates']} "
              f"candidates, best {record['best']}", flush=True)
        summary = summarize(records)
        output.write_text(json.dumps({"summary": summary, "records": records,
                                      "options": vars(args) | {"output": str(output)}},
                                     indent=1, default=str))
    print()
    print_table(records, summarize(records, str(output)))
    print(f"results: {output}")


if __name__ == "__main__":
    main()
