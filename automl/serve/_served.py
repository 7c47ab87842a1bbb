"""What ``automl serve`` serves: the model of a project folder (its scikit-learn pipeline, a
single model or an ensemble, networks included) or an exported ``.keras`` file, behind one
``predict(rows)`` that answers JSON-ready values, with the training profile drift compares
with when the folder has one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from automl.export import keras_feed
from automl.fitting import FittedModel, load_model


@dataclass
class ServedModel:
    """A model ready to answer rows.

    Attributes:
        name: what is served (the folder or file name).
        columns: the columns a row must have (``None``: the model says at predict).
        profile: the training profile for drift (``None``: none kept).
        classifies: whether answers are classes.
    """

    name: str
    columns: list[str] | None
    profile: dict | None
    classifies: bool
    _predict: object

    def predict(self, rows: pd.DataFrame) -> dict:
        """``{"predictions": [...]}`` and, for a classifier, ``"probabilities"`` (one
        ``{class: probability}`` per row)."""
        if self.columns is not None:
            missing = [c for c in self.columns if c not in rows.columns]
            if missing:
                raise ValueError(f"the rows lack the columns {missing[:10]}: every row needs "
                                 f"{self.columns}.")
            rows = rows[self.columns]
        return self._predict(rows)


def _model_answers(model: FittedModel):
    def answer(rows: pd.DataFrame) -> dict:
        result = {"predictions": np.asarray(model.predict(rows)).tolist()}
        if model.is_classifier:
            probabilities = np.asarray(model.predict_proba(rows))
            classes = [str(c) for c in model.classes_]
            result["probabilities"] = [dict(zip(classes, map(float, p))) for p in probabilities]
        return result
    return answer


def _keras_answers(model):
    """A ``.keras`` export takes one input per column (``keras_feed``)."""
    inputs = model.input if isinstance(model.input, dict) else {
        tensor.name: tensor for tensor in model.inputs}
    classifies = model.outputs[0].shape[-1] > 1

    def answer(rows: pd.DataFrame) -> dict:
        outputs = np.asarray(model.predict(keras_feed(model, rows), verbose=0))
        if classifies:  # the file holds no labels: classes by index
            return {"predictions": outputs.argmax(axis=1).tolist(),
                    "probabilities": [dict(enumerate(map(float, p))) for p in outputs]}
        return {"predictions": outputs[:, 0].astype(float).tolist()}
    return answer, classifies, list(inputs)


def load_served(path: str | Path) -> ServedModel:
    """A project folder of ``automl fit``, or an exported ``.keras`` file (loaded in safe
    mode)."""
    path = Path(path)
    if path.suffix == ".keras":
        if not path.is_file():
            raise FileNotFoundError(f"{str(path)!r} does not exist: pass an exported .keras "
                                    "file or the output folder of 'automl fit'.")
        import keras

        import automl.keras_layers  # noqa: F401 - registers the layers an export uses

        answer, classifies, columns = _keras_answers(
            keras.saving.load_model(path, safe_mode=True))
        return ServedModel(path.name, columns, None, classifies, answer)
    model = load_model(path)
    model.check_supports("serve")
    return ServedModel(path.name, model.input_columns, model.profile, model.is_classifier,
                       _model_answers(model))
