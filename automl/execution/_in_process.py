"""Evaluation in the calling process: for debugging (breakpoints work) and for tests.

Limits are cooperative only: a candidate that hangs inside one fit cannot be stopped here.
"""

from collections import deque

from automl.evaluation import Status, describe_error
from automl.execution._base import Executor, earliest, run_limited


class InProcessExecutor(Executor):
    def __init__(self, max_eval_time: float | None = None):
        self.max_eval_time = max_eval_time
        self._fn = None
        self._failure = None
        self._queue: deque = deque()
        self._tickets = 0

    @property
    def capacity(self) -> int:
        return 1

    @property
    def pending(self) -> int:
        return len(self._queue)

    def start(self, fn, *, failure=None):
        self._fn, self._failure = fn, failure

    def submit(self, item, *, deadline=None):
        self._tickets += 1
        self._queue.append((self._tickets, item, deadline))
        return self._tickets

    def tighten(self, *, deadline, max_eval_time):
        # Nothing runs between calls here: only queued items, whose limit starts when they do.
        self._queue = deque((ticket, item, earliest(submitted, deadline))
                            for ticket, item, submitted in self._queue)

    def collect(self):
        ticket, item, deadline = self._queue.popleft()
        fail = self._failure or (lambda *_: None)
        try:
            result = run_limited(self._fn, item, deadline, self.max_eval_time)
        except MemoryError as error:
            result = fail(item, Status.OUT_OF_MEMORY, describe_error(error))
        except Exception as error:
            result = fail(item, Status.FAILED, describe_error(error))
        return [(ticket, result)]
