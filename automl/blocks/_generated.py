"""What the feature-generation blocks share: the inputs as floats, and a cheap ranking of the
columns by how much they tell about the target (which pairs and groups are worth generating)."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
from sklearn.utils.validation import check_is_fitted

#: Rows the ranking looks at (a random sample beyond): it needs an order, not a model.
RANKING_ROWS = 2000
#: Denominators smaller than this in absolute value give a ratio of 0.
RATIO_EPSILON = 1e-9


def as_float_matrix(x, step, fitted: bool = True) -> np.ndarray:
    """``x`` as a 2-D float64 array (missing values as NaN); for a ``fitted`` step, checked
    against the width it was fitted on."""
    matrix = np.asarray(x, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"{type(step).__name__} takes a 2-D table of numbers; received an "
                         f"array of shape {matrix.shape}.")
    if fitted:
        check_is_fitted(step, "n_features_in_")
    if fitted and matrix.shape[1] != step.n_features_in_:
        raise ValueError(f"{type(step).__name__} was fitted on {step.n_features_in_} columns; "
                         f"received {matrix.shape[1]}.")
    return matrix


def varying(x: np.ndarray) -> np.ndarray:
    """Which columns take more than one value (missing values aside)."""
    with warnings.catch_warnings():  # an all-missing column: no value, so not varying
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmax(x, axis=0) > np.nanmin(x, axis=0)


def ranked_columns(x: np.ndarray, y, classification: bool, seed: int) -> np.ndarray:
    """Column positions, most informative first: impurity importances of a small forest of
    extremely randomised trees on up to ``RANKING_ROWS`` rows (missing values filled with the
    column's median for the ranking only). Constant columns come last."""
    rng = np.random.default_rng(seed)
    rows = (rng.choice(len(x), RANKING_ROWS, replace=False) if len(x) > RANKING_ROWS
            else np.arange(len(x)))
    sample, target = x[rows], np.asarray(y)[rows]
    with np.errstate(all="ignore"):
        medians = np.nan_to_num(np.nanmedian(sample, axis=0)) if np.isnan(sample).any() else 0
    sample = np.where(np.isnan(sample), medians, sample)
    forest = (ExtraTreesClassifier if classification else ExtraTreesRegressor)(
        n_estimators=25, max_depth=8, random_state=seed, n_jobs=1)
    importance = forest.fit(sample, target).feature_importances_
    return np.lexsort((-importance, ~varying(x)))


def column_names(step, input_features) -> list[str]:
    """The names of ``step``'s input columns (scikit-learn's ``get_feature_names_out``
    convention: the given ones, else ``x0``, ``x1``, …)."""
    check_is_fitted(step, "n_features_in_")
    if input_features is None:
        return [f"x{i}" for i in range(step.n_features_in_)]
    if len(input_features) != step.n_features_in_:
        raise ValueError(f"{type(step).__name__} has {step.n_features_in_} input columns; "
                         f"received {len(input_features)} names.")
    return [str(name) for name in input_features]
