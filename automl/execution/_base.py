"""The one seam for running evaluations.

An executor runs ``fn(item, deadline=d)`` for submitted items: ``submit`` hands one over,
``collect`` waits until at least one is done. ``map`` (a whole generation, results in order) is
built on the two; the steady-state search uses them directly, to start a new candidate as soon
as a worker is free.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

#: ``failure(item, status, reason, **where)`` makes the result of an item that was stopped or
#: crashed; executors that know it pass ``worker=`` (its name) and ``started_at=`` (wall clock).
Failure = Callable[..., object]


def earliest(*deadlines: float | None) -> float | None:
    """The earliest of ``deadlines`` (``None``: no deadline)."""
    return min((d for d in deadlines if d is not None), default=None)


def candidate_deadline(deadline: float | None, max_eval_time: float | None) -> float | None:
    """When the candidate starting now must be done: the search deadline or its own limit."""
    return earliest(deadline, None if max_eval_time is None else time.monotonic() + max_eval_time)


def run_limited(fn, item, deadline, max_eval_time):
    """Runs ``fn(item, deadline=...)`` with the candidate's own deadline, wherever it runs."""
    return fn(item, deadline=candidate_deadline(deadline, max_eval_time))


class Executor(ABC):
    """Runs ``fn(item, deadline=d)`` for submitted items.

    ``d`` is the earlier of the item's search ``deadline`` and its start plus
    ``max_eval_time``; ``fn`` should stop by itself at ``d`` (cooperative stop). Executors that
    can also stop it forcibly do so, and report that item as ``failure(item, status, reason)``.
    An item not started before its deadline gives ``None``. A context manager: workers are
    released on exit.
    """

    max_eval_time: float | None = None

    @property
    @abstractmethod
    def capacity(self) -> int:
        """How many items run at once."""

    @abstractmethod
    def start(self, fn: Callable, *, failure: Failure | None = None) -> None:
        """Prepares to run ``fn`` (ships it, data included, to the workers once)."""

    @abstractmethod
    def submit(self, item, *, deadline: float | None = None) -> int:
        """Queues ``item``; returns its ticket."""

    @abstractmethod
    def collect(self) -> list[tuple[int, object]]:
        """Waits until at least one submitted item is done: ``[(ticket, result), ...]``."""

    @property
    @abstractmethod
    def pending(self) -> int:
        """Submitted items not collected yet."""

    def tighten(self, *, deadline: float | None, max_eval_time: float | None) -> None:
        """Brings forward, never back, the deadline of every item not collected yet to
        ``deadline``, and that of a running item started without a limit to its start plus
        ``max_eval_time``: the search keeps more time for its refit than when the item was
        submitted, or has learnt a limit its first candidates started without. Executors
        that cannot move a deadline keep the one an item was submitted with (this default)."""

    def map(self, fn: Callable, items: Iterable, *, deadline: float | None = None,
            failure: Failure | None = None) -> list:
        """The results of ``fn`` on ``items``, in order."""
        self.start(fn, failure=failure)
        tickets = [self.submit(item, deadline=deadline) for item in items]
        results = {}
        while self.pending:
            results.update(self.collect())
        return [results.get(ticket) for ticket in tickets]

    def close(self) -> None:
        """Releases workers; the default holds none."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
