"""The refit winner of a search, behind one interface whatever it is: a scikit-learn pipeline
(``PipelineModel``) or one Keras network over several inputs and outputs (``MultiIOModel``).
``AutoModel`` delegates predict, predict_proba, classes_, evaluate, score and export to it and
never asks which it holds."""

from __future__ import annotations

import abc
import os
import warnings

import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.pipeline import Pipeline

from automl.checks import DataCheckWarning, drift_table, findings_frame
from automl.data import DataSpec, Task, read_csv, row_hashes, table_adapter, validate_target
from automl.evaluation import evaluation_scores
from automl.export import NotTranslatableError, has_keras_model, to_keras

EXPORT_FORMATS = ("auto", "keras", "sklearn")
#: What each action after a fit needs of a model (``FittedModel.check_supports``).
ACTIONS = {"serve": "'automl serve' answers rows of one table",
           "predict": "'automl predict' predicts rows of one table",
           "select": "select() chooses among pipelines of one input",
           "distill": "distill() imitates models of one table"}


def check_export_format(format: str) -> None:
    if format not in EXPORT_FORMATS:
        raise ValueError(f"format must be 'auto', 'keras' or 'sklearn'; received {format!r}.")


class FittedModel(abc.ABC):
    """What a search refits and the estimator serves.

    Attributes:
        spec: the training table's columns, kinds and classes (``None`` for a network over
            several inputs and outputs).
        target_column: the column of ``x`` that ``fit`` took ``y`` from, if it did.
        profile: the training columns' and predictions' summaries that ``drift`` compares
            new rows with (``None``: none kept).
    """

    spec: DataSpec | None = None
    target_column: str | None = None
    profile: dict | None = None

    @property
    def input_columns(self) -> list[str] | None:
        """The columns a row must have (``None``: the model takes no table of named columns)."""
        return None

    @property
    def is_classifier(self) -> bool:
        """Whether it answers classes of one table (``predict_proba``, ``classes_``)."""
        return self.spec is not None and self.spec.task is Task.CLASSIFICATION

    def unsupported(self, action: str) -> str | None:
        """Why this model cannot be used by ``action`` (a key of ``ACTIONS``); ``None``: it
        can."""
        return None

    def check_supports(self, action: str) -> None:
        """Raises ``ValueError`` saying why, when this model cannot be used by ``action``."""
        reason = self.unsupported(action)
        if reason is not None:
            raise ValueError(f"{ACTIONS[action]}, but {reason}")

    @property
    @abc.abstractmethod
    def pipeline(self):
        """The fitted scikit-learn pipeline (or the network's model) that ``pipeline_``
        shows."""

    @property
    @abc.abstractmethod
    def classes_(self):
        """The class labels seen in fit (per output, with several)."""

    @abc.abstractmethod
    def predict(self, x):
        """Predictions for ``x`` (one array per output, with several)."""

    @abc.abstractmethod
    def predict_proba(self, x):
        """Class probabilities for ``x`` (columns in the order of ``classes_``)."""

    @abc.abstractmethod
    def evaluate(self, x, y) -> dict:
        """The search's metric first, then the task's usual metrics."""

    @abc.abstractmethod
    def score(self, x, y) -> float:
        """scikit-learn's ``score``."""

    @abc.abstractmethod
    def export(self, format: str = "auto"):
        """The model to ship, as ``AutoModel.export_model`` describes."""

    def drift(self, x, predictions=None) -> pd.DataFrame:
        """How far ``x`` has moved from the training data (``automl.checks``' drift);
        ``predictions``: the model's for ``x``, if already made."""
        raise ValueError("drift is measured for models of one table; this model has no "
                         "training profile.")


class PipelineModel(FittedModel):
    """A refit scikit-learn pipeline and what fit learnt about its data.

    Args:
        pipeline: the fitted pipeline (for images, behind the step that flattens them).
        spec: the training data's columns, kinds, task and classes.
        objective: the search's scorer name.
        target_column: the column of ``x`` that fit took ``y`` from (``None``: y was given).
        owner: the estimator's class name, for messages.
        training_rows: ``row_hashes`` of the training table, so that ``evaluate`` can tell
            when test rows also occur in it (``None``: not known).
        profile: the training columns' and predictions' summaries that ``drift`` compares
            new rows with (``automl.checks``' ``profile``; ``None``: not known).
    """

    def __init__(self, pipeline: Pipeline, spec: DataSpec, objective: str,
                 target_column: str | None, owner: str = "AutoModel",
                 training_rows: np.ndarray | None = None, profile: dict | None = None):
        self._pipeline = pipeline
        self.spec = spec
        self.objective = objective
        self.target_column = target_column
        self.owner = owner
        self.training_rows = None if training_rows is None else np.unique(training_rows)
        self.profile = profile

    def __setstate__(self, state: dict) -> None:
        state.setdefault("training_rows", None)  # pickled before evaluate looked for them
        state.setdefault("profile", None)  # or drift existed
        self.__dict__.update(state)

    def drift(self, x, predictions=None) -> pd.DataFrame:
        if self.profile is None:
            return super().drift(x)
        features = self.features(x)
        if predictions is None:
            predictions = self._pipeline.predict(features)
        return drift_table(self.profile, self._table(features), predictions)

    @property
    def input_columns(self) -> list[str] | None:
        return list(self.spec.column_names) if self._takes_tables() and \
            self.spec.column_names else None

    def unsupported(self, action: str) -> str | None:
        if action == "distill" and not self._takes_tables():
            return "this model takes images or text."
        return None

    def _table(self, features) -> pd.DataFrame:
        """``features`` checked and coerced as the pipeline's first step does it."""
        return table_adapter(self.spec).transform(features)

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    def _takes_tables(self) -> bool:
        return not self.spec.is_text and self.spec.image_shape is None

    def features(self, x):
        """``x`` as the pipeline takes it: a CSV path is read, and its target column (when fit
        named one) dropped."""
        if isinstance(x, str | os.PathLike) and self._takes_tables():
            x = read_csv(x)
        if isinstance(x, pd.DataFrame) and self.target_column in x.columns:
            x = x.drop(columns=[self.target_column])
        if not hasattr(x, "__len__"):  # an array-like that only converts
            x = np.asarray(x)
        if len(x) == 0:
            raise ValueError("x has no rows: pass at least one row.")
        return x

    def _features_and_targets(self, x, y):
        if isinstance(x, str | os.PathLike) and self._takes_tables():
            x = read_csv(x)
        if isinstance(y, str):
            if not isinstance(x, pd.DataFrame) or y not in x.columns:
                raise ValueError(f"y is the column name {y!r}, but x has no such column.")
            y = x[y]
        elif y is None:
            if self.target_column is None or not isinstance(x, pd.DataFrame):
                raise ValueError("y is required: pass the true targets.")
            y = x[self.target_column]
        features = self.features(x)
        return features, validate_target(y, self.spec.task, len(features),
                                         classes=self.spec.classes)

    @property
    def classes_(self) -> np.ndarray:
        if self.spec.task is not Task.CLASSIFICATION:
            raise AttributeError("classes_ exists for classification only.")
        return np.asarray(self.spec.classes)

    def predict(self, x) -> np.ndarray:
        return self._pipeline.predict(self.features(x))

    def predict_proba(self, x) -> np.ndarray:
        if self.spec.task is not Task.CLASSIFICATION:
            raise AttributeError(f"predict_proba is for classification, but this "
                                 f"{self.owner} solves regression: use predict.")
        return self._pipeline.predict_proba(self.features(x))

    def _warn_if_seen(self, features) -> None:
        """Test rows that also occur in the training table make a score optimistic."""
        if self.training_rows is None or not self._takes_tables():
            return
        rows = row_hashes(self._table(features))
        seen = np.isin(rows, self.training_rows)
        if seen.any():
            warnings.warn(
                f"{int(seen.sum())} of {len(rows)} rows of x also occur in the training data "
                f"(identical in every column, e.g. row {int(np.flatnonzero(seen)[0])}): the "
                "score overstates how the model does on new rows; evaluate on rows it has not "
                "seen.", DataCheckWarning, stacklevel=4)

    def evaluate(self, x, y) -> dict[str, float]:
        features, y = self._features_and_targets(x, y)
        self._warn_if_seen(features)
        score = metrics.get_scorer(self.objective)(self._pipeline, features, y)
        return evaluation_scores(self.objective, score, self.spec.task, y,
                                 self._pipeline.predict(features))

    def score(self, x, y) -> float:
        """Accuracy for classification, R² for regression (scikit-learn's convention)."""
        scores = self.evaluate(x, y)
        return scores["accuracy" if self.spec.task is Task.CLASSIFICATION else "r2"]

    def export(self, format: str = "auto"):
        check_export_format(format)
        if format == "sklearn" or (format == "auto" and not has_keras_model(self._pipeline)):
            return self._pipeline
        try:
            return to_keras(self._pipeline, self.spec)
        except NotTranslatableError as error:
            if format == "keras":
                raise
            warnings.warn(f"exporting the scikit-learn pipeline: {error}", stacklevel=3)
            return self._pipeline


def as_fitted_model(pipeline, spec: DataSpec | None, objective: str, target_column: str | None,
                    owner: str) -> FittedModel:
    """A fitted model from what an estimator pickled before ``fitted_model_`` existed: its
    ``pipeline_`` (a scikit-learn pipeline, or already a ``FittedModel``) and data spec."""
    if isinstance(pipeline, FittedModel):
        return pipeline
    return PipelineModel(pipeline, spec, objective, target_column, owner)


def upgraded_state(state: dict, owner: str) -> dict:
    """An estimator's pickled attributes, completed with what later versions added."""
    if "pipeline_" in state and "fitted_model_" not in state:  # pickled before 0.2
        state["fitted_model_"] = as_fitted_model(
            state.pop("pipeline_"), state.get("data_spec_"), state.get("objective_"),
            state.get("target_column_"), owner)
    if "fitted_model_" in state:  # fitted before ensembles, or data checks, existed
        state.setdefault("ensemble_", None)
        state.setdefault("checks_", findings_frame([]))
    return state
