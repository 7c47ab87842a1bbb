"""Executors: where candidate evaluations run."""

import os

from automl.execution._base import Executor
from automl.execution._in_process import InProcessExecutor
from automl.execution._local_processes import LocalProcessExecutor


def resolve_n_jobs(n_jobs) -> int:
    """scikit-learn's convention: ``None`` is 1, ``-1`` all cores, ``-2`` all but one."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer (-1 for all cores) or None; "
                         f"received {n_jobs!r}.")
    cores = os.cpu_count() or 1
    return n_jobs if n_jobs > 0 else max(cores + 1 + n_jobs, 1)


def make_executor(n_jobs) -> Executor:
    workers = resolve_n_jobs(n_jobs)
    return InProcessExecutor() if workers == 1 else LocalProcessExecutor(workers)


__all__ = ["Executor", "InProcessExecutor", "LocalProcessExecutor", "make_executor",
           "resolve_n_jobs"]
