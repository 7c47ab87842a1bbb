"""A distilled student as shipped: the Keras model of a table, fed raw columns, and its file."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from automl.data import MISSING_CATEGORY, DataSpec, TableAdapter, Task


def keras_feed(model, rows: pd.DataFrame) -> dict:
    """What a ``.keras`` model of a table takes for ``rows``: one tensor per column, numbers as
    float32 and categories as text, a missing category as ``MISSING_CATEGORY``."""
    import tensorflow as tf

    inputs = model.input if isinstance(model.input, dict) else {
        tensor.name: tensor for tensor in model.inputs}
    feed = {}
    for name, tensor in inputs.items():
        column = rows[name]
        if "string" in str(tensor.dtype):
            values = column.map(lambda v: MISSING_CATEGORY if pd.isna(v) else str(v))
            feed[name] = tf.constant(values.to_numpy(dtype=object).reshape(-1, 1))
        else:
            numbers = pd.to_numeric(column, errors="raise").to_numpy(dtype="float32")
            feed[name] = tf.constant(numbers.reshape(-1, 1))
    return feed


def table_adapter(spec: DataSpec) -> TableAdapter:
    """The check and coercion every pipeline of the table starts with."""
    return TableAdapter(spec.column_names, tuple(kind.value for kind in spec.column_kinds))


@dataclass
class Student:
    """A distilled network. ``model``: the ``keras.Model`` (raw columns in, class
    probabilities in the order of ``spec.classes`` or values out); ``summary``: what was
    tried, fidelity, size and latency beside the teacher's."""

    model: object
    spec: DataSpec
    summary: dict

    def _outputs(self, x) -> np.ndarray:
        rows = table_adapter(self.spec).transform(x)
        return np.asarray(self.model.predict_on_batch(keras_feed(self.model, rows)))

    def predict_proba(self, x) -> np.ndarray:
        if self.spec.task is not Task.CLASSIFICATION:
            raise AttributeError("predict_proba is for classification students.")
        return self._outputs(x)

    def predict(self, x) -> np.ndarray:
        outputs = self._outputs(x)
        if self.spec.task is Task.CLASSIFICATION:
            return np.asarray(self.spec.classes)[outputs.argmax(axis=1)]
        return outputs[:, 0]

    def save(self, path: str | os.PathLike) -> None:
        """Writes the ``.keras`` file (load it with ``keras.saving.load_model`` after
        ``import automl.keras_layers``; safe mode)."""
        self.model.save(path)



def keras_file_size(model) -> int:
    """Bytes of ``model`` saved as a ``.keras`` file."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        return os.path.getsize(path)
