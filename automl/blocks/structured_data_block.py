"""StructuredDataBlock: the choice block whose options span preprocessing and model blocks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from automl.data import Task
from automl.graph import Block, Role


class StructuredDataBlock(Block):
    """Searches the whole tabular pipeline: imputation, categorical encoding, a sequence of
    feature steps and the model, with the options of a preset in ``search_spaces/``.

    Args:
        preset: name of a preset file in ``search_spaces/`` (without ``.toml``); ``None`` picks
            the task's default (``structured_classification`` or ``structured_regression``).
        models: the model options, by block name: a subset of the preset's, in your order,
            or also other registered model blocks (``["HistGradientBoosting",
            "DenseNetwork"]``: gradient boosting against a Keras network).
        preprocessors: the feature-step options, by block name (likewise).
        max_preprocessors: at most this many feature steps (0 disables them).
        name: a name for error messages and reports.
    """

    role = Role.CHOICE
    #: The preset each task uses when ``preset`` is not given.
    default_presets: ClassVar[dict[Task, str]] = {
        Task.CLASSIFICATION: "structured_classification",
        Task.REGRESSION: "structured_regression",
    }

    def __init__(
        self,
        *,
        preset: str | None = None,
        models: Sequence[str] | None = None,
        preprocessors: Sequence[str] | None = None,
        max_preprocessors: int | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if max_preprocessors is not None and (
            not isinstance(max_preprocessors, int) or max_preprocessors < 0
        ):
            raise ValueError(f"max_preprocessors must be a non-negative integer; received "
                             f"{max_preprocessors!r}.")
        self.preset = preset
        self.models = None if models is None else list(models)
        self.preprocessors = None if preprocessors is None else list(preprocessors)
        self.max_preprocessors = max_preprocessors

    def get_config(self) -> dict:
        return {"name": self.name, "preset": self.preset, "models": self.models,
                "preprocessors": self.preprocessors, "max_preprocessors": self.max_preprocessors}
