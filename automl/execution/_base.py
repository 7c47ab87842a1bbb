"""The one seam for running evaluations: an executor maps a function over candidates within a
deadline, and turns candidates it had to stop into failure records."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from automl.evaluation import Status

#: ``failure(item, status, reason)`` makes the result of an item that was stopped or crashed.
Failure = Callable[[object, Status, str], object]


def candidate_deadline(deadline: float | None, max_eval_time: float | None) -> float | None:
    """When the candidate starting now must be done: the search deadline or its own limit."""
    own = None if max_eval_time is None else time.monotonic() + max_eval_time
    if deadline is None:
        return own
    return deadline if own is None else min(deadline, own)


def run_limited(fn, item, deadline, max_eval_time):
    """Runs ``fn(item, deadline=...)`` with the candidate's own deadline, wherever it runs."""
    return fn(item, deadline=candidate_deadline(deadline, max_eval_time))


class Executor(ABC):
    """Runs ``fn(item, deadline=d)`` for every item and returns the results in item order.

    ``d`` is the earlier of the search ``deadline`` and the candidate's start plus
    ``max_eval_time``; ``fn`` should stop by itself at ``d`` (cooperative stop). Executors that
    can also stop it forcibly do so, and report that item as ``failure(item, status, reason)``.
    An item not started before ``deadline`` gives ``None``. A context manager: workers are
    released on exit.
    """

    max_eval_time: float | None = None

    @abstractmethod
    def map(self, fn: Callable, items: Iterable, *, deadline: float | None = None,
            failure: Failure | None = None) -> list:
        """The results of ``fn`` on ``items``, in order."""

    def close(self) -> None:
        """Releases workers; the default holds none."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
