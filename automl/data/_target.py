"""Targets: checked at the API boundary, turned into plain 1-D numpy arrays."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import DataConversionWarning

from automl.data._messages import plain
from automl.data._spec import Task


def validate_target(y, task: Task, n_rows: int, *, argument: str = "y",
                    classes=None) -> np.ndarray:
    """Returns ``y`` as a 1-D array after checking it suits ``task`` and matches ``n_rows``.

    ``classes``: a fitted model's classes, when ``y`` is to be scored rather than learnt from:
    then any number of classes and examples is fine, but each label must be one of them.
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{argument} has {y.shape[1]} columns, but one target column is expected: pass a "
                "Series, a 1-D array or the name of the target column."
            )
        y = y.iloc[:, 0]
    target = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if target.ndim == 2 and target.shape[1] == 1:
        warnings.warn(f"A column-vector y was passed when a 1d array was expected: {argument} of "
                      f"shape {target.shape} is read as {argument}.ravel().",
                      DataConversionWarning, stacklevel=3)
        target = target.ravel()
    if target.ndim != 1:
        raise ValueError(
            f"{argument} must be 1-D (one label per row), but has shape {target.shape}: pass a "
            "single target column."
        )
    if len(target) != n_rows:
        raise ValueError(
            f"x has {n_rows} rows but {argument} has {len(target)}: pass one target value per "
            "row of x."
        )
    missing = pd.isna(pd.Series(target)).to_numpy()
    if missing.any():
        raise ValueError(
            f"{argument} has {int(missing.sum())} missing values (NaN/None), e.g. at row "
            f"{int(np.flatnonzero(missing)[0])}: drop those rows from x and {argument}."
        )
    if task is Task.REGRESSION:
        return _regression_target(target, argument)
    if classes is not None:
        return _known_classes(target, argument, classes)
    return _classification_target(target, argument)


def _known_classes(target: np.ndarray, argument: str, classes) -> np.ndarray:
    """``target`` to score a fitted classifier on: each label one of its ``classes``."""
    known = np.asarray(classes)
    unseen = [label for label in pd.unique(target) if not np.isin(label, known)]
    if unseen:
        label = unseen[0]
        shown = ", ".join(repr(plain(c)) for c in known[:10]) + (", ..." if len(known) > 10 else "")
        same_kind = isinstance(plain(label), str) == isinstance(plain(known[0]), str)
        fix = ("drop those rows, or refit with examples of it" if same_kind else
               f"pass labels of the same type as in fit ({type(plain(known[0])).__name__}, "
               f"not {type(plain(label)).__name__})")
        raise ValueError(
            f"{argument} holds the class {plain(label)!r}, which the model never saw in fit "
            f"(its classes: {shown}), so it can never be predicted: {fix}."
        )
    return target


def _regression_target(target: np.ndarray, argument: str) -> np.ndarray:
    if target.dtype.kind not in "biuf":
        try:
            target = pd.to_numeric(pd.Series(target), errors="raise").to_numpy()
        except (ValueError, TypeError):
            example = plain(next(v for v in target if pd.isna(pd.to_numeric(v, errors="coerce"))))
            raise ValueError(
                f"{argument} must be numeric for regression, but holds {example!r}: use a "
                "classifier (e.g. StructuredDataClassifier) for labels, or convert the target "
                "to numbers."
            ) from None
    target = target.astype("float64")
    if not np.isfinite(target).all():
        raise ValueError(f"{argument} contains infinite values: drop or fix those rows.")
    return target


def _classification_target(target: np.ndarray, argument: str) -> np.ndarray:
    if target.dtype.kind == "O":  # numbers stored as objects are numbers (and folds need it)
        target = pd.Series(target).infer_objects().to_numpy()
    if target.dtype.kind == "f" and not np.isfinite(target).all():
        raise ValueError(f"{argument} contains infinite values: drop or fix those rows.")
    if target.dtype.kind == "f" and (target != np.round(target)).any():
        example = next(value for value in target if value != round(value))
        raise ValueError(
            f"Unknown label type: continuous. {argument} holds numbers such as {example!r}, not "
            "class labels: use a regressor (e.g. StructuredDataRegressor) for a numeric target, "
            "or pass the labels.")
    if target.dtype.kind == "O":
        kinds = {type(v) for v in target}
        if len(kinds) > 1:  # e.g. 1 and "1": sorting and encoders would fail later
            target = target.astype(str)
    labels, counts = np.unique(target, return_counts=True)
    if len(labels) < 2:
        raise ValueError(
            f"{argument} has one class only ({plain(labels[0])!r}): classification needs at least two "
            "classes; pass data with several classes, or use a regressor for a numeric target."
        )
    lonely = labels[counts < 2]
    if len(lonely):  # scikit-learn's stratified folds allow it; the fold that holds it can't learn it
        warnings.warn(
            f"class {plain(lonely[0])!r} of {argument} has a single example: the fold that "
            "validates on it cannot learn it, so scores undervalue that class; add examples of "
            "it, or drop that row.", UserWarning, stacklevel=3)
    return target
