"""Keras layers of automl's exported models that Keras itself lacks.

Importing this module imports Keras and registers the layers (package ``automl``), so a saved
model that uses one loads with ``keras.saving.load_model`` in safe mode::

    import automl.keras_layers  # noqa: F401 - registers FillMissing, …
    model = keras.saving.load_model("model.keras")

Exported models use built-in Keras layers wherever one does the job (Normalization,
StringLookup, Dense with fixed weights, Rescaling, TextVectorization); missing-value
imputation, the generated features (``ArithmeticFeatures``, ``GroupStatistics``) and the
``RealMLP`` network's scaling and numeric embedding need layers of ours. A model of a table's
raw columns is a ``TableModel``, which takes the columns as users have them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from automl.data import MISSING_CATEGORY  # noqa: E402


def table_feed(model, columns) -> dict:
    """What ``model`` (one input per column of a table) takes for ``columns``: a DataFrame,
    or a dict of column name -> values (1-D or ``(n, 1)``: arrays, lists, Series, tensors).
    One ``(n, 1)`` tensor per input: numbers as float32 (missing: NaN), categories as text
    (missing: ``MISSING_CATEGORY``)."""
    inputs = model.input if isinstance(model.input, dict) else {
        tensor.name: tensor for tensor in model.inputs}
    absent = [name for name in inputs if name not in columns]
    if absent:
        raise ValueError(f"the model takes the columns {list(inputs)}, and {absent} are not "
                         "among those given: pass every column the model was fitted on.")
    return {name: _column_tensor(name, columns[name], "string" in str(tensor.dtype))
            for name, tensor in inputs.items()}


def _column_tensor(name: str, values, text: bool):
    dtype = tf.string if text else tf.float32
    if tf.is_tensor(values) and values.dtype == dtype and values.shape.rank == 2:
        return values  # as the model takes it already
    column = pd.Series(np.asarray(values, dtype=object).reshape(-1))
    if text:
        column = column.map(lambda v: MISSING_CATEGORY if pd.isna(v) else
                            v.decode() if isinstance(v, bytes) else str(v))
        return tf.constant(column.to_numpy(dtype=object).reshape(-1, 1))
    try:
        numbers = pd.to_numeric(column, errors="raise")
    except (TypeError, ValueError) as error:
        raise ValueError(f"column {name!r} holds numbers in the fitted model, but not here: "
                         f"{error}") from None
    return tf.constant(numbers.to_numpy(dtype="float32", na_value=np.nan).reshape(-1, 1))


@keras.saving.register_keras_serializable(package="automl")
class TableModel(keras.Model):
    """A functional model of a table's raw columns, one input per column. ``predict`` and
    ``predict_on_batch`` take a DataFrame or a dict of columns, each 1-D or ``(n, 1)``
    (``table_feed``): Keras alone refuses text arrays of shape ``(n, 1)``, and once called
    with two shapes it refuses every later call."""

    def predict(self, x, *args, **kwargs):
        return super().predict(_fed(self, x), *args, **kwargs)

    def predict_on_batch(self, x):
        return super().predict_on_batch(_fed(self, x))


def _fed(model, x):
    return table_feed(model, x) if isinstance(x, Mapping | pd.DataFrame) else x


@keras.saving.register_keras_serializable(package="automl")
class FillMissing(keras.layers.Layer):
    """Replaces NaN in each column by that column's value in ``values`` (the statistics a
    scikit-learn ``SimpleImputer`` learned, or training means)."""

    def __init__(self, values, **kwargs):
        super().__init__(**kwargs)
        self.values = [float(value) for value in values]

    def call(self, inputs):
        fill = ops.convert_to_tensor(self.values, dtype=inputs.dtype)
        return ops.where(ops.isnan(inputs), fill, inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "values": self.values}


@keras.saving.register_keras_serializable(package="automl")
class PairArithmetic(keras.layers.Layer):
    """The inputs followed by, for each operation in ``operations`` ("product", "ratio",
    "difference") in turn, its value on every column pair in ``pairs``: a fitted
    ``automl.blocks.arithmetic_features.PairArithmetic``. A ratio whose denominator is within
    ``epsilon`` of 0 (or missing) is 0."""

    def __init__(self, pairs, operations, epsilon, **kwargs):
        super().__init__(**kwargs)
        self.pairs = [[int(a), int(b)] for a, b in pairs]
        self.operations, self.epsilon = list(operations), float(epsilon)

    def call(self, inputs):
        if not self.pairs:
            return inputs
        left = ops.take(inputs, [a for a, _ in self.pairs], axis=1)
        right = ops.take(inputs, [b for _, b in self.pairs], axis=1)
        usable = ops.abs(right) > self.epsilon
        generated = {
            "product": lambda: left * right,
            "ratio": lambda: ops.where(usable, left / ops.where(usable, right, 1.0), 0.0),
            "difference": lambda: left - right,
        }
        return ops.concatenate([inputs, *(generated[name]() for name in self.operations)],
                               axis=1)

    def compute_output_shape(self, input_shape):
        width = input_shape[1] + len(self.pairs) * len(self.operations)
        return (input_shape[0], width)

    def get_config(self):
        return {**super().get_config(), "pairs": self.pairs, "operations": self.operations,
                "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="automl")
class GroupMeans(keras.layers.Layer):
    """The inputs followed by, for each group in ``groups`` (a fitted
    ``automl.blocks.group_statistics.GroupMeans``'s ``groups_``), the share of its level,
    the level's means of the group's value columns and each value's difference from them;
    levels not in the group's list (or missing) get a share of 0 and the overall means. A
    value within ``tolerance`` (relative, at least 1 absolute unit) of a level is that level."""

    def __init__(self, groups, tolerance, **kwargs):
        super().__init__(**kwargs)
        self.groups = [dict(group) for group in groups]
        self.tolerance = float(tolerance)

    def call(self, inputs):
        parts = [inputs]
        for group in self.groups:
            key = inputs[:, group["key"]:group["key"] + 1]
            levels = ops.convert_to_tensor([group["levels"]], dtype=inputs.dtype)
            near = self.tolerance * ops.maximum(1.0, ops.abs(levels))
            match = ops.cast(ops.abs(key - levels) <= near, inputs.dtype)  # (rows, levels)
            found = ops.sum(match, axis=1, keepdims=True)
            share = ops.convert_to_tensor([[s] for s in group["share"]], dtype=inputs.dtype)
            table = ops.convert_to_tensor(group["means"], dtype=inputs.dtype)
            overall = ops.convert_to_tensor([group["overall"]], dtype=inputs.dtype)
            means = ops.matmul(match, table) + (1.0 - found) * overall
            values = ops.take(inputs, group["values"], axis=1)
            parts += [ops.matmul(match, share), means, values - means]
        return ops.concatenate(parts, axis=1)

    def compute_output_shape(self, input_shape):
        width = input_shape[1] + sum(1 + 2 * len(g["values"]) for g in self.groups)
        return (input_shape[0], width)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "tolerance": self.tolerance}


@keras.saving.register_keras_serializable(package="automl")
class RobustScaleClip(keras.layers.Layer):
    """RealMLP's input scaling: each column centred on its median and divided by its
    inter-quartile range (half its range where that is 0, else 1), then softly clipped to
    about ±3 (``x / sqrt(1 + (x / 3)²)``). ``adapt(x)`` learns the statistics from the
    training rows; they are weights, saved with the model."""

    def build(self, input_shape):
        width = (input_shape[-1],)
        self.center = self.add_weight(shape=width, initializer="zeros", trainable=False,
                                      name="center")
        self.scale = self.add_weight(shape=width, initializer="ones", trainable=False,
                                     name="scale")

    def adapt(self, x):
        import numpy as np

        x = np.asarray(x, dtype="float64")
        low, median, high = np.nanpercentile(x, [25, 50, 75], axis=0)
        spread = np.where(high > low, high - low,
                          (np.nanmax(x, axis=0) - np.nanmin(x, axis=0)) / 2)
        spread = np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        if not self.built:
            self.build(x.shape)
        self.center.assign(np.nan_to_num(median).astype("float32"))
        self.scale.assign(spread.astype("float32"))

    def call(self, inputs):
        scaled = (inputs - self.center) / self.scale
        return scaled / ops.sqrt(1.0 + ops.square(scaled / 3.0))

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="automl")
class PeriodicEmbedding(keras.layers.Layer):
    """RealMLP's numeric embedding ("PBLD"): each column ``x`` becomes ``x`` followed by
    ``dims`` values ``relu(W cos(2π (w x + b)) + c)`` over ``frequencies`` learned frequencies
    ``w`` (initialised from N(0, ``sigma``²)), with weights of its own per column."""

    def __init__(self, frequencies=16, dims=3, sigma=0.1, **kwargs):
        super().__init__(**kwargs)
        self.frequencies, self.dims, self.sigma = int(frequencies), int(dims), float(sigma)

    def build(self, input_shape):
        columns = input_shape[-1]
        self.frequency = self.add_weight(
            shape=(columns, self.frequencies), name="frequency",
            initializer=keras.initializers.RandomNormal(stddev=self.sigma))
        self.phase = self.add_weight(
            shape=(columns, self.frequencies), name="phase",
            initializer=keras.initializers.RandomUniform(-0.5, 0.5))
        self.kernel = self.add_weight(shape=(columns, self.frequencies, self.dims),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(columns, self.dims), initializer="zeros",
                                    name="bias")

    def call(self, inputs):
        waves = ops.cos(2.0 * 3.141592653589793
                        * (inputs[:, :, None] * self.frequency + self.phase))
        embedded = ops.relu(ops.einsum("bfk,fkd->bfd", waves, self.kernel) + self.bias)
        both = ops.concatenate([inputs[:, :, None], embedded], axis=2)
        return ops.reshape(both, (-1, inputs.shape[-1] * (self.dims + 1)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] * (self.dims + 1))

    def get_config(self):
        return {**super().get_config(), "frequencies": self.frequencies, "dims": self.dims,
                "sigma": self.sigma}
