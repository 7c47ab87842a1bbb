"""GroupStatistics: per-group means of informative columns, grouped by a column of few values."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from automl.blocks._generated import as_float_matrix, column_names, ranked_columns, varying
from automl.data import Task
from automl.graph import Block, Role, register_block
from automl.hyperparameters import Int

#: A value within this much of a level (relative, at least 1 absolute unit) is that level:
#: float32 round-off in the Keras export must not move a row out of its group.
LEVEL_TOLERANCE = 1e-4


def _tolerance(levels: np.ndarray) -> np.ndarray:
    return LEVEL_TOLERANCE * np.maximum(1.0, np.abs(levels))


def _distinct_levels(levels: np.ndarray) -> bool:
    """Whether no two levels are so close that one value could be read as either."""
    return bool(np.all(np.diff(levels) > 2 * _tolerance(levels[1:])))


def nearest_level(column: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the position of the nearest of the sorted ``levels`` (at least two)
    and whether it is within the tolerance of it (never for a missing value)."""
    index = np.clip(np.searchsorted(levels, column), 1, len(levels) - 1)
    below, above = levels[index - 1], levels[index]
    with np.errstate(invalid="ignore"):
        index = np.where(np.abs(column - below) <= np.abs(above - column), index - 1, index)
        return index, np.abs(levels[index] - column) <= _tolerance(levels[index])


class GroupMeans(TransformerMixin, BaseEstimator):
    """Appends, for each of up to ``keys`` grouping columns (those with 2 to ``max_levels``
    distinct values, most informative first), the share of training rows in the row's group,
    and for each of the ``values`` most informative other columns its mean over the group and
    the row's difference from that mean. Rows whose group was not seen in fit (or is missing)
    get a share of 0 and the column's overall mean. A value within ``LEVEL_TOLERANCE`` of a
    level counts as that level."""

    def __init__(self, keys: int = 1, values: int = 3, max_levels: int = 32,
                 classification: bool = True, random_state: int = 0):
        self.keys, self.values, self.max_levels = keys, values, max_levels
        self.classification, self.random_state = classification, random_state

    def fit(self, x, y):
        matrix = as_float_matrix(x, self, fitted=False)
        self.n_features_in_ = matrix.shape[1]
        ranked = [int(c) for c in ranked_columns(matrix, y, self.classification,
                                                 self.random_state)]
        keys = {}
        for column in ranked:
            levels = self._levels(matrix[:, column])
            if levels is not None:
                keys[column] = levels
            if len(keys) == self.keys:
                break
        self.groups_ = []
        varies = varying(matrix)
        with warnings.catch_warnings():  # a group whose values are all missing: overall mean
            warnings.simplefilter("ignore", RuntimeWarning)
            for key, levels in keys.items():
                values = [c for c in ranked if c != key and varies[c]][: self.values]
                if not values:
                    continue
                overall = np.nan_to_num(np.nanmean(matrix[:, values], axis=0))
                share, means = [], []
                for level in levels:
                    rows = matrix[:, key] == level
                    share.append(float(rows.mean()))
                    group = np.nanmean(matrix[rows][:, values], axis=0)
                    means.append(np.where(np.isnan(group), overall, group))
                self.groups_.append({
                    "key": key, "levels": levels.tolist(), "share": share,
                    "values": values, "means": np.reshape(means, (-1, len(values))).tolist(),
                    "overall": overall.tolist()})
        return self

    def _levels(self, column: np.ndarray) -> np.ndarray | None:
        """The sorted levels of ``column`` when it can group rows: 2 to ``max_levels``
        distinct values, none within the tolerance of another."""
        head = column[: 4 * self.max_levels]  # more distinct values here: no need for all
        if len(np.unique(head[np.isfinite(head)])) > self.max_levels:
            return None
        levels = np.unique(column[np.isfinite(column)])
        if 2 <= len(levels) <= self.max_levels and _distinct_levels(levels):
            return levels
        return None

    def transform(self, x):
        matrix = as_float_matrix(x, self)
        parts = [matrix]
        for group in self.groups_:
            index, found = nearest_level(matrix[:, group["key"]], np.asarray(group["levels"]))
            means = np.where(found[:, None], np.asarray(group["means"])[index],
                             np.asarray(group["overall"]))
            parts += [np.where(found, np.asarray(group["share"])[index], 0.0)[:, None],
                      means, matrix[:, group["values"]] - means]
        return np.hstack(parts)

    def get_feature_names_out(self, input_features=None):
        names = column_names(self, input_features)
        generated = []
        for group in self.groups_:
            key, values = names[group["key"]], [names[c] for c in group["values"]]
            generated += [f"share({key})", *(f"mean({v}|{key})" for v in values),
                          *(f"{v}-mean({v}|{key})" for v in values)]
        return np.asarray(names + generated, dtype=object)

    def keras_layer(self, name: str):
        """This step as a Keras layer (``automl.keras_layers.GroupMeans``)."""
        from automl.keras_layers import GroupMeans as Layer

        return Layer(self.groups_, LEVEL_TOLERANCE, name=name)


@register_block
class GroupStatistics(Block):
    """Generated features: for a column of few values (a category's code, a count, a flag)
    taken as groups, each row's group size and the group's mean of the most informative other
    columns, and the row's difference from it (``"mean(income|region)"``). Learned on the
    training rows of each fold; groups not seen then get the overall mean."""

    role = Role.TRANSFORMER
    hyperparameters = {
        "keys": Int(1, 3, default=1),
        "values": Int(1, 6, default=3),
        "max_levels": Int(4, 64, default=32, log=True),
    }

    @classmethod
    def build(cls, params, context):
        return GroupMeans(classification=context.task is not Task.REGRESSION,
                          random_state=context.seed, **params)
