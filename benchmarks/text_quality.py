"""TextClassifier on the SMS Spam Collection (real messages, ../shared/data/sms_spam.tsv),
next to TF-IDF + logistic regression with default settings, in one run.

    python benchmarks/text_quality.py --time-budget 120

Fixed 75/25 split (random_state=0, stratified). Prints test accuracy and balanced accuracy
(the search's objective: 13 % of the messages are spam) of both, the fit wall time, the
candidates by model family and the best pipeline.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from automl import TextClassifier

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sms_spam.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-budget", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    sms = pd.read_csv(args.data, sep="\t", quoting=csv.QUOTE_NONE)
    x_train, x_test, y_train, y_test = train_test_split(
        sms["SMS"].tolist(), sms["Label"].to_numpy(), test_size=0.25, random_state=0,
        stratify=sms["Label"])

    started = time.monotonic()
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
    baseline.fit(x_train, y_train)
    predicted = baseline.predict(x_test)
    scores = {"tfidf_logreg": {"accuracy": accuracy_score(y_test, predicted),
                               "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
                               "fit_seconds": time.monotonic() - started}}

    model = TextClassifier(time_budget=args.time_budget, max_trials=None, seed=args.seed)
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    predicted = model.predict(x_test)
    scores["automl"] = {"accuracy": accuracy_score(y_test, predicted),
                        "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
                        "fit_seconds": wall}
    board = model.leaderboard_
    families = board.groupby("model")["score"].agg(["count", "max"]).sort_values(
        "max", ascending=False)
    print(f"\nSMS spam ({len(x_train)} train / {len(x_test)} test messages), test scores:")
    for name, row in scores.items():
        print(f"  {name:13s} accuracy {row['accuracy']:.4f}  balanced accuracy "
              f"{row['balanced_accuracy']:.4f}  ({row['fit_seconds']:.1f} s)")
    print(f"fit wall {wall:.1f} s for time_budget={args.time_budget:.0f} s "
          f"({100 * (wall / args.time_budget - 1):+.1f}%), {len(board)} candidates, "
          f"{int((board['status'] != 'ok').sum())} not finished")
    print("best CV balanced accuracy per model family:")
    print(families.to_string())
    best = model.best_trial_.genome.describe()
    print(f"best pipeline: {best}")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"text_quality_{args.time_budget:.0f}s.json").write_text(json.dumps({
        "scores": scores, "time_budget": args.time_budget, "candidates": len(board),
        "families": families.reset_index().to_dict("records"),
        "best": {k: str(v) for k, v in best.items()}}, indent=2))


if __name__ == "__main__":
    main()
