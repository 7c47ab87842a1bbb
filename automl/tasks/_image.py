"""Task classes for images: a default graph around ImageBlock."""

from __future__ import annotations

import os

from automl.blocks import ImageBlock
from automl.graph import ClassificationHead, Graph, ImageInput, RegressionHead
from automl.tasks._auto_model import AutoModel


class _ImageTask(AutoModel):
    _head = None

    def __init__(
        self,
        *,
        objective: str | None = None,
        max_trials: int | None = 100,
        time_budget: float | None = None,
        cv: int = 5,
        n_jobs: int | None = -1,
        scheduler=None,
        max_eval_time: float | None = None,
        memory_limit: int | str | None = None,
        seed: int | None = None,
        population_size: int = 20,
        evolution: str = "steady_state",
        max_generations: int | None = None,
        secondary_objectives: tuple[str, ...] = (),
        directory: str | os.PathLike | None = None,
        project_name: str = "image",
        overwrite: bool = False,
        mlflow: bool | str = False,
        verbose: int = 1,
    ):
        super().__init__(
            objective=objective, max_trials=max_trials, time_budget=time_budget, cv=cv,
            n_jobs=n_jobs, scheduler=scheduler, max_eval_time=max_eval_time,
            memory_limit=memory_limit, seed=seed, population_size=population_size,
            evolution=evolution, max_generations=max_generations,
            secondary_objectives=secondary_objectives, directory=directory,
            project_name=project_name, overwrite=overwrite, mlflow=mlflow, verbose=verbose,
        )
        del self.inputs, self.outputs  # the graph is built below

    def __sklearn_clone__(self):
        return type(self)(**self.get_params(deep=False))

    def _graph(self) -> Graph:
        inputs = ImageInput()
        return Graph(inputs, self._head()(ImageBlock()(inputs)))


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
