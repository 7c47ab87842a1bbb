"""When a search must stop: a number of trials and/or a wall-clock deadline."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Limits of a search.

    Attributes:
        max_trials: evaluations at most (``None``: no limit).
        deadline: ``time.monotonic()`` value by which the search and the refit after it must
            be done (``None``: no limit).
        max_generations: generations at most (``None``: no limit).
    """

    max_trials: int | None = None
    deadline: float | None = None
    max_generations: int | None = None

    def __post_init__(self):
        if self.max_trials is None and self.deadline is None and self.max_generations is None:
            raise ValueError("a search needs a limit: set max_trials, time_budget or "
                             "max_generations.")

    def trials_left(self, done: int) -> float:
        return float("inf") if self.max_trials is None else self.max_trials - done

    def seconds_left(self, reserve: float = 0.0) -> float:
        if self.deadline is None:
            return float("inf")
        return self.deadline - reserve - time.monotonic()
