"""The refit winner of a multi-input/output search, behind the ``FittedModel`` interface."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from automl.blocks._multi_network import InputSpec, MultiIONetwork, OutputSpec
from automl.data import Task, validate_target
from automl.evaluation import DEFAULT_OBJECTIVES, evaluation_scores
from automl.fitting._fitted import FittedModel, check_export_format
from automl.fitting._multi_io._data import _check_same_rows, _entries, _n_rows
from automl.fitting._multi_io._space import _output_scores


class MultiIOModel(FittedModel):
    """The refit winner of a multi-input/output search: what ``AutoModel``'s ``predict``,
    ``evaluate`` and ``export_model`` use (and its ``pipeline_``, which a project saves).

    Args:
        inputs, outputs: the inputs and outputs as fit saw them.
        network: the fitted network.
        metrics: each output's metric in the search (a scikit-learn scorer name); by default
            each task's (``balanced_accuracy``, ``r2``).
    """

    def __init__(self, inputs: Sequence[InputSpec], outputs: Sequence[OutputSpec],
                 network: MultiIONetwork, metrics: Sequence[str] | None = None):
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.network = network
        self.metrics = tuple(metrics or (DEFAULT_OBJECTIVES[spec.task] for spec in outputs))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "metrics" not in state:  # pickled before outputs had their own metrics
            self.metrics = tuple(DEFAULT_OBJECTIVES[spec.task] for spec in self.outputs)

    @property
    def input_names(self) -> list[str]:
        return [spec.name for spec in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [spec.name for spec in self.outputs]

    def unsupported(self, action: str) -> str | None:
        network = (f"this model is a network with inputs {self.input_names} and outputs "
                   f"{self.output_names} (the IO API)")
        if action == "select":
            return f"{network}, the only kind of model its search makes."
        return (f"{network}: in Python, automl.load_model(folder).predict([...]) takes one "
                "entry per input.")

    def _described(self, specs) -> str:
        return ", ".join(spec.name for spec in specs)

    def prepare(self, x) -> list:
        """Checks ``x`` against what fit saw (entry count, rows, each entry by its kind)."""
        x = _entries(x, len(self.inputs), "x", "input", self._described(self.inputs))
        entries = [spec.branch.prepare_new(entry, f"x[{index}] ({spec.name})", spec)
                   for index, (spec, entry) in enumerate(zip(self.inputs, x))]
        counts = [len(rows) for rows in entries]
        _check_same_rows(counts, self.input_names, "x",
                         (f"x[0] ({self.inputs[0].name})", counts[0]))
        return entries

    def keras_inputs(self, x) -> dict:
        """The exported model's input dict for ``x`` (a list with one entry per input):
        ``keras_model.predict(model.keras_inputs(x))``. Table columns are keyed by their names,
        image and text inputs by the input's name; strings come as tensors (Keras rejects
        NumPy string arrays)."""
        return self.network.feed(self.prepare(x))

    def _one_or_all(self, arrays: list):
        """As AutoKeras: the array itself for a single output, else the list."""
        return arrays[0] if len(self.outputs) == 1 else arrays

    def predict(self, x) -> np.ndarray | list[np.ndarray]:
        """One array per output, in the order of ``outputs``: class labels or values (the
        array itself when there is one output)."""
        return self._one_or_all(self.network.predict(self.prepare(x)))

    def predict_proba(self, x) -> np.ndarray | list[np.ndarray]:
        """Class probabilities of each classification output, in the order of ``outputs``
        (columns in the order of that output's ``classes_``; the array itself when there is
        one output)."""
        if not any(spec.task is Task.CLASSIFICATION for spec in self.outputs):
            raise AttributeError("predict_proba is for classification outputs, and this model "
                                 "has none: use predict.")
        return self._one_or_all(
            [p for p in self.network.predict_proba(self.prepare(x)) if p is not None])

    @property
    def classes_(self) -> list:
        """Per output, its class labels (``None`` for a regression output); for a single
        output, its labels."""
        return self._one_or_all([None if spec.classes is None else np.asarray(spec.classes)
                                 for spec in self.outputs])

    def _targets(self, y, n_rows: int) -> list[np.ndarray]:
        y = _entries(y, len(self.outputs), "y", "output", self._described(self.outputs))
        _check_same_rows([_n_rows(t, f"y[{i}]") for i, t in enumerate(y)], self.output_names,
                         "y", ("x", n_rows))
        return [validate_target(target, spec.task, n_rows, argument=f"y[{index}] ({spec.name})",
                                classes=spec.classes)
                for index, (spec, target) in enumerate(zip(self.outputs, y))]

    def evaluate(self, x, y) -> dict[str, dict[str, float]]:
        """Per output, its metrics on ``x``/``y``: the output's metric in the search first,
        then the usual ones of its task (balanced accuracy and accuracy, or R², RMSE and
        MAE)."""
        entries = self.prepare(x)
        targets = self._targets(y, len(entries[0]))
        answers = self.network.predict_both(entries)
        return {spec.name: evaluation_scores(metric, score, spec.task, truth, predicted)
                for spec, metric, truth, score, (predicted, _) in zip(
                    self.outputs, self.metrics, targets,
                    _output_scores(self.outputs, self.metrics, targets, answers), answers)}

    def score(self, x, y) -> float:
        """The search's objective on ``x``/``y``: the mean of the outputs' metrics."""
        return float(np.mean([scores[metric] for metric, scores in
                              zip(self.metrics, self.evaluate(x, y).values())]))

    @property
    def pipeline(self) -> MultiIOModel:
        return self

    def export(self, format: str = "auto"):
        """The fitted ``keras.Model``, preprocessing inside; it takes
        ``keras_inputs(x)`` and returns one array per output (class probabilities, or values
        in the target's units). Save it with ``.save("model.keras")``; load it with
        ``keras.saving.load_model`` after ``import automl.keras_layers``."""
        check_export_format(format)
        if format == "sklearn":
            raise ValueError("format='sklearn' does not exist for several inputs or "
                             "outputs: the model is one Keras network; use 'keras'.")
        return self.network.model_
