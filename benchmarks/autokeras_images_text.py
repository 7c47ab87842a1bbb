"""AutoKeras 3.0 on the image and text data of benchmarks/network_training.py (same splits), so
its test accuracy sits beside ours at the same budget.

AutoKeras 3.0's heads break on the Keras this project uses: run this in AutoKeras's own virtual
environment (Keras 3.12.0 and TensorBoard, the pins of ../shared/peers/envs/autokeras.txt):

    python -m venv /tmp/benchvenvs/autokeras
    /tmp/benchvenvs/autokeras/bin/pip install -r ../shared/peers/envs/autokeras.txt
    /tmp/benchvenvs/autokeras/bin/python benchmarks/autokeras_images_text.py \\
        --data digits pneumonia sms --budget 300

AutoKeras has no wall-clock budget; as in ../shared/peers/runners/autokeras_runner.py the budget
becomes one trial (its default first architecture) of ``max(5, budget / 3)`` epochs, and a
callback also stops training at the budget, so the fit ends within it plus AutoKeras's final
refit. Prints test accuracy and the fit's wall time per data set.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from network_training import load  # noqa: E402  (numpy, pandas and scikit-learn only)


def run(name: str, budget: float, seed: int) -> dict:
    import autokeras as ak
    import keras
    import numpy as np
    from sklearn.metrics import accuracy_score

    keras.utils.set_random_seed(seed)
    x_train, x_test, y_train, y_test, kind = load(name)
    deadline = time.monotonic() + budget

    class StopAtBudget(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if time.monotonic() >= deadline:
                self.model.stop_training = True

    if kind == "image":
        x_train, x_test = (np.asarray(x, "float32")[..., None] for x in (x_train, x_test))
        task = ak.ImageClassifier
    else:
        x_train, x_test = np.asarray(x_train, dtype=str), np.asarray(x_test, dtype=str)
        task = ak.TextClassifier
    with tempfile.TemporaryDirectory() as folder:
        model = task(max_trials=1, directory=folder, overwrite=True, seed=seed)
        started = time.monotonic()
        model.fit(x_train, np.asarray(y_train).astype(str), epochs=max(5, round(budget / 3)),
                  callbacks=[StopAtBudget()], verbose=0)
        wall = time.monotonic() - started
        predicted = np.asarray(model.predict(x_test, verbose=0)).ravel().astype(str)
    return {"data": name, "system": "autokeras", "budget": budget, "fit_seconds": wall,
            "accuracy": float(accuracy_score(np.asarray(y_test).astype(str), predicted))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=["digits", "pneumonia", "sms"])
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    records = []
    for name in args.data:
        record = run(name, args.budget, args.seed)
        records.append(record)
        print(f"{name:10s} autokeras accuracy {record['accuracy']:.4f}; fit "
              f"{record['fit_seconds']:.0f} s for a {args.budget:.0f} s budget", flush=True)
    if args.output:
        args.output.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
