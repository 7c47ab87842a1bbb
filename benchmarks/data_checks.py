"""The data checks on every table of the suite, and on tables with a leak, an identifier or
duplicated rows put in on purpose: what each check finds, and how long the checks take.

    python benchmarks/data_checks.py            # all tables, then the injected problems

A clean table should give no warning; titanic's 'alive' (it restates 'survived') and each
injected problem should be named. The last part shows what grouping copies of a row in the
folds does to a cross-validated score: plain folds score copies against themselves.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import cross_val_score, train_test_split

from automl.checks import check_data
from automl.data import Task, copied_records, load_training_data
from automl.evaluation import fold_indices

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def suite_tables():
    """``(name, table, target column, task)`` for the 28 PMLB tables and the 7 raw ones (as
    a user has them: titanic with all its columns)."""
    for entry in json.loads((SHARED / "pmlb" / "datasets.json").read_text()):
        task = "regression" if entry["task"] == "regression" else "classification"
        yield (entry["name"], pd.read_csv(SHARED / "pmlb" / entry["file"], sep="\t"),
               entry["target"], task)
    yield "titanic", pd.read_csv(SHARED / "tables" / "titanic.csv"), "survived", "classification"
    yield "penguins", pd.read_csv(SHARED / "tables" / "penguins.csv"), "species", "classification"
    for name, task in (("churn", "classification"), ("car_evaluation", "classification"),
                       ("phoneme", "classification"), ("wine_quality_white", "classification"),
                       ("197_cpu_act", "regression")):
        yield name, pd.read_csv(SHARED / "tables" / f"{name}.tsv.gz", sep="\t"), "target", task


def injected(tables: dict):
    """Tables of the suite with one problem put in (seeded)."""
    rng = np.random.default_rng(0)
    wdbc = tables["wdbc"].copy()  # a copy of the target with 0.5 % of its values changed
    leak = wdbc["target"].map({0: "benign", 1: "malignant"}).to_numpy(copy=True)
    flipped = rng.choice(len(leak), len(leak) // 200, replace=False)
    leak[flipped] = np.where(leak[flipped] == "benign", "malignant", "benign")
    yield "wdbc + leak 'diagnosis'", wdbc.assign(diagnosis=leak), "classification"
    for share in (0.01, 0.03):  # a copy of the target with 1 % or 3 % of its values changed
        pima = tables["pima"].copy()
        copy = pima["target"].to_numpy(copy=True)
        flipped = rng.choice(len(copy), round(share * len(copy)), replace=False)
        copy[flipped] = 1 - copy[flipped]
        yield f"pima + leak 'outcome' ({share:.0%} changed)", pima.assign(outcome=copy), \
            "classification"
    pollen = tables["529_pollen"].copy()  # the target plus 1 % noise, as a measured column
    noise = rng.normal(0, 0.01 * pollen["target"].std(), len(pollen))
    yield ("529_pollen + leak 'density'", pollen.assign(density=pollen["target"] * 3 + noise),
           "regression")
    vowel = tables["vowel"].copy()  # a function of the target: 11 classes onto 3 values
    yield ("vowel + leak 'group'", vowel.assign(group=vowel["target"].astype(int) % 3),
           "classification")
    pima = tables["pima"].copy()  # a shuffled row number
    yield "pima + identifier 'id'", pima.assign(id=rng.permutation(len(pima)) + 1000), \
        "classification"
    copies = pima.sample(frac=0.2, random_state=0)  # a fifth of the rows entered twice
    yield "pima + 20 % duplicated rows", pd.concat([pima, copies], ignore_index=True), \
        "classification"


def run(name: str, table: pd.DataFrame, target: str, task: str) -> dict:
    data = load_training_data(table, target, Task(task))
    objective = "balanced_accuracy" if task == "classification" else "r2"
    tic = time.perf_counter()
    findings = check_data(data, objective=objective, cv=5)
    seconds = time.perf_counter() - tic
    shown = "; ".join(f"{f.severity} {f.check}" + (f" {list(f.columns)}" if f.columns else "")
                      for f in findings) or "-"
    print(f"{name:44s} {len(table):6d} x {table.shape[1] - 1:3d}  {seconds:5.2f} s  {shown}")
    return {"table": name, "seconds": seconds,
            "warnings": [f.check for f in findings if f.severity == "warning"],
            "findings": [f.__dict__ for f in findings]}


def grouped_folds_effect(table: pd.DataFrame) -> None:
    """A forest's CV score with plain and grouped folds on a table with a fifth of its rows
    entered twice, beside its score on held-out rows none of which it saw."""
    train, test = train_test_split(table, test_size=0.3, random_state=0,
                                   stratify=table["target"])
    train = pd.concat([train, train.sample(frac=0.2, random_state=0)], ignore_index=True)
    x, y = train.drop(columns="target"), train["target"].to_numpy()
    model = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=1)
    for label, groups in (("plain folds", None), ("copies grouped", copied_records(x))):
        folds = fold_indices(y, 5, 0, stratify=True, groups=groups)
        score = cross_val_score(model, x, y, cv=folds, scoring="balanced_accuracy").mean()
        print(f"  pima + 20 % copies, 5-fold CV with {label:15s} {score:.4f}")
    fitted = model.fit(x, y)
    held_out = balanced_accuracy_score(test["target"], fitted.predict(test.drop(columns="target")))
    print(f"  the same forest on held-out rows (none seen)       {held_out:.4f}")


def main() -> None:
    print(f"{'table':44s} {'rows':>6s} x cols  time     findings")
    tables = {}
    results = []
    for name, table, target, task in suite_tables():
        tables[name] = table
        results.append(run(name, table, target, task))
    print("\ninjected problems")
    for name, table, task in injected(tables):
        results.append(run(name, table, "target", task))
    clean = [r for r in results[:35] if r["table"] != "titanic"]
    warned = [r["table"] for r in clean if r["warnings"]]
    print(f"\nwarnings on the suite's other tables: {len(warned)} of {len(clean)} {warned}")
    print(f"slowest: {max(r['seconds'] for r in results):.2f} s")
    print("\nwhat grouping copies does to CV")
    grouped_folds_effect(tables["pima"])


if __name__ == "__main__":
    main()
