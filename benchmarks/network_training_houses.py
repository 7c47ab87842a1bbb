"""The training techniques of benchmarks/network_training.py on the houses multi-input,
multi-output network of examples/multi_io.py (photos and facts -> log price and "expensive?"),
each variant searched for the same time on the same split.

    python benchmarks/network_training_houses.py --budget 180 --variants off searched

Every variant searches the whole network (its layers from the example's blocks) with the
variant's training settings fixed, as network_training.py does for one network family.
Prints per variant the test R² of the log price, the balanced accuracy of "expensive", the
candidates evaluated, their median seconds and the fit's wall time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from network_training import VARIANTS
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from multi_io import houses_model, load_houses  # noqa: E402


def run(variant: str, budget: float, seed: int) -> dict:
    from automl.blocks._multi_network import NetworkSettings

    images, facts, price = load_houses()
    train, test = train_test_split(np.arange(len(price)), test_size=0.2, random_state=0)
    log_price = np.log(price)
    expensive = np.where(price > np.median(price[train]), "yes", "no")

    def inputs(index):
        return [images[index], facts.iloc[index].reset_index(drop=True)]

    # The search space is drawn in this process (workers only build the genomes it sends), so
    # narrowing the class's training space here fixes the variant's settings for the search.
    shipped = dict(NetworkSettings.hyperparameters)
    NetworkSettings.hyperparameters = {**shipped, **{
        key: shipped[key].narrow(spec) for key, spec in VARIANTS[variant].items()}}
    try:
        model = houses_model(time_budget=budget, cv=3, population_size=6, n_jobs=1, seed=seed,
                             verbose=0)
        started = time.monotonic()
        model.fit(inputs(train), [log_price[train], expensive[train]])
        wall = time.monotonic() - started
    finally:
        NetworkSettings.hyperparameters = shipped
    scores = model.evaluate(inputs(test), [log_price[test], expensive[test]])
    board = model.leaderboard_
    ok = board[board["status"] == "ok"]
    return {"data": "houses", "variant": variant, "budget": budget,
            "r2": float(scores["log_price"]["r2"]),
            "balanced_accuracy": float(scores["expensive"]["balanced_accuracy"]),
            "candidates": len(board), "ok": len(ok),
            "median_candidate_seconds": float(ok["fit_seconds"].median()) if len(ok) else None,
            "fit_seconds": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    training = [name for name, spec in VARIANTS.items() if spec is not None]  # one network
    parser.add_argument("--variants", nargs="+", default=training, choices=training)
    parser.add_argument("--budget", type=float, default=180.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    records = []
    for variant in args.variants:
        record = run(variant, args.budget, args.seed)
        records.append(record)
        print(f"houses {variant:16s} R2(log price) {record['r2']:.3f}  balanced accuracy "
              f"{record['balanced_accuracy']:.3f}  {record['ok']}/{record['candidates']} "
              f"candidates, median {record['median_candidate_seconds'] or float('nan'):.1f} s "
              f"each; fit {record['fit_seconds']:.0f} s", flush=True)
    if args.output:
        args.output.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
