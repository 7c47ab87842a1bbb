"""Two Keras networks training at once, as two search workers do, with TensorFlow's thread
pools left at their default (all cores each) and capped at each worker's share of the cores
(what automl's local workers set), in the same run.

    python benchmarks/network_threads.py [--repeats 3] [--epochs 16]

Each setting starts two fresh interpreters at once; each fits the same small convolutional
network on scikit-learn's digits (8x8) and prints its fit seconds. Prints the mean fit seconds
per setting and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

FIT = """
import os, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
import keras
from sklearn.datasets import load_digits
x, y = load_digits(return_X_y=True)
x = x.reshape(-1, 8, 8, 1).astype("float32") / 16
model = keras.Sequential([keras.Input((8, 8, 1)),
                          keras.layers.Conv2D(64, 3, activation="relu"),
                          keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.Flatten(),
                          keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy")
tic = time.perf_counter()
model.fit(x, y, epochs={epochs}, batch_size=32, verbose=0)
print(time.perf_counter() - tic)
"""


def two_at_once(threads: int | None, epochs: int) -> list[float]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    if threads is not None:
        env.update(TF_NUM_INTRAOP_THREADS=str(threads), TF_NUM_INTEROP_THREADS=str(threads))
    processes = [subprocess.Popen([sys.executable, "-c", FIT.format(epochs=epochs)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                 for _ in range(2)]
    return [float(process.communicate()[0].strip().splitlines()[-1]) for process in processes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=16)
    args = parser.parse_args()
    share = max(1, (os.cpu_count() or 1) // 2)
    seconds: dict[str, list[float]] = {"default": [], f"capped at {share}": []}
    for _ in range(args.repeats):  # alternated, so that machine load hits both alike
        seconds["default"] += two_at_once(None, args.epochs)
        seconds[f"capped at {share}"] += two_at_once(share, args.epochs)
    for label, values in seconds.items():
        print(f"TensorFlow threads {label:>12}: mean fit {statistics.mean(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} fits)")
    default, capped = (statistics.mean(values) for values in seconds.values())
    print(f"capped / default fit time: {capped / default:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
