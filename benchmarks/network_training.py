"""How networks train, technique by technique, at equal time: the search over one network
family (ConvNetwork for images, TextNetwork for text) with each training technique held on or
off, in one run.

    python benchmarks/network_training.py --data digits --budget 60
    python benchmarks/network_training.py --data pneumonia sms --budget 300 \\
        --variants off range_test one_cycle searched
    python benchmarks/network_training.py --data pneumonia --variants --hgb  # the baseline only

Variants (``TRAINING_SPACE`` in automl/blocks/_keras/_training.py):
  off          constant searched learning rate, no snapshots (the training before #17)
  range_test   the learning-rate range test picks the rate, constant schedule
  triangular / one_cycle / cosine_restarts   that schedule, searched rate
  snapshots    cosine_restarts with 3 cycles, the last 3 averaged (a snapshot ensemble)
  schedules    schedules and snapshots searched, the searched rate (no range test)
  searched     every technique a search dimension (the text presets' training)
  all_models   the shipped preset as it is: every model family, not the network alone (what
               ImageClassifier / TextClassifier search)

Data: digits (scikit-learn's 8x8, 75/25 split, stratified, random_state=0), pneumonia
(../shared/data/pneumoniamnist.npz, its train+val vs its test), sms (../shared/data/
sms_spam.tsv, 75/25). Prints per variant the test accuracy, the network candidates
evaluated, the median seconds per candidate (cross-validated fit) and the fit's wall time.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

REPOSITORY = Path(__file__).resolve().parents[1]
DATA = REPOSITORY.parent / "shared" / "data"
VARIANTS = {
    "off": {"lr_policy": ["searched"], "lr_schedule": ["constant"], "snapshots": [1, 1]},
    "range_test": {"lr_policy": ["range_test"], "lr_schedule": ["constant"],
                   "snapshots": [1, 1]},
    "triangular": {"lr_policy": ["searched"], "lr_schedule": ["triangular"],
                   "snapshots": [1, 1]},
    "one_cycle": {"lr_policy": ["searched"], "lr_schedule": ["one_cycle"], "snapshots": [1, 1]},
    "cosine_restarts": {"lr_policy": ["searched"], "lr_schedule": ["cosine_restarts"],
                        "snapshots": [1, 1]},
    "snapshots": {"lr_policy": ["searched"], "lr_schedule": ["cosine_restarts"],
                  "lr_cycles": [3, 3], "snapshots": [3, 3]},
    "schedules": {"lr_policy": ["searched"],
                  "lr_schedule": ["constant", "triangular", "one_cycle", "cosine_restarts"],
                  "snapshots": [1, 4]},
    "searched": {"lr_policy": ["searched", "range_test"],
                 "lr_schedule": ["constant", "triangular", "one_cycle", "cosine_restarts"],
                 "snapshots": [1, 4]},
    "all_models": None,
}


def load(name: str):
    """``(x_train, x_test, y_train, y_test, kind)``; kind is "image" or "text"."""
    if name == "digits":
        from sklearn.datasets import load_digits

        x, y = load_digits(return_X_y=True)
        split = train_test_split(x.reshape(-1, 8, 8), y, test_size=0.25, random_state=0,
                                 stratify=y)
        return (*split, "image")
    if name == "pneumonia":
        data = np.load(DATA / "pneumoniamnist.npz")
        x_train = np.concatenate([data["train_images"], data["val_images"]]) / 255.0
        y_train = np.concatenate([data["train_labels"], data["val_labels"]]).ravel()
        return (x_train, data["test_images"] / 255.0, y_train, data["test_labels"].ravel(),
                "image")
    if name == "sms":
        sms = pd.read_csv(DATA / "sms_spam.tsv", sep="\t", quoting=csv.QUOTE_NONE)
        split = train_test_split(sms["SMS"].tolist(), sms["Label"].to_numpy(), test_size=0.25,
                                 random_state=0, stratify=sms["Label"])
        return (*split, "text")
    raise SystemExit(f"unknown data {name!r}: digits, pneumonia or sms")


def preset(kind: str, variant: dict | None, folder: Path) -> Path:
    """The shipped preset of ``kind`` with the network as the only model and the variant's
    training settings fixed ("searched": every value of the space, the preset's hold lifted;
    ``None``: the shipped preset as it is)."""
    network = "ConvNetwork" if kind == "image" else "TextNetwork"
    source = REPOSITORY / "search_spaces" / f"{kind}_classification.toml"
    if variant is None:
        return source
    original = source.read_text()
    lines = [f'blocks = ["{network}"]' if line.startswith("blocks = [") and network in line
             else line for line in original.splitlines()
             if line.split(" = ")[0] not in variant]  # the variant's settings replace the preset's
    text = "\n".join(lines) + "\n"
    if f"[ranges.{network}]" not in text:
        text += f"\n[ranges.{network}]\n"
    text = text.replace(f"[ranges.{network}]\n", f"[ranges.{network}]\n" + "".join(
        f"{key} = {json.dumps(value)}\n" for key, value in variant.items()))
    path = folder / f"{network}_{abs(hash(json.dumps(variant, sort_keys=True)))}.toml"
    path.write_text(text)
    return path


def run(name: str, variant: str, budget: float, seed: int, folder: Path) -> dict:
    import automl

    x_train, x_test, y_train, y_test, kind = load(name)
    inputs = automl.ImageInput() if kind == "image" else automl.TextInput()
    block = (automl.ImageBlock if kind == "image" else automl.TextBlock)(
        preset=str(preset(kind, VARIANTS[variant], folder)))
    model = automl.AutoModel(inputs, automl.ClassificationHead()(block(inputs)),
                             time_budget=budget, max_trials=None, seed=seed, verbose=0)
    started = time.monotonic()
    model.fit(x_train, y_train)
    wall = time.monotonic() - started
    board = model.leaderboard_
    networks = board[board["model"].str.endswith("Network")]
    ok = networks[networks["status"] == "ok"]
    return {"data": name, "variant": variant, "budget": budget,
            "accuracy": float(accuracy_score(y_test, model.predict(x_test))),
            "candidates": len(networks), "ok": len(ok),
            "median_candidate_seconds": float(ok["fit_seconds"].median()) if len(ok) else None,
            "fit_seconds": wall, "best": str(model.best_trial_.genome.describe()["model"])}


def hgb_on_pixels(name: str, seed: int) -> dict | None:
    """Default HistGradientBoosting on the flattened pixels of an image data set (``None`` for
    text)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x_train, x_test, y_train, y_test, kind = load(name)
    if kind != "image":
        return None
    started = time.monotonic()
    model = HistGradientBoostingClassifier(random_state=seed).fit(
        x_train.reshape(len(x_train), -1), y_train)
    return {"data": name, "variant": "hgb_pixels",
            "accuracy": float(accuracy_score(y_test, model.predict(
                x_test.reshape(len(x_test), -1)))),
            "fit_seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=["digits"])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--hgb", action="store_true",
                        help="also default HistGradientBoosting on the pixels (images only)")
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    records = []
    with tempfile.TemporaryDirectory() as folder:
        for name in args.data:
            if args.hgb and (baseline := hgb_on_pixels(name, args.seed)) is not None:
                records.append(baseline)
                print(f"{name:10s} {'hgb_pixels':16s} accuracy {records[-1]['accuracy']:.4f}  "
                      f"fit {records[-1]['fit_seconds']:.0f} s", flush=True)
            for variant in args.variants:
                record = run(name, variant, args.budget, args.seed, Path(folder))
                records.append(record)
                print(f"{name:10s} {variant:16s} accuracy {record['accuracy']:.4f}  "
                      f"{record['ok']}/{record['candidates']} network candidates, median "
                      f"{record['median_candidate_seconds'] or float('nan'):.1f} s each; "
                      f"fit {record['fit_seconds']:.0f} s", flush=True)
    if args.output:
        args.output.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
