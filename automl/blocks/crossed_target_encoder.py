"""CrossedTargetEncoder: target encoding of each categorical column and of crosses of pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.preprocessing import TargetEncoder
from sklearn.utils.validation import check_is_fitted

from automl.graph import Block, Role, register_block, registered_blocks
from automl.hyperparameters import Float, Int

#: Joins the two categories of a cross (a character no category name holds in practice).
_JOIN = "\x1f"


class CrossedTargetEncoding(TransformerMixin, BaseEstimator):
    """Target encoding (``encoder``, an unfitted scikit-learn ``TargetEncoder``, or one with
    its defaults: shrunk means, the training rows encoded out of fold) of each categorical
    column and of the cross of every pair among the ``columns`` columns with the fewest
    categories (crosses of many-valued columns are mostly noise). ``keras_translatable`` is
    False: a cross depends on two columns."""

    keras_translatable = False

    def __init__(self, columns: int = 3, encoder: TargetEncoder | None = None):
        self.columns, self.encoder = columns, encoder

    def _expanded(self, x) -> pd.DataFrame:
        frame = pd.DataFrame(x).astype(str)
        frame.columns = [str(column) for column in frame.columns]
        if frame.shape[1] != self.n_features_in_:
            raise ValueError(f"CrossedTargetEncoder was fitted on {self.n_features_in_} "
                             f"columns; received {frame.shape[1]}.")
        crosses = {f"{a}&{b}": frame[a] + _JOIN + frame[b] for a, b in self.pairs_}
        return pd.concat([frame, pd.DataFrame(crosses, index=frame.index)], axis=1)

    def fit_transform(self, x, y=None, **fit_params):
        """The training rows encoded out of fold (what the pipeline's next step sees)."""
        frame = pd.DataFrame(x).astype(str)
        self.n_features_in_ = frame.shape[1]
        fewest = sorted(frame.columns, key=lambda column: frame[column].nunique())
        self.pairs_ = list(itertools.combinations([str(c) for c in fewest[: self.columns]], 2))
        self.encoder_ = clone(self.encoder) if self.encoder is not None else TargetEncoder(
            random_state=0)
        return self.encoder_.fit_transform(self._expanded(x), y)

    def fit(self, x, y=None):
        self.fit_transform(x, y)
        return self

    def transform(self, x):
        check_is_fitted(self, "encoder_")
        return self.encoder_.transform(self._expanded(x))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "encoder_")
        return np.asarray(self.encoder_.get_feature_names_out(), dtype=object)


@register_block
class CrossedTargetEncoder(Block):
    """Target encoding (cross-fitted, as ``TargetEncoder``) of each categorical column and
    of the crosses of pairs of them (``"city&weekday"``: the pairs among the ``columns``
    columns with the fewest categories): interactions between categories that one encoded
    column cannot show. No Keras translation (``distill()`` exports the model as one
    network)."""

    role = Role.ENCODER
    hyperparameters = {
        "columns": Int(2, 5, default=3),
        "smooth": Float(0.1, 100.0, log=True, default=10.0),
    }

    @classmethod
    def build(cls, params, context):
        # the TargetEncoder block's encoder: its folds and target type for the task
        encoder = registered_blocks()["TargetEncoder"].build({"smooth": params["smooth"]},
                                                             context)
        return CrossedTargetEncoding(columns=params["columns"], encoder=encoder)
