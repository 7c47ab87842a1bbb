"""The trade-off between score and costs: the Pareto front of a search's trials, and the best
trial within limits a user sets on latency and size."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from deap import tools

from automl.evaluation import COSTS, Trial
from automl.search._individual import Fitness

#: The costs a front is drawn over when the search minimised none.
DEFAULT_FRONT_COSTS = ("latency_ms", "model_size")
#: The costs every trial knows (a front may be drawn over any of them).
FRONT_COSTS = ("fit_seconds", *COSTS)


def front_costs(secondary_objectives: Sequence[str]) -> tuple[str, ...]:
    """The costs a front is drawn over: those the search minimised, else latency and size."""
    named = tuple(name for name in secondary_objectives if name in FRONT_COSTS)
    return named or DEFAULT_FRONT_COSTS


def trial_cost(trial: Trial, name: str) -> float:
    """One of ``FRONT_COSTS`` for ``trial`` (NaN when it was not measured)."""
    if name == "fit_seconds":
        return trial.fit_seconds
    return dict(trial.costs).get(name, math.nan)


def pareto_front(trials: Sequence[Trial], costs: Sequence[str] = DEFAULT_FRONT_COSTS
                 ) -> list[Trial]:
    """The successful trials no other beats on the score and every one of ``costs`` at once
    (measured ones only), best score first. The score is ``Trial.choice_score``, the one the
    leaderboard shows: a confirmed trial's mean over every fold it was scored on, so a trial
    whose fresh folds did worse is placed by them."""
    unknown = [name for name in costs if name not in FRONT_COSTS]
    if unknown:
        raise ValueError(f"cost {unknown[0]!r} is not measured for every trial; choose from "
                         f"{list(FRONT_COSTS)}.")
    candidates = [trial for trial in trials if trial.ok and all(
        math.isfinite(trial_cost(trial, name)) for name in costs)]
    if not candidates:
        return []

    class Point:  # what DEAP's sort needs: a fitness
        def __init__(self, trial: Trial):
            self.trial = trial
            self.fitness = Fitness((1.0,) + (-1.0,) * len(costs),
                                   (trial.choice_score,
                                    *(trial_cost(trial, n) for n in costs)))

    first, = tools.sortNondominated([Point(t) for t in candidates], len(candidates),
                                    first_front_only=True)
    return sorted((point.trial for point in first), key=lambda t: (-t.choice_score, t.number))


@dataclass(frozen=True)
class CostLimits:
    """Upper limits on a model's costs (``None``: no limit): milliseconds to predict one row,
    and megabytes of the saved model."""

    max_latency_ms: float | None = None
    max_size_mb: float | None = None

    def __post_init__(self):
        for name in ("max_latency_ms", "max_size_mb"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(
                    value, int | float) or not value > 0):
                raise ValueError(f"{name} must be a positive number (or None for no limit); "
                                 f"received {value!r}.")

    def __bool__(self) -> bool:
        return self.max_latency_ms is not None or self.max_size_mb is not None

    def allows(self, costs: dict[str, float]) -> bool:
        """Whether measured ``costs`` (``COSTS`` names) keep within the limits; a cost not
        measured is over any limit on it."""
        if self.max_latency_ms is not None and not (
                costs.get("latency_ms", math.inf) <= self.max_latency_ms):
            return False
        return self.max_size_mb is None or costs.get("model_size", math.inf) <= \
            self.max_size_mb * 1e6

    def best(self, trials: Sequence[Trial]) -> Trial | None:
        """The best successful trial within the limits (``Trial.choice_key``: a confirmed
        one first), ``None`` when none is."""
        allowed = [t for t in trials if t.ok and self.allows(dict(t.costs))]
        return max(allowed, key=lambda t: (*t.choice_key, -t.number), default=None)

    def describe(self) -> str:
        parts = [f"{self.max_latency_ms:g} ms per row" if self.max_latency_ms else "",
                 f"{self.max_size_mb:g} MB" if self.max_size_mb else ""]
        return " and ".join(part for part in parts if part) or "no limit"


def nothing_within(limits: CostLimits, trials: Sequence[Trial]) -> ValueError:
    """The error when no successful trial keeps within ``limits``."""
    ok = [trial for trial in trials if trial.ok and trial.costs]
    fastest = min(ok, key=lambda t: dict(t.costs)["latency_ms"], default=None)
    smallest = min(ok, key=lambda t: dict(t.costs)["model_size"], default=None)
    found = "" if fastest is None else (
        f" (fastest: trial {fastest.number}, {dict(fastest.costs)['latency_ms']:.3g} ms per "
        f"row; smallest: trial {smallest.number}, "
        f"{dict(smallest.costs)['model_size'] / 1e6:.3g} MB)")
    return ValueError(f"no candidate keeps within {limits.describe()}{found}: loosen "
                      "max_latency_ms / max_size_mb; the trials are kept (select() chooses "
                      "again from them).")
