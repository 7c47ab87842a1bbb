"""The deadline of the fit in progress, for estimators that can stop themselves (Keras
networks check it after every batch); evaluation sets it around each fold's fit."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class DeadlineScope:
    """A deadline set around a fit; ``heeded`` once the fit has read it (so stops itself)."""

    deadline: float | None
    heeded: bool = False


_SCOPE: contextvars.ContextVar[DeadlineScope | None] = contextvars.ContextVar("deadline",
                                                                              default=None)


def training_deadline() -> float | None:
    """``time.monotonic()`` value by which the current fit should stop, or ``None``. Only a
    fit that stops itself by it calls this."""
    scope = _SCOPE.get()
    if scope is None:
        return None
    scope.heeded = scope.deadline is not None
    return scope.deadline


@contextlib.contextmanager
def deadline_scope(deadline: float | None) -> Iterator[DeadlineScope]:
    scope = DeadlineScope(deadline)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)
