"""Default DenseNetwork (AutoKeras DenseBlock + our head) against default HistGradientBoosting
on the structured benchmark splits, in one run: is a network worth a place in the default
table preset, and what does one cost?

    python benchmarks/dense_network.py

Both see standardised features; prints the test metric and fit seconds of each, and the
epochs the network ran before early stopping.
"""

from __future__ import annotations

import time

from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from automl.blocks._keras import KerasNetwork

from _datasets import NAMES, load_split


def main() -> None:
    print(f"{'dataset':14s} {'HGB':>7s} {'s':>6s} {'network':>8s} {'s':>6s} {'epochs':>6s}")
    for name in NAMES:
        split = load_split(name)
        classification = split.task == "classification"
        hgb = (HistGradientBoostingClassifier if classification
               else HistGradientBoostingRegressor)(random_state=0)
        network = KerasNetwork("DenseBlock", {}, classification=classification, seed=0)
        row = [name]
        for model in (hgb, network):
            pipeline = make_pipeline(StandardScaler(), model)
            started = time.perf_counter()
            pipeline.fit(split.x_train, split.y_train)
            seconds = time.perf_counter() - started
            row += [split.score(pipeline.predict(split.x_test)), seconds]
        print(f"{row[0]:14s} {row[1]:7.4f} {row[2]:6.1f} {row[3]:8.4f} {row[4]:6.1f} "
              f"{network.epochs_:6d}")


if __name__ == "__main__":
    main()
