"""Evaluation in the calling process: for debugging and for ``n_jobs=1``."""

from automl.execution._base import Executor


class InProcessExecutor(Executor):
    def map(self, fn, items):
        return [fn(item) for item in items]
