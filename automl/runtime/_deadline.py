"""The deadline of the fit in progress, for estimators that can stop themselves (Keras
networks check it after every batch); evaluation sets it around each fold's fit."""

from __future__ import annotations

import contextlib
import contextvars

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline",
                                                                         default=None)


def training_deadline() -> float | None:
    """``time.monotonic()`` value by which the current fit should stop, or ``None``."""
    return _DEADLINE.get()


@contextlib.contextmanager
def deadline_scope(deadline: float | None):
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)
