"""ArithmeticFeatures: products, ratios and differences of the most informative column pairs."""

from __future__ import annotations

import itertools

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from automl.blocks._generated import (
    RATIO_EPSILON,
    as_float_matrix,
    column_names,
    ranked_columns,
    varying,
)
from automl.data import Task
from automl.graph import Block, Role, register_block
from automl.hyperparameters import Choice, Int

#: Operation -> (how its generated column is named, what it computes).
OPERATIONS = {
    "product": ("{0}*{1}", lambda a, b: a * b),
    "ratio": ("{0}/{1}", lambda a, b: np.divide(a, b, out=np.zeros_like(a),
                                                where=np.abs(b) > RATIO_EPSILON)),
    "difference": ("{0}-{1}", lambda a, b: a - b),
}


class PairArithmetic(TransformerMixin, BaseEstimator):
    """Appends, for every pair among the ``columns`` input columns that tell most about the
    target (ranked on the training rows, see ``ranked_columns``), their product, ratio and/or
    difference (``operations``: one of ``OPERATIONS`` or ``"all"``). A ratio whose denominator
    is 0 is 0; a missing input makes its generated values missing."""

    def __init__(self, columns: int = 6, operations: str = "all",
                 classification: bool = True, random_state: int = 0):
        self.columns, self.operations = columns, operations
        self.classification, self.random_state = classification, random_state

    def fit(self, x, y):
        if self.operations != "all" and self.operations not in OPERATIONS:
            raise ValueError(f"operations={self.operations!r}; expected 'all' or one of "
                             f"{sorted(OPERATIONS)}.")
        matrix = as_float_matrix(x, self, fitted=False)
        self.n_features_in_ = matrix.shape[1]
        varies = varying(matrix)
        chosen = [int(c) for c in ranked_columns(matrix, y, self.classification,
                                                 self.random_state)[: self.columns] if varies[c]]
        self.pairs_ = list(itertools.combinations(chosen, 2))  # the more informative first
        self.operations_ = list(OPERATIONS) if self.operations == "all" else [self.operations]
        return self

    def transform(self, x):
        matrix = as_float_matrix(x, self)
        if not self.pairs_:
            return matrix
        left = matrix[:, [a for a, _ in self.pairs_]]
        right = matrix[:, [b for _, b in self.pairs_]]
        with np.errstate(all="ignore"):
            generated = [OPERATIONS[name][1](left, right) for name in self.operations_]
        return np.hstack([matrix, *generated])

    def get_feature_names_out(self, input_features=None):
        names = column_names(self, input_features)
        generated = [OPERATIONS[name][0].format(names[a], names[b])
                     for name in self.operations_ for a, b in self.pairs_]
        return np.asarray(names + generated, dtype=object)

    def keras_layer(self, name: str):
        """This step as a Keras layer (``automl.keras_layers.PairArithmetic``)."""
        from automl.keras_layers import PairArithmetic as Layer

        return Layer([list(pair) for pair in self.pairs_], self.operations_,
                     RATIO_EPSILON, name=name)


@register_block
class ArithmeticFeatures(Block):
    """Generated features: the product, ratio or difference of each pair among the most
    informative columns (ranked by a small forest on the training rows, inside each fold);
    lets trees split on a ratio and linear models on an interaction. The generated columns
    are named after their inputs (``"income/age"``)."""

    role = Role.TRANSFORMER
    hyperparameters = {
        "columns": Int(2, 10, default=5),
        "operations": Choice(("all", "product", "ratio", "difference")),
    }

    @classmethod
    def build(cls, params, context):
        return PairArithmetic(classification=context.task is not Task.REGRESSION,
                              random_state=context.seed, **params)
