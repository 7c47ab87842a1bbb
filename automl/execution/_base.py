"""The one seam for running evaluations: an executor maps a function over candidates."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable


class Executor(ABC):
    """Runs ``fn`` on every item and returns the results in order. Used as the DEAP
    toolbox's ``map``; a context manager, so worker processes are released after a search."""

    @abstractmethod
    def map(self, fn: Callable, items: Iterable) -> list:
        """``[fn(item) for item in items]``, possibly in parallel."""

    def close(self) -> None:
        """Releases workers; the default holds none."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
