"""Search strategies propose genomes and learn from finished trials (ask / tell)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from automl.evaluation import Trial
from automl.genome import Genome


class Strategy(ABC):
    """Proposes candidates in batches (one batch per generation).

    A strategy of one's own subclasses this (``ask`` and ``tell``) and is passed to a task
    class as ``strategy=`` (the class, or any callable ``(space, rng) -> Strategy``); it draws
    every random choice from ``rng``, so a seed repeats its search.
    """

    @property
    def batch_size(self) -> int | None:
        """Genomes per generation when generations are evaluated whole (``None``: the
        search's ``population_size``)."""
        return None

    @abstractmethod
    def ask(self, n: int, is_new: Callable[[Genome], bool]) -> list[Genome]:
        """Up to ``n`` distinct genomes for which ``is_new`` holds."""

    @abstractmethod
    def tell(self, trials: list[Trial]) -> None:
        """The finished trials of the last batch."""

    def restore(self, trials: list[Trial]) -> None:
        """Learns the trials of earlier runs of this search (resuming): told generation by
        generation, in the order they finished."""
        generations: dict[int, list[Trial]] = {}
        for trial in sorted(trials, key=lambda t: t.number):
            generations.setdefault(trial.generation, []).append(trial)
        for generation in sorted(generations):
            self.tell(generations[generation])
