"""The benchmark datasets and their fixed splits (the splits of ../shared/PEERS.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import train_test_split


@dataclass
class Split:
    name: str
    task: str  # "classification" | "regression"
    x_train: pd.DataFrame
    x_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray

    def score(self, predictions) -> float:
        """The headline metric: balanced accuracy, or R2 for regression."""
        if self.task == "classification":
            return float(balanced_accuracy_score(self.y_test, predictions))
        return float(r2_score(self.y_test, predictions))


_LOADERS = {
    "breast_cancer": (datasets.load_breast_cancer, "classification"),
    "wine": (datasets.load_wine, "classification"),
    "digits": (datasets.load_digits, "classification"),
    "diabetes": (datasets.load_diabetes, "regression"),
}

#: Harder real tables from ../shared/data/tables (mixed types, missing values, more rows).
TABLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "tables"


def _titanic():
    table = pd.read_csv(TABLES / "titanic.csv")
    # 'alive' restates the target; 'class', 'who', 'adult_male', 'embark_town' restate others.
    table = table.drop(columns=["alive", "class", "who", "adult_male", "embark_town"])
    return table.drop(columns=["survived"]), table["survived"]


def _penguins():
    table = pd.read_csv(TABLES / "penguins.csv")
    return table.drop(columns=["species"]), table["species"]


def _pmlb(name: str):
    def load():
        table = pd.read_csv(TABLES / f"{name}.tsv.gz", sep="\t")
        return table.drop(columns=["target"]), table["target"]
    return load


_TABLE_LOADERS = {
    "titanic": (_titanic, "classification"),
    "penguins": (_penguins, "classification"),
    "churn": (_pmlb("churn"), "classification"),
    "car_evaluation": (_pmlb("car_evaluation"), "classification"),
    "phoneme": (_pmlb("phoneme"), "classification"),
    "wine_quality_white": (_pmlb("wine_quality_white"), "classification"),
    "cpu_act": (_pmlb("197_cpu_act"), "regression"),
}

NAMES = tuple(_LOADERS)
TABLE_NAMES = tuple(_TABLE_LOADERS)


def load_split(name: str, random_state: int = 0) -> Split:
    """A 75/25 split with ``random_state`` (0: the peers' split), stratified for
    classification."""
    if name in _TABLE_LOADERS:
        loader, task = _TABLE_LOADERS[name]
        x, y = loader()
    else:
        loader, task = _LOADERS[name]
        x, y = loader(return_X_y=True, as_frame=True)
    stratify = y if task == "classification" else None
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=random_state, stratify=stratify)
    return Split(name, task, x_train, x_test, y_train.to_numpy(), y_test.to_numpy())
