"""Evaluation in the calling process: for debugging (breakpoints work) and for tests.

Limits are cooperative only: a candidate that hangs inside one fit cannot be stopped here.
"""

from automl.evaluation import Status, describe_error
from automl.execution._base import Executor, run_limited


class InProcessExecutor(Executor):
    def __init__(self, max_eval_time: float | None = None):
        self.max_eval_time = max_eval_time

    def map(self, fn, items, *, deadline=None, failure=None):
        results = []
        for item in items:
            try:
                results.append(run_limited(fn, item, deadline, self.max_eval_time))
            except MemoryError as error:
                results.append(failure(item, Status.OUT_OF_MEMORY, describe_error(error))
                               if failure else None)
            except Exception as error:
                results.append(failure(item, Status.FAILED, describe_error(error)) if failure else None)
        return results
