"""Objectives: the metric to maximise, and optional costs to minimise alongside it."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import metrics
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import get_scorer, get_scorer_names

from automl.data import Task
from automl.evaluation._costs import COSTS

DEFAULT_OBJECTIVES = {Task.CLASSIFICATION: "balanced_accuracy", Task.REGRESSION: "r2"}

#: Costs that may join the score in the objective vector (all minimised); see Trial.
SECONDARY_OBJECTIVES = {
    "fit_seconds": "total fit time over the folds",
    "predict_seconds_per_row": "prediction time per validation row",
    **COSTS,
}

_REGRESSION_PREFIXES = ("r2", "neg_mean", "neg_median", "neg_root", "neg_max", "max_error",
                        "explained_variance", "d2_", "neg_mean_absolute_percentage")


def resolve_objective(objective: str | None, task: Task, y: np.ndarray) -> str:
    """Checks ``objective`` is a scikit-learn scorer that works for ``task`` and this ``y``.

    AutoKeras-style names (``"val_accuracy"``) are accepted: the ``val_`` prefix is dropped.
    """
    if objective is None:
        return DEFAULT_OBJECTIVES[task]
    if not isinstance(objective, str):
        raise TypeError(f"objective must be a metric name such as "
                        f"{DEFAULT_OBJECTIVES[task]!r}; received {type(objective).__name__}.")
    name = objective.removeprefix("val_")
    if name not in get_scorer_names():
        raise ValueError(f"objective {objective!r} is not a known metric; use a scikit-learn "
                         f"scorer name, e.g. {DEFAULT_OBJECTIVES[task]!r} (all: "
                         "sklearn.metrics.get_scorer_names()).")
    is_regression_metric = name.startswith(_REGRESSION_PREFIXES) and "log_loss" not in name
    if is_regression_metric != (task is Task.REGRESSION):
        raise ValueError(f"objective {objective!r} is a "
                         f"{'regression' if is_regression_metric else 'classification'} metric, "
                         f"but the task is {task.value}: use e.g. {DEFAULT_OBJECTIVES[task]!r}.")
    # Try it on a trivial model: catches e.g. 'f1' on a multiclass or string-labelled target.
    features = np.zeros((len(y), 1))
    dummy = (DummyClassifier(strategy="stratified", random_state=0) if task is Task.CLASSIFICATION
             else DummyRegressor()).fit(features, y)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            get_scorer(name)(dummy, features, y)
    except (ValueError, TypeError) as error:
        raise ValueError(f"objective {objective!r} cannot score this target "
                         f"({str(error).splitlines()[0]}): use e.g. "
                         f"{DEFAULT_OBJECTIVES[task]!r} or a '_macro' variant.") from None
    return name


def check_secondary_objectives(names) -> tuple[str, ...]:
    """The names as a tuple (one name may come as a plain string); unknown ones are errors."""
    names = (names,) if isinstance(names, str) else tuple(names or ())
    unknown = [name for name in names if name not in SECONDARY_OBJECTIVES]
    if unknown:
        raise ValueError(f"secondary_objectives has unknown entry {unknown[0]!r}; choose from "
                         f"{sorted(SECONDARY_OBJECTIVES)}.")
    return names


def evaluation_scores(metric: str, score: float, task: Task, truth: np.ndarray,
                      predicted: np.ndarray) -> dict[str, float]:
    """What ``evaluate`` reports: ``metric``'s ``score`` first, then the usual metrics of
    ``task`` (accuracy and balanced accuracy, or R², RMSE and MAE) on the predictions."""
    if task is Task.CLASSIFICATION:
        usual = {"accuracy": metrics.accuracy_score,
                 "balanced_accuracy": metrics.balanced_accuracy_score}
    else:
        usual = {"r2": metrics.r2_score, "rmse": metrics.root_mean_squared_error,
                 "mae": metrics.mean_absolute_error}
    scores = {metric: float(score)}
    for name, function in usual.items():
        scores.setdefault(name, float(function(truth, predicted)))
    return scores


def objective_vector(score: float, secondary: tuple[str, ...], *, fit_seconds: float,
                     predict_seconds: float, validation_rows: int,
                     costs: dict[str, float]) -> tuple[float, ...]:
    """The score, then the ``secondary`` costs (``SECONDARY_OBJECTIVES``) in their order;
    ``costs``: the first fold's ``COSTS``."""
    costs = {"fit_seconds": fit_seconds,
             "predict_seconds_per_row": predict_seconds / max(validation_rows, 1), **costs}
    return (float(score), *(costs[name] for name in secondary))


class _MadeClassPredictions(ClassifierMixin, BaseEstimator):
    """Answers with class predictions made elsewhere (a network's output), so that any
    scikit-learn scorer can score them."""

    def __init__(self, labels, probabilities, classes):
        self.labels, self.probabilities, self.classes_ = labels, probabilities, classes

    def predict(self, x):
        return self.labels

    def predict_proba(self, x):
        return self.probabilities


class _MadeValuePredictions(RegressorMixin, BaseEstimator):
    """Answers with values predicted elsewhere, for scikit-learn's regression scorers."""

    def __init__(self, values):
        self.values = values

    def predict(self, x):
        return self.values


def score_predictions(metric: str, task: Task, truth: np.ndarray, predicted: np.ndarray,
                      probabilities: np.ndarray | None = None, classes=None) -> float:
    """``metric`` (a scorer name ``resolve_objective`` accepted) on predictions already made:
    labels and, for classification, probabilities with columns in the order of ``classes``."""
    answers = (_MadeClassPredictions(predicted, probabilities, np.asarray(classes))
               if task is Task.CLASSIFICATION else _MadeValuePredictions(predicted))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a class missing from a small fold
        return float(get_scorer(metric)(answers, np.zeros((len(truth), 1)), truth))
