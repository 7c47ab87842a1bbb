"""Task classes for images and text: a default graph input -> choice block -> head."""

from __future__ import annotations

import os

from automl.blocks import ImageBlock, TextBlock
from automl.graph import ClassificationHead, Graph, ImageInput, RegressionHead, TextInput
from automl.search import DEFAULT_CONFIRM_REPEATS, DEFAULT_ENSEMBLE_SIZE
from automl.tasks._auto_model import AutoModel


class _SingleInputTask(AutoModel):
    """A task with one input of a given kind, searched by that kind's choice block."""

    _input = None
    _block = None
    _head = None
    _default_project_name = "auto_model"

    def __init__(
        self,
        *,
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
        project_name: str | None = None,
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
            strategy=strategy, evolution=evolution, max_generations=max_generations,
            secondary_objectives=secondary_objectives,
            max_latency_ms=max_latency_ms, max_size_mb=max_size_mb, directory=directory,
            project_name=project_name, overwrite=overwrite, mlflow=mlflow,
            meta_store=meta_store, screening=screening,
            ensemble_size=ensemble_size, confirm_repeats=confirm_repeats, checks=checks, verbose=verbose,
        )
        # inputs/outputs stay None: the graph is built by _graph (not the IO API)

    def __sklearn_clone__(self):
        return type(self)(**self.get_params(deep=False))

    def _graph(self) -> Graph:
        inputs = self._input()
        return Graph(inputs, self._head()(self._block()(inputs)))


class _ImageTask(_SingleInputTask):
    _input = ImageInput
    _block = ImageBlock
    _default_project_name = "image"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # (N, H, W) or (N, H, W, C) pixels, not a table: scikit-learn's table checks do not
        # apply (tests/tasks/test_sklearn_contract.py runs the ones that do)
        tags.input_tags.two_d_array, tags.input_tags.three_d_array = False, True
        return tags


class _TextTask(_SingleInputTask):
    _input = TextInput
    _block = TextBlock
    _default_project_name = "text"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # one document per row (a list or 1-D array of strings), not a table
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags


class ImageClassifier(_ImageTask):
    """Finds a classifier for images: arrays of shape (N, H, W) or (N, H, W, C).

    Scikit-learn models on the pixels and convolutional networks (AutoKeras's ConvBlock)
    compete in one search. Takes the arguments of ``AutoModel``; ``export_model()`` returns a
    fitted scikit-learn ``Pipeline`` that takes the images themselves.

    Example:
        >>> clf = ImageClassifier(time_budget=300, seed=0)
        >>> clf.fit(images, labels).predict(new_images)
    """

    _head = ClassificationHead


class ImageRegressor(_ImageTask):
    """Finds a regressor for images. Same arguments as ``ImageClassifier``."""

    _head = RegressionHead


class TextClassifier(_TextTask):
    """Finds a classifier for text: a list, array or Series of strings, one document each.

    TF-IDF features (word or character n-grams) with linear models and naive Bayes compete
    with Keras text networks (AutoKeras's text block, vectorizing inside the model) in one
    search. Takes the arguments of ``AutoModel``; ``export_model()`` returns a fitted
    scikit-learn ``Pipeline`` that takes the documents themselves.

    Example:
        >>> clf = TextClassifier(time_budget=120, seed=0)
        >>> clf.fit(messages, labels).predict(["free entry in a weekly competition"])
    """

    _head = ClassificationHead


class TextRegressor(_TextTask):
    """Finds a regressor for text. Same arguments as ``TextClassifier``."""

    _head = RegressionHead
