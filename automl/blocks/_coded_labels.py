"""A classifier wrapper for libraries that learn only on labels coded 0..k-1 (XGBoost) or
answer ``predict`` in another shape (CatBoost's column of labels)."""

from __future__ import annotations

from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.preprocessing import LabelEncoder


class CodedLabelsClassifier(ClassifierMixin, BaseEstimator):
    """Fits ``estimator`` on the labels coded 0..k-1 and answers in the user's labels: the
    class with the highest probability, as every other model of a search does."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        labels = LabelEncoder().fit(y)
        self.classes_ = labels.classes_
        self.estimator_ = clone(self.estimator).fit(X, labels.transform(y), **fit_params)
        self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
