"""Grouped rows: the score automl reports against the score on groups it never saw, with and
without ``fit(groups=...)``.

    python benchmarks/grouped.py [--tables pima wdbc ...] [--budget 30] [--output grouped.jsonl]

Suite tables made grouped: each row of the peers' fixed split becomes a subject seen 1 to 5
times (3 on average), each visit its numbers plus noise (a tenth of the column's spread), the
target the subject's; the test rows' subjects are new. automl fits the training visits twice,
the same seed and budget: rows independent (the default), and ``groups=`` the subject. Prints,
per table and on average, the reported CV score (``benchmarks/suite.py``'s ``reported``) minus
the test score. Each result is written as a JSON line as it finishes; a rerun skips those
done. The shipped portfolio is used (in-sample for suite tables: it affects both fits alike;
what is compared is each fit's reported score against its own test score).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import automl  # noqa: E402

from suite import headline, load, reported_score  # noqa: E402

TABLES = ("pima", "wdbc", "ionosphere", "1027_ESL", "yeast", "vowel")


def visits(x: pd.DataFrame, y: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray,
                                                              np.ndarray]:
    """Each row as a subject seen 1 to 5 times, numbers blurred; (visits, targets, subject)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 6, len(x))
    subject = np.repeat(np.arange(len(x)), counts)
    seen = x.iloc[subject].reset_index(drop=True)
    numbers = seen.select_dtypes("number").columns
    spread = x[numbers].std().replace(0, 1).to_numpy()
    seen[numbers] = seen[numbers] + rng.normal(size=(len(seen), len(numbers))) * spread / 10
    return seen, np.asarray(y)[subject], subject


def run(table: str, grouped: bool, budget: float, seed: int) -> dict:
    x_train, x_test, y_train, y_test, task = load(table)
    x, y, subject = visits(x_train, y_train, seed)
    new_x, new_y, _ = visits(x_test, y_test, seed + 1)
    estimator = (automl.StructuredDataClassifier if task == "classification"
                 else automl.StructuredDataRegressor)
    model = estimator(time_budget=budget, seed=seed, verbose=0)
    started = time.monotonic()
    model.fit(x, y, groups=subject if grouped else None)
    test = headline(task, new_y, model.predict(new_x))
    return {"table": table, "grouped": grouped, "seed": seed, "budget": budget,
            "rows": len(x), "subjects": int(subject.max()) + 1,
            "reported": reported_score(model), "test": test,
            "fit_seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", default=list(TABLES))
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=Path("grouped.jsonl"))
    args = parser.parse_args()
    done = set()
    if args.output.is_file():
        done = {(r["table"], r["grouped"], r["seed"], r["budget"]) for r in
                map(json.loads, args.output.read_text().splitlines())}
    for table in args.tables:
        for grouped in (False, True):
            if (table, grouped, args.seed, args.budget) in done:
                continue
            record = run(table, grouped, args.budget, args.seed)
            with args.output.open("a") as out:
                out.write(json.dumps(record) + "\n")
            print(f"{table:12s} groups={'subject' if grouped else 'none':8s} "
                  f"reported {record['reported']:.4f} test {record['test']:.4f} "
                  f"gap {record['reported'] - record['test']:+.4f}", flush=True)
    records = [r for r in map(json.loads, args.output.read_text().splitlines())
               if r["table"] in args.tables and r["seed"] == args.seed
               and r["budget"] == args.budget]
    for grouped in (False, True):
        gaps = [r["reported"] - r["test"] for r in records if r["grouped"] == grouped]
        tests = [r["test"] for r in records if r["grouped"] == grouped]
        if gaps:
            print(f"groups={'subject' if grouped else 'none':8s} mean gap {np.mean(gaps):+.4f} "
                  f"(std {np.std(gaps):.4f}), mean test {np.mean(tests):.4f}, "
                  f"{len(gaps)} tables")


if __name__ == "__main__":
    main()
