"""Post-hoc ensemble selection (Caruana, Niculescu-Mizil, Crew & Ksikes 2004), as auto-sklearn
and AutoGluon do it: from the out-of-fold predictions of the best candidates, add one
candidate at a time (with replacement) to the average that scores best on the objective; the
weights are how often each was picked.

The score of a selection made on the same out-of-fold rows it is scored on is optimistic, so
``nested_score`` also selects on part of the rows and scores on the rest, fold by fold: the
honest figure the leaderboard shows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from automl.data import Task
from automl.evaluation import fold_indices, forward_folds, score_predictions

#: Rounds of greedy selection (auto-sklearn uses 50, AutoGluon 25 by default).
DEFAULT_ENSEMBLE_SIZE = 25
#: Candidates whose predictions are kept for the ensemble: the best this many.
POOL_SIZE = 50

#: ``score(truth, averaged predictions)`` (class probabilities, or values).
PredictionScorer = Callable[[np.ndarray, np.ndarray], float]


def _balanced_accuracy(truth: np.ndarray, probabilities: np.ndarray) -> float:
    predicted = probabilities.argmax(axis=1)
    counts = np.bincount(truth, minlength=probabilities.shape[1])
    hits = np.bincount(truth[predicted == truth], minlength=probabilities.shape[1])
    present = counts > 0
    return float(np.mean(hits[present] / counts[present]))


def _accuracy(truth: np.ndarray, probabilities: np.ndarray) -> float:
    return float(np.mean(probabilities.argmax(axis=1) == truth))


def _r2(truth: np.ndarray, values: np.ndarray) -> float:
    residual = np.sum((truth - values) ** 2)
    total = np.sum((truth - truth.mean()) ** 2)
    return float(1 - residual / total) if total > 0 else 0.0


#: Metrics computed in NumPy: selection scores thousands of averages, and scikit-learn's
#: checks cost more than the arithmetic. Others go through the scorer itself.
_FAST = {(Task.CLASSIFICATION, "balanced_accuracy"): _balanced_accuracy,
         (Task.CLASSIFICATION, "accuracy"): _accuracy,
         (Task.REGRESSION, "r2"): _r2}


def prediction_scorer(metric: str, task: Task, classes: Sequence | None) -> PredictionScorer:
    """Scores averaged predictions on the objective. Classification truth is given as class
    indices (columns of the probabilities, in the order of ``classes``)."""
    fast = _FAST.get((task, metric))
    if fast is not None:
        return fast
    labels = None if classes is None else np.asarray(classes)

    def score(truth: np.ndarray, averaged: np.ndarray) -> float:
        if task is Task.CLASSIFICATION:
            return score_predictions(metric, task, labels[truth], labels[averaged.argmax(axis=1)],
                                     averaged, labels)
        return score_predictions(metric, task, truth, averaged)

    return score


@dataclass(frozen=True)
class Selection:
    """Weights over the candidates (summing to 1; most are 0) and the score of their average
    on the rows they were chosen on."""

    weights: np.ndarray
    score: float

    @property
    def members(self) -> np.ndarray:
        """Indices of the candidates with a weight."""
        return np.flatnonzero(self.weights)


def select(predictions: Sequence[np.ndarray], truth: np.ndarray, scorer: PredictionScorer,
           size: int = DEFAULT_ENSEMBLE_SIZE) -> Selection:
    """Greedy selection with replacement: ``size`` rounds, each adding the candidate whose
    addition scores best (ties: the earlier candidate, so list the best first)."""
    stacked = np.stack([np.asarray(p, dtype="float64") for p in predictions])
    counts = np.zeros(len(stacked))
    total = np.zeros_like(stacked[0])
    best_score = -np.inf
    for round_ in range(1, size + 1):
        scores = [scorer(truth, (total + candidate) / round_) for candidate in stacked]
        chosen = int(np.argmax(scores))
        counts[chosen] += 1
        total += stacked[chosen]
        best_score = scores[chosen]
    return Selection(counts / counts.sum(), float(best_score))


def nested_score(predictions: Sequence[np.ndarray], truth: np.ndarray,
                 scorer: PredictionScorer, size: int = DEFAULT_ENSEMBLE_SIZE, *,
                 stratify: bool, n_splits: int = 5, seed: int = 0, repeats: int = 1,
                 groups: np.ndarray | None = None, times: np.ndarray | None = None) -> float:
    """The ensemble's score without the optimism of choosing and scoring on the same rows:
    selection on ``n_splits - 1`` parts of the rows, score on the part left out, averaged.
    ``repeats``: the predictions are of that many splits of the same rows, one after the other
    (``truth`` repeated as often); a row's predictions fall in one part together, as do the
    rows of one group (``groups``: a group number per row of one split). With ``times`` (each
    row's place in time), selection on earlier rows is scored on later ones."""
    rows = len(truth) // repeats
    base = truth[:rows]
    if times is not None:
        parts = forward_folds(times, min(n_splits, len(np.unique(times)) - 1))
        return _scored_parts(predictions, truth, scorer, size, parts, rows, repeats)
    if groups is not None:
        parts = fold_indices(base, min(n_splits, len(np.unique(groups))), seed,
                             stratify=stratify, groups=groups)
        return _scored_parts(predictions, truth, scorer, size, parts, rows, repeats)
    # Small tables: no more parts than rows (stratified: than the largest class has).
    largest = int(np.bincount(base).max()) if stratify else rows
    stratify = stratify and largest >= 2
    splitter = (StratifiedKFold if stratify else KFold)(
        min(n_splits, largest if stratify else rows), shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class with fewer rows than parts is allowed
        parts = tuple(splitter.split(np.zeros(rows), base))
    return _scored_parts(predictions, truth, scorer, size, parts, rows, repeats)


def _scored_parts(predictions, truth, scorer, size, parts, rows: int, repeats: int) -> float:
    """The mean over ``parts`` (``(chosen_on, scored_on)`` rows of one split) of the score on
    ``scored_on`` of the selection on ``chosen_on``, each part taken in every repeat."""
    splits = [tuple(np.concatenate([part + repeat * rows for repeat in range(repeats)])
                    for part in split) for split in parts]
    scores = []
    for chosen_on, scored_on in splits:
        selection = select([p[chosen_on] for p in predictions], truth[chosen_on], scorer, size)
        averaged = sum(w * p[scored_on] for w, p in zip(selection.weights, predictions) if w)
        scores.append(scorer(truth[scored_on], averaged))
    return float(np.mean(scores))
