"""ImageClassifier on scikit-learn's digits as 8x8 images, next to default HistGradientBoosting
on the flattened pixels, in one run.

    python benchmarks/image_quality.py --time-budget 300

Fixed 75/25 split (random_state=0, stratified). Prints test accuracy of both, the fit wall time
and its overshoot, candidates by model family and the best pipeline.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from automl import ImageClassifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-budget", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    x, y = load_digits(return_X_y=True)
    images = x.reshape(-1, 8, 8)
    x_train, x_test, y_train, y_test = train_test_split(images, y, test_size=0.25,
                                                        random_state=0, stratify=y)
    started = time.monotonic()
    baseline = HistGradientBoostingClassifier(random_state=0).fit(
        x_train.reshape(len(x_train), -1), y_train)
    hgb = accuracy_score(y_test, baseline.predict(x_test.reshape(len(x_test), -1)))
    hgb_seconds = time.monotonic() - started

    model = ImageClassifier(time_budget=args.time_budget, max_trials=None, seed=args.seed,
                            verbose=1)
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    ours = accuracy_score(y_test, model.predict(x_test))
    board = model.leaderboard_
    families = board.groupby("model")["score"].agg(["count", "max"]).sort_values("max",
                                                                                  ascending=False)
    print(f"\ndigits 8x8, test accuracy: default HistGradientBoosting {hgb:.4f} "
          f"({hgb_seconds:.1f} s); ImageClassifier {ours:.4f}")
    print(f"fit wall {wall:.1f} s for time_budget={args.time_budget:.0f} s "
          f"({100 * (wall / args.time_budget - 1):+.1f}%), {len(board)} candidates, "
          f"{int((board['status'] != 'ok').sum())} failed")
    print("best CV balanced accuracy per model family:")
    print(families.to_string())
    best = model.best_trial_.genome.describe()
    print(f"best pipeline: {best['preprocessing']} > {best['model']}")
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"image_quality_{args.time_budget:.0f}s.json").write_text(json.dumps({
        "hgb": hgb, "automl": ours, "fit_seconds": wall, "time_budget": args.time_budget,
        "candidates": len(board), "families": families.reset_index().to_dict("records"),
        "best": {k: str(v) for k, v in best.items()}}, indent=2))


if __name__ == "__main__":
    main()
