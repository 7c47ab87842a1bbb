"""A distilled student as shipped: the Keras model of a table, fed raw columns, and its file."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import numpy as np

from automl.data import DataSpec, Task, table_adapter


def keras_feed(model, rows) -> dict:
    """What a ``.keras`` model of a table takes for ``rows`` (a DataFrame or a dict of
    columns): one ``(n, 1)`` tensor per column, numbers as float32 and categories as text, a
    missing category as ``MISSING_CATEGORY`` (``automl.keras_layers.table_feed``). Models
    exported since 2026-12-07 do this themselves in ``predict``; older ones need it."""
    from automl.keras_layers import table_feed

    return table_feed(model, rows)


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
