"""Score against cost: the Pareto front of a search, and a model selected under a latency limit.

    python benchmarks/pareto.py [--budget 60] [--tables churn phoneme magic]

Per table (the suite's split): a search of ``--budget`` seconds; its front over the score and
the latency of one row and the saved size (``pareto_front_``); then ``select`` under a latency
limit halfway (geometrically) between the front's fastest model and the best one, its refit
held to a tenth of the search's budget (``time_budget``), the refit model's own latency
measured again (``costs_``), its refit seconds, and each model's test score.
"""

from __future__ import annotations

import argparse
import math
import time

import pandas as pd

import automl

from suite import headline, load


def run(name: str, budget: float) -> None:
    x_train, x_test, y_train, y_test, task = load(name)
    estimator = (automl.StructuredDataClassifier if task == "classification"
                 else automl.StructuredDataRegressor)
    model = estimator(time_budget=budget, seed=0, verbose=0).fit(x_train, y_train)
    front = model.pareto_front_
    best_latency = front["latency_ms"].iloc[0]
    limit = math.sqrt(front["latency_ms"].min() * best_latency)
    print(f"\n{name} ({task}, {len(x_train)} rows): {len(model.trials_)} trials, "
          f"{len(front)} on the front; served: "
          f"{'an ensemble' if model.ensemble_ else f'trial {model.best_trial_.number}'}, test "
          f"{headline(task, y_test, model.predict(x_test)):.4f}, {model.costs_['latency_ms']:.2f}"
          f" ms per row, {model.costs_['model_size'] / 1e6:.3f} MB")
    with pd.option_context("display.width", 140, "display.max_rows", None):
        print(front.round(4).to_string(index=False))
    if len(front) < 2 or limit >= best_latency:
        print("  (the front has one latency: nothing to select under a limit)")
        return
    started = time.monotonic()
    model.select(max_latency_ms=limit, time_budget=budget / 10)
    refit = time.monotonic() - started
    measured = model.costs_["latency_ms"]
    print(f"  select(max_latency_ms={limit:.2f}, time_budget={budget / 10:g}) in {refit:.1f} s "
          f"(costs measured included): trial {model.best_trial_.number} "
          f"({model.best_trial_.genome.describe()['model']}), CV {model.best_trial_.score:.4f}, "
          f"test {headline(task, y_test, model.predict(x_test)):.4f}; refit model measured "
          f"{measured:.2f} ms per row ({'under' if measured <= limit else 'OVER'} the limit), "
          f"{model.costs_['batch_latency_ms'] * 1e3:.1f} us per row in a batch of 1,000, "
          f"{model.costs_['model_size'] / 1e6:.3f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--tables", nargs="+", default=["churn", "phoneme", "magic"])
    args = parser.parse_args()
    for name in args.tables:
        run(name, args.budget)


if __name__ == "__main__":
    main()
