"""Keras layers of automl's exported models that Keras itself lacks.

Importing this module imports Keras and registers the layers (package ``automl``), so a saved
model that uses one loads with ``keras.saving.load_model`` in safe mode::

    import automl.keras_layers  # noqa: F401 - registers FillMissing
    model = keras.saving.load_model("model.keras")

Exported models use built-in Keras layers wherever one does the job (Normalization,
StringLookup, Dense with fixed weights, Rescaling, TextVectorization); only missing-value
imputation needs a layer of ours.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import ops  # noqa: E402


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
