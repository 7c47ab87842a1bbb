"""What ``automl serve`` serves: the model of a project folder (its scikit-learn pipeline, a
single model or an ensemble, networks included) or an exported ``.keras`` file, behind one
``predict(rows)`` that answers JSON-ready values, with the training profile drift compares
with when the folder has one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from automl.export import keras_feed
from automl.trials import PIPELINE_FILE, PROFILE_FILE


def load_pipeline(folder: Path):
    """The fitted pipeline a finished ``fit`` saved in ``folder``, with a clear error when it
    is missing, damaged, or needs a package not installed here."""
    import joblib

    path = folder / PIPELINE_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{str(folder)!r} holds no {PIPELINE_FILE}: pass the output "
                                "folder of a finished 'automl fit'.")
    try:
        return joblib.load(path)
    except ModuleNotFoundError as error:
        raise ValueError(f"{str(path)!r} needs the package {error.name!r}, which is not "
                         f"installed here: pip install {error.name}.") from None
    except Exception as error:  # truncated, overwritten, or pickled by other library versions
        raise ValueError(f"{str(path)!r} cannot be loaded ({type(error).__name__}: {error}): "
                         "it is damaged or was saved with other versions of its libraries. "
                         "Run 'automl fit' again (with --overwrite to start afresh).") from None


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


def _pipeline_answers(pipeline):
    classifies = hasattr(pipeline, "predict_proba") and hasattr(pipeline, "classes_")

    def answer(rows: pd.DataFrame) -> dict:
        result = {"predictions": np.asarray(pipeline.predict(rows)).tolist()}
        if classifies:
            probabilities = np.asarray(pipeline.predict_proba(rows))
            classes = [str(c) for c in pipeline.classes_]
            result["probabilities"] = [dict(zip(classes, map(float, p))) for p in probabilities]
        return result
    return answer, classifies


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
    from automl.fitting._multi_io import MultiIOModel

    pipeline = load_pipeline(path)
    if isinstance(pipeline, MultiIOModel):
        raise ValueError(f"{str(path)!r} holds a network with inputs {pipeline.input_names} "
                         "(the IO API): the server answers rows of one table.")
    profile = json.loads((path / PROFILE_FILE).read_text()) \
        if (path / PROFILE_FILE).is_file() else None
    answer, classifies = _pipeline_answers(pipeline)
    columns = list(profile["columns"]) if profile else None
    return ServedModel(path.name, columns, profile, classifies, answer)
