"""FrequencyEncoder: each category replaced by how often it occurs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from automl.graph import Block, Role, register_block


class CategoryFrequencies(TransformerMixin, BaseEstimator):
    """One column per categorical column: the share of training rows with the row's category
    (0 for a category not seen in fit). ``categories_`` lists each column's categories, as
    scikit-learn's encoders do (the Keras export reads them)."""

    def fit(self, x, y=None):
        frame = pd.DataFrame(x).astype(str)
        self.n_features_in_ = frame.shape[1]
        self.categories_, self.shares_ = [], []
        for column in frame.columns:
            counts = frame[column].value_counts(normalize=True).sort_index()
            self.categories_.append(counts.index.to_numpy(dtype=object))
            self.shares_.append(dict(zip(counts.index, counts.to_numpy(dtype=np.float64))))
        if hasattr(x, "columns"):
            self.feature_names_in_ = np.asarray(x.columns, dtype=object)
        return self

    def transform(self, x):
        check_is_fitted(self, "shares_")
        frame = pd.DataFrame(x).astype(str)
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(f"FrequencyEncoder was fitted on {self.n_features_in_} columns; "
                             f"received {frame.shape[1]}.")
        return np.column_stack([frame.iloc[:, i].map(shares).fillna(0.0).to_numpy(np.float64)
                                for i, shares in enumerate(self.shares_)])

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "shares_")
        names = (input_features if input_features is not None
                 else getattr(self, "feature_names_in_", None))
        if names is None:
            names = [f"x{i}" for i in range(self.n_features_in_)]
        return np.asarray([f"share({name})" for name in names], dtype=object)


@register_block
class FrequencyEncoder(Block):
    """Codes each category by its share of the training rows: one column per categorical
    column whatever its cardinality, no target involved (nothing to leak); rare and unseen
    categories come out near 0."""

    role = Role.ENCODER

    @classmethod
    def build(cls, params, context):
        return CategoryFrequencies()
