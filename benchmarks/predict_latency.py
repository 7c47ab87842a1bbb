"""Prediction latency of fitted table models against their bare models, in process.

    python benchmarks/predict_latency.py [--table titanic] [--repeats 200]

Fits, on the table's fixed training split, a LightGBM pipeline and a network pipeline through
the functional API (their preprocessing as the search builds it), and a small search's served
model (an ensemble where the search keeps one). For 1, 100 and 1,000 test rows it times
``predict_proba`` three ways: the task object (``clf.predict_proba``: reads and checks the
rows, then the pipeline), the exported scikit-learn pipeline, and the bare model(s) on rows
already encoded (for an ensemble: each member's last step on its own encoded rows, weighted).
Prints the median of ``--repeats`` calls (milliseconds) and the ratios to the bare model(s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import automl  # noqa: E402
from automl.blocks import DenseNetwork, LightGBM  # noqa: E402

from _datasets import load_split  # noqa: E402


def median_ms(predict, rows, repeats: int) -> float:
    predict(rows)  # first-call costs (tracing, caches) are not a request's
    times = []
    for _ in range(repeats):
        tic = time.perf_counter()
        predict(rows)
        times.append(time.perf_counter() - tic)
    return 1000 * statistics.median(times)


def bare(pipeline):
    """``rows -> probabilities`` of the pipeline's last step(s) on rows encoded beforehand,
    and the encoding."""
    members = getattr(pipeline, "members", None)
    if members is None:
        return (lambda encoded: pipeline[-1].predict_proba(encoded[0])), (
            lambda rows: [pipeline[:-1].transform(rows)])
    weights = np.asarray(pipeline.weights, dtype=float) / np.sum(pipeline.weights)

    def predict(encoded):
        return sum(w * m[-1].predict_proba(e) for w, m, e in zip(weights, members, encoded))

    return predict, (lambda rows: [member[:-1].transform(rows) for member in members])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", default="titanic")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    split = load_split(args.table)
    common = dict(max_trials=1, cv=2, seed=0, verbose=0, scheduler="in-process")

    def functional(block):
        inp = automl.StructuredDataInput()
        return automl.AutoModel(inputs=inp, outputs=automl.ClassificationHead()(block(inp)),
                                **common)

    models = {
        "LightGBM pipeline": functional(LightGBM()),
        "network pipeline": functional(DenseNetwork(max_epochs=5)),
        "search's model": automl.StructuredDataClassifier(time_budget=30, seed=0, verbose=0),
    }
    print(f"{args.table}: {len(split.x_train)} training rows; median of {args.repeats} calls, "
          "ms (ratio to the bare model)")
    for name, model in models.items():
        model.fit(split.x_train, split.y_train)
        pipeline = model.export_model(format="sklearn")
        predict_bare, encode = bare(pipeline)
        kind = type(pipeline).__name__ + (f" of {len(pipeline.members)}"
                                          if hasattr(pipeline, "members") else "")
        print(f"\n{name} ({kind})")
        print(f"{'rows':>6} {'task object':>18} {'pipeline':>18} {'bare':>9}")
        for count in (1, 100, 1000):
            rows = split.x_test.sample(count, replace=count > len(split.x_test), random_state=0)
            encoded = encode(rows)
            base = median_ms(predict_bare, encoded, args.repeats)
            task = median_ms(model.predict_proba, rows, args.repeats)
            exported = median_ms(pipeline.predict_proba, rows, args.repeats)
            print(f"{count:>6} {task:>9.3f} ({task / base:>5.1f}x) "
                  f"{exported:>9.3f} ({exported / base:>5.1f}x) {base:>9.3f}")


if __name__ == "__main__":
    main()
