"""Task classes for tables: a default graph around StructuredDataBlock."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from automl.blocks import StructuredDataBlock
from automl.data import TableAdapter
from automl.data._messages import preview
from automl.graph import ClassificationHead, Graph, RegressionHead, StructuredDataInput
from automl.search import DEFAULT_CONFIRM_REPEATS, DEFAULT_ENSEMBLE_SIZE
from automl.tasks._auto_model import AutoModel


class _StructuredDataTask(AutoModel):
    _head = None

    def __init__(
        self,
        *,
        column_names: Sequence[str] | None = None,
        column_types: Mapping[str, str] | None = None,
        objective: str | None = None,
        max_trials: int | str | None = "auto",
        time_budget: float | None = None,
        cv: int = 5,
        n_jobs: int | None = -1,
        scheduler=None,
        max_eval_time: float | None = None,
        memory_limit: int | str | None = None,
        seed: int | None = None,
        population_size: int = 20,
        strategy="evolution",
        evolution: str = "steady_state",
        max_generations: int | None = None,
        secondary_objectives: tuple[str, ...] = (),
        max_latency_ms: float | None = None,
        max_size_mb: float | None = None,
        directory: str | os.PathLike | None = None,
        project_name: str = "structured_data",
        overwrite: bool = False,
        mlflow: bool | str = False,
        meta_store: str | os.PathLike | None = None,
        screening: bool | str = "auto",
        ensemble_size: int = DEFAULT_ENSEMBLE_SIZE,
        confirm_repeats: int = DEFAULT_CONFIRM_REPEATS,
        checks: str = "warn",
        verbose: int = 1,
    ):
        super().__init__(
            objective=objective, max_trials=max_trials, time_budget=time_budget, cv=cv,
            n_jobs=n_jobs, scheduler=scheduler, max_eval_time=max_eval_time,
            memory_limit=memory_limit, seed=seed, population_size=population_size,
            strategy=strategy, evolution=evolution,
            max_generations=max_generations, secondary_objectives=secondary_objectives,
            max_latency_ms=max_latency_ms, max_size_mb=max_size_mb,
            directory=directory, project_name=project_name, overwrite=overwrite, mlflow=mlflow,
            meta_store=meta_store, screening=screening,
            ensemble_size=ensemble_size, confirm_repeats=confirm_repeats, checks=checks, verbose=verbose,
        )
        # inputs/outputs stay None: the graph is built by _graph (not the IO API)
        self.column_names = column_names
        self.column_types = column_types

    def __sklearn_clone__(self):
        return type(self)(**self.get_params(deep=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags = TableAdapter().__sklearn_tags__().input_tags  # what every pipeline takes
        return tags

    def fit(self, x, y=None, *, epochs: int | None = None, groups=None,
            time_column: str | None = None):
        """Searches pipelines for the table ``x`` -> ``y`` (see ``AutoModel.fit``, also for
        ``groups`` and ``time_column``); also sets scikit-learn's ``n_features_in_``, and
        ``feature_names_in_`` when ``x`` has named columns (a DataFrame or a CSV file)."""
        super().fit(x, y, epochs=epochs, groups=groups, time_column=time_column)
        columns = self.data_spec_.column_names
        self.n_features_in_ = len(columns)
        if isinstance(x, pd.DataFrame | str | os.PathLike):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _checked(self, x):
        width = getattr(self, "n_features_in_", None)
        if width is None or isinstance(x, pd.DataFrame | str | os.PathLike):
            return x
        shape = np.asarray(x).shape  # not np.shape: array-likes need not support it
        if len(shape) == 2 and shape[1] != width:
            raise ValueError(  # scikit-learn's words, for tools that look for them, then ours
                f"X has {shape[1]} features, but {type(self).__name__} is expecting "
                f"{width} features as input: pass the columns of fit, in order "
                f"({preview(self.data_spec_.column_names)}).")
        return x

    def _graph(self) -> Graph:
        inputs = StructuredDataInput(column_names=self.column_names,
                                     column_types=self.column_types)
        outputs = self._head()(StructuredDataBlock()(inputs))
        return Graph(inputs, outputs)


class StructuredDataClassifier(_StructuredDataTask):
    """Finds a classification pipeline for a table.

    Takes the arguments of ``AutoModel`` (objective, max_trials, time_budget, cv, n_jobs,
    scheduler, max_eval_time, memory_limit, seed, population_size, strategy, evolution,
    max_generations, secondary_objectives, directory, project_name, overwrite, mlflow,
    meta_store, screening, verbose) plus:

    Args:
        column_names: names for the columns of an array ``x`` (a DataFrame's own are used).
        column_types: column name -> ``"numerical"`` or ``"categorical"``, overriding the
            inference (numbers are numerical, anything else categorical).

    Example:
        >>> clf = StructuredDataClassifier(time_budget=60, seed=0)
        >>> clf.fit(x_train, y_train).predict(x_test)
    """

    _head = ClassificationHead


class StructuredDataRegressor(_StructuredDataTask):
    """Finds a regression pipeline for a table. Same arguments as ``StructuredDataClassifier``.

    Example:
        >>> reg = StructuredDataRegressor(time_budget=60, seed=0)
        >>> reg.fit("houses.csv", "price").predict("new_houses.csv")
    """

    _head = RegressionHead
