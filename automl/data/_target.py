"""Targets: checked at the API boundary, turned into plain 1-D numpy arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automl.data._messages import plain
from automl.data._spec import Task


def validate_target(y, task: Task, n_rows: int, *, argument: str = "y") -> np.ndarray:
    """Returns ``y`` as a 1-D array after checking it suits ``task`` and matches ``n_rows``."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(
                f"{argument} has {y.shape[1]} columns, but one target column is expected: pass a "
                "Series, a 1-D array or the name of the target column."
            )
        y = y.iloc[:, 0]
    target = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if target.ndim == 2 and target.shape[1] == 1:
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
            f"{int(np.flatnonzero(missing)[0])}: drop those rows from x and {argument} before fit."
        )
    if task is Task.REGRESSION:
        return _regression_target(target, argument)
    return _classification_target(target, argument)


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
    if target.dtype.kind == "f" and not np.isfinite(target).all():
        raise ValueError(f"{argument} contains infinite values: drop or fix those rows.")
    if target.dtype.kind == "O":
        kinds = {type(v) for v in target}
        if len(kinds) > 1:  # e.g. 1 and "1": sorting and encoders would fail later
            target = target.astype(str)
    labels, counts = np.unique(target, return_counts=True)
    if len(labels) < 2:
        raise ValueError(
            f"{argument} has a single class ({plain(labels[0])!r}): classification needs at least two "
            "classes; pass data with several classes, or use a regressor for a numeric target."
        )
    lonely = labels[counts < 2]
    if len(lonely):
        raise ValueError(
            f"class {plain(lonely[0])!r} of {argument} has a single example: cross-validation needs at "
            "least two per class; add examples of it or drop that row."
        )
    return target
