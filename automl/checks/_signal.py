"""How well one column alone predicts the target, under cross-validation: the measure behind
the leakage and identifier checks. For a class, each column becomes codes (its values, or
quantile bins of a number with many values) and each code predicts its training rows' majority
class; for a number, a numeric column predicts by interpolating between the training rows'
targets (a smooth function of the target, however noisy, is caught), any other each code's
mean. One pass of counting or sorting per fold: a wide table is checked in well under a
second."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automl.data import Task, duplicate_groups
from automl.evaluation import fold_indices

#: Rows the checks look at (a seeded sample above it): a leak shows on a few thousand.
SAMPLE_ROWS = 5_000
#: Quantile bins of a numeric column with more distinct values than this, at most; fewer on
#: small tables, so that most bins hold training rows in every fold.
BINS = 100
ROWS_PER_BIN = 20
FOLDS = 3


def column_codes(column: pd.Series) -> np.ndarray:
    """Integer codes of ``column``'s values: each value its own code, or for a number with
    more values than bins (``BINS``, fewer on small tables), its quantile bin; a missing value
    is a code of its own."""
    bins = int(np.clip(len(column) // ROWS_PER_BIN, 2, BINS))
    if pd.api.types.is_numeric_dtype(column) and column.nunique() > bins:
        values = column.to_numpy(dtype="float64")
        present = ~np.isnan(values)
        edges = np.unique(np.quantile(values[present], np.linspace(0, 1, bins + 1)[1:-1]))
        codes = np.searchsorted(edges, values)
        return np.where(present, codes, len(edges) + 1)
    return pd.factorize(column, use_na_sentinel=False)[0]


def sample(x: pd.DataFrame, y: np.ndarray, rows: int = SAMPLE_ROWS
           ) -> tuple[pd.DataFrame, np.ndarray]:
    """At most ``rows`` rows of ``x``/``y``, drawn with a fixed seed (the checks do not depend
    on the search's)."""
    if len(y) <= rows:
        return x, y
    chosen = np.sort(np.random.default_rng(0).choice(len(y), rows, replace=False))
    return x.iloc[chosen].reset_index(drop=True), y[chosen]


def _classification_score(codes, labels, n_classes, train, validation) -> float:
    """Balanced accuracy of predicting each code's majority class (unseen codes: the training
    majority)."""
    n_codes = codes.max() + 1
    counts = np.bincount(codes[train] * n_classes + labels[train],
                         minlength=n_codes * n_classes).reshape(n_codes, n_classes)
    majority = np.bincount(labels[train], minlength=n_classes).argmax()
    answer = np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), majority)
    truth, predicted = labels[validation], answer[codes[validation]]
    recalls = [np.mean(predicted[truth == c] == c) for c in np.unique(truth)]
    return float(np.mean(recalls))


def _r2(truth: np.ndarray, predicted: np.ndarray) -> float:
    total = np.sum((truth - truth.mean()) ** 2)
    return float(1 - np.sum((truth - predicted) ** 2) / total) if total else 0.0


def _regression_score(codes, y, train, validation) -> float:
    """R² of predicting each code's mean (unseen codes: the training mean)."""
    n_codes = codes.max() + 1
    sums = np.bincount(codes[train], weights=y[train], minlength=n_codes)
    counts = np.bincount(codes[train], minlength=n_codes)
    answer = np.where(counts > 0, sums / np.maximum(counts, 1), y[train].mean())
    return _r2(y[validation], answer[codes[validation]])


def _interpolation_score(values, y, train, validation) -> float:
    """R² of interpolating the target between the training rows' values of a numeric column
    (missing values: the training mean)."""
    known = train[~np.isnan(values[train])]
    if len(known) < 2:
        return 0.0
    points, where = np.unique(values[known], return_inverse=True)  # mean target per value
    means = np.bincount(where, weights=y[known]) / np.bincount(where)
    asked = values[validation]
    predicted = np.where(np.isnan(asked), y[train].mean(),
                         np.interp(np.nan_to_num(asked), points, means))
    return _r2(y[validation], predicted)


def column_scores(x: pd.DataFrame, y: np.ndarray, task: Task) -> dict[str, float]:
    """Each column's cross-validated score alone: balanced accuracy for classification (chance
    is 1 / classes), R² for regression (0: no better than the mean)."""
    classification = task is Task.CLASSIFICATION
    target = pd.factorize(y)[0] if classification else np.asarray(y, dtype="float64")
    if len(target) < 2 * FOLDS:  # too few rows to tell anything
        return {name: float("nan") for name in x.columns}
    folds = fold_indices(target, FOLDS, 0, stratify=classification,
                         groups=duplicate_groups(x))
    n_classes = target.max() + 1 if classification else 0
    scores = {}
    for name in x.columns:
        column = x[name]
        if classification:
            codes = column_codes(column)
            per_fold = [_classification_score(codes, target, n_classes, train, validation)
                        for train, validation in folds]
        elif pd.api.types.is_numeric_dtype(column):
            values = column.to_numpy(dtype="float64")
            per_fold = [_interpolation_score(values, target, train, validation)
                        for train, validation in folds]
        else:
            codes = column_codes(column)
            per_fold = [_regression_score(codes, target, train, validation)
                        for train, validation in folds]
        scores[name] = float(np.mean(per_fold))
    return scores


def determined_by_target(column: pd.Series, labels: np.ndarray, share: float) -> bool:
    """Whether ``column`` takes one value per class in at least ``share`` of every class's
    rows while taking two values or more: then it is a function of the target (a leak even
    when two classes share a value)."""
    codes = pd.factorize(column, use_na_sentinel=False)[0]
    if codes.max() < 1:
        return False
    target = pd.factorize(labels)[0]
    counts = np.zeros((target.max() + 1, codes.max() + 1), dtype=int)
    np.add.at(counts, (target, codes), 1)
    modes = counts.argmax(axis=1)
    return bool(np.all(counts.max(axis=1) >= share * counts.sum(axis=1))
                and len(np.unique(modes)) > 1)
