"""What ``AutoModel``'s arguments accept, declared once (as scikit-learn's
``_parameter_constraints``) and checked once, at ``fit``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from automl.checks import CHECK_MODES
from automl.evaluation import check_secondary_objectives
from automl.execution import resolve_n_jobs
from automl.fitting import memory_bytes
from automl.search import CostLimits, check_strategy
from automl.trials import check_meta_store, check_mlflow


@dataclass(frozen=True)
class Integer:
    """An integer of at least ``minimum`` (``None`` too when ``optional``)."""

    minimum: int = 1
    optional: bool = True
    meaning: str = ""  # what None means, e.g. "searched"
    auto: bool = False  # "auto" is accepted too

    def check(self, name: str, value) -> None:
        if (value is None and self.optional) or (self.auto and value == "auto"):
            return
        if not isinstance(value, int | np.integer) or isinstance(value, bool) \
                or value < self.minimum:
            rule = ("a positive integer" if self.minimum == 1 and self.meaning
                    else f"an integer >= {self.minimum}")
            none = f" or None ({self.meaning})" if self.meaning else " or None"
            auto = ", 'auto'" if self.auto else ""
            raise ValueError(f"{name} must be {rule}{auto}{none if self.optional else ''}; "
                             f"received {value!r}.")


@dataclass(frozen=True)
class Seconds:
    """A positive, finite number of seconds, or ``None``."""

    def check(self, name: str, value) -> None:
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)
                                  or not value > 0 or not math.isfinite(value)):
            raise ValueError(f"{name} must be a positive number of seconds or None; "
                             f"received {value!r}.")


@dataclass(frozen=True)
class OneOf:
    options: tuple

    def check(self, name: str, value) -> None:
        if value not in self.options:
            raise ValueError(f"{name} must be one of {self.options}; received {value!r}.")


@dataclass(frozen=True)
class FolderName:
    """A plain folder name (no path), or ``None``."""

    def check(self, name: str, value) -> None:
        if value is not None and (not isinstance(value, str) or value in ("", ".", "..")
                                  or Path(value).name != value or "\\" in value):
            raise ValueError(f"{name} must be a plain folder name (no '/', '..' or absolute "
                             f"path); received {value!r}. Put the parent folders in "
                             "directory=.")


@dataclass(frozen=True)
class CheckedBy:
    """Checked by the function that also interprets it (``memory_bytes``, ...)."""

    check_value: object

    def check(self, name: str, value) -> None:
        self.check_value(value)


EVOLUTION_MODES = ("steady_state", "generational")

#: AutoModel's arguments and what each accepts; ``epochs`` is ``fit``'s.
PARAMETER_CONSTRAINTS = {
    "project_name": FolderName(),
    "max_trials": Integer(1, auto=True),
    "max_generations": Integer(1),
    "population_size": Integer(2, optional=False),
    "cv": Integer(2, optional=False),
    "seed": Integer(0),
    "time_budget": Seconds(),
    "max_eval_time": Seconds(),
    "memory_limit": CheckedBy(memory_bytes),
    "strategy": CheckedBy(check_strategy),
    "evolution": OneOf(EVOLUTION_MODES),
    "n_jobs": CheckedBy(resolve_n_jobs),
    "secondary_objectives": CheckedBy(check_secondary_objectives),
    "mlflow": CheckedBy(check_mlflow),
    "meta_store": CheckedBy(check_meta_store),
    "screening": OneOf(("auto", False, True)),
    "ensemble_size": Integer(0, optional=False),
    "confirm_repeats": Integer(0, optional=False),
    "checks": OneOf(CHECK_MODES),
    "max_latency_ms": CheckedBy(lambda value: CostLimits(max_latency_ms=value)),
    "max_size_mb": CheckedBy(lambda value: CostLimits(max_size_mb=value)),
}
EPOCHS = Integer(1, meaning="searched")


def validate_parameters(params: dict) -> None:
    """Checks every constrained argument in ``params`` (``get_params()``), and that some
    budget ends the search."""
    for name, constraint in PARAMETER_CONSTRAINTS.items():
        if name in params:
            constraint.check(name, params[name])
    if all(params.get(name) is None for name in ("max_trials", "time_budget",
                                                 "max_generations")):
        raise ValueError("max_trials, time_budget and max_generations are all None, so the "
                         "search would never end: set at least one.")
