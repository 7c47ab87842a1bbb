"""Evaluation in local worker processes (joblib's loky: workers are reused between calls, and
each worker's BLAS/OpenMP threads are capped so that workers do not oversubscribe the cores)."""

from joblib import Parallel, delayed

from automl.execution._base import Executor


class LocalProcessExecutor(Executor):
    def __init__(self, n_workers: int):
        self.n_workers = n_workers
        self._parallel = Parallel(n_jobs=n_workers, backend="loky")

    def map(self, fn, items):
        return self._parallel(delayed(fn)(item) for item in items)
