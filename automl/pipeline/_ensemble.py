"""A weighted average of fitted pipelines: what a post-hoc ensemble ships as."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator


def class_probabilities(model, x, classes: np.ndarray) -> np.ndarray:
    """``model.predict_proba(x)`` with one column per class of ``classes`` (sorted), in that
    order: a model fitted without some class (a small fold) gives it 0."""
    predicted = model.predict_proba(x)  # x may be sparse (TF-IDF) or documents: rows from here
    probabilities = np.zeros((len(predicted), len(classes)))
    probabilities[:, np.searchsorted(classes, model.classes_)] = predicted
    return probabilities


class WeightedEnsemble(BaseEstimator):
    """Averages fitted pipelines with fixed weights: class probabilities for classification
    (``predict`` is their arg-max), values for regression. Picklable; takes what each member
    takes (the same DataFrames, arrays or documents as ``fit``).

    Args:
        members: the fitted pipelines.
        weights: one per member, summing to 1.
        classes: the class labels, in the order of the averaged probabilities' columns
            (``None`` for regression).
    """

    def __init__(self, members: Sequence = (), weights: Sequence[float] = (),
                 classes: Sequence | None = None):
        self.members = members
        self.weights = weights
        self.classes = classes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor" if self.classes is None else "classifier"
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return len(self.members) > 0  # it is built from fitted pipelines

    def fit(self, x, y) -> WeightedEnsemble:
        """Refits every member on ``x``/``y``; the weights stay as chosen."""
        for member in self.members:
            member.fit(x, y)
        return self

    @property
    def classes_(self) -> np.ndarray:
        if self.classes is None:
            raise AttributeError("classes_ exists for classification only.")
        return np.asarray(self.classes)

    def predict_proba(self, x) -> np.ndarray:
        if self.classes is None:
            raise AttributeError("predict_proba is for classification ensembles.")
        return sum(weight * class_probabilities(member, x, self.classes_)
                   for member, weight in zip(self.members, self.weights))

    def predict(self, x) -> np.ndarray:
        if self.classes is None:
            return sum(weight * np.asarray(member.predict(x), dtype="float64")
                       for member, weight in zip(self.members, self.weights))
        return self.classes_[self.predict_proba(x).argmax(axis=1)]
