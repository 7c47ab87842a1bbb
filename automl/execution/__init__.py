"""Executors: where candidate evaluations run (in process, local workers, a Dask cluster)."""

import os

from automl.execution._base import Executor, candidate_deadline, run_limited
from automl.execution._dask import DaskExecutor
from automl.execution._gpus import visible_gpus
from automl.execution._in_process import InProcessExecutor
from automl.execution._worker_pool import WorkerPoolExecutor, worker_threads


def resolve_n_jobs(n_jobs) -> int:
    """scikit-learn's convention: ``None`` is 1, ``-1`` all cores, ``-2`` all but one."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer (-1 for all cores) or None; "
                         f"received {n_jobs!r}.")
    cores = os.cpu_count() or 1
    return n_jobs if n_jobs > 0 else max(cores + 1 + n_jobs, 1)


def refit_threads(n_jobs, scheduler) -> int | None:
    """Threads a refit in this process gets after a search (``None``: no limit): a local
    worker's share, the one its fit times were measured with and the refit's expected time
    scales. Unlimited, OpenMP (HistGradientBoosting, LightGBM) lost 30x on a 300-row refit
    whenever another process took a core: its threads wait for each other at every step."""
    return worker_threads(resolve_n_jobs(n_jobs)) if scheduler is None else None


def make_executor(n_jobs=-1, *, scheduler=None, max_eval_time=None, memory_limit=None,
                  needs_gpu=None) -> Executor:
    """The executor for a search.

    Args:
        n_jobs: local worker processes (scikit-learn's convention for -1 and None).
        scheduler: ``None`` for local worker processes; ``"in-process"`` to evaluate in this
            process (debugging: no forcible limits); a Dask ``Client`` or scheduler address.
        max_eval_time: seconds one candidate may take.
        memory_limit: bytes per local worker.
        needs_gpu: ``genome -> bool``: candidates to place on GPU workers (local workers that
            own a GPU, or Dask workers started with ``--resources GPU=1``).
    """
    if scheduler is None:
        return WorkerPoolExecutor(resolve_n_jobs(n_jobs), max_eval_time=max_eval_time,
                                  memory_limit=memory_limit, gpus=visible_gpus(),
                                  needs_gpu=needs_gpu)
    if scheduler == "in-process":
        return InProcessExecutor(max_eval_time=max_eval_time)
    resources = None if needs_gpu is None else (
        lambda genome: {"GPU": 1} if needs_gpu(genome) else None)
    return DaskExecutor(scheduler, max_eval_time=max_eval_time, resources=resources)


__all__ = ["DaskExecutor", "Executor", "InProcessExecutor", "WorkerPoolExecutor",
           "candidate_deadline", "make_executor", "refit_threads", "resolve_n_jobs",
           "run_limited", "visible_gpus", "worker_threads"]
