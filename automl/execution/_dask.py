"""Evaluation on a Dask ``distributed`` cluster.

The evaluation function, data included, is scattered to every worker once; each candidate is
one small task. At the search deadline, unfinished tasks are cancelled and recorded as timed
out. Limits inside a task are cooperative (between folds): Dask cannot stop a running task, but
its nanny restarts a worker that exceeds the worker's own ``memory_limit``.
"""

from __future__ import annotations

import time

from automl.evaluation import Status, describe_error
from automl.execution._base import Executor, run_limited


class DaskExecutor(Executor):
    """Evaluates candidates as tasks of a Dask cluster.

    Args:
        scheduler: a ``dask.distributed.Client``, or the scheduler's address
            (``"tcp://host:8786"``), for which a client is made and closed with the executor.
        max_eval_time: seconds one candidate may take, enforced between folds.
        resources: ``item -> dict`` of Dask worker resources a task needs (e.g.
            ``{"GPU": 1}`` sends it to workers started with ``--resources GPU=1``).
    """

    def __init__(self, scheduler, *, max_eval_time: float | None = None, resources=None):
        from distributed import Client

        self.max_eval_time = max_eval_time
        self.resources = resources
        self._owns_client = not isinstance(scheduler, Client)
        self.client = Client(scheduler) if self._owns_client else scheduler
        if resources is not None and not self._has_gpu_workers():
            self.resources = None  # no worker offers a GPU: such tasks would never start
        self._fn = None
        self._scattered = None

    def _has_gpu_workers(self) -> bool:
        workers = self.client.scheduler_info().get("workers", {}).values()
        return any(worker.get("resources", {}).get("GPU", 0) > 0 for worker in workers)

    def map(self, fn, items, *, deadline=None, failure=None):
        from distributed import wait

        items = list(items)
        if fn is not self._fn:
            self._fn = fn
            self._scattered = self.client.scatter(fn, broadcast=True, hash=False)
        if deadline is not None and time.monotonic() >= deadline:
            return [None] * len(items)
        futures = [
            self.client.submit(run_limited, self._scattered, item, deadline, self.max_eval_time,
                               pure=False,
                               resources=self.resources(item) if self.resources else None)
            for item in items
        ]
        timeout = None if deadline is None else max(deadline - time.monotonic(), 0.0)
        try:
            wait(futures, timeout=timeout)
        except TimeoutError:
            pass
        results = []
        for item, future in zip(items, futures):
            if future.status == "finished":
                results.append(future.result())
            elif future.status == "error":
                error = future.exception()
                status = Status.OUT_OF_MEMORY if isinstance(error, MemoryError) else Status.FAILED
                results.append(failure(item, status, describe_error(error)) if failure else None)
            else:
                future.cancel()
                results.append(failure(item, Status.TIMEOUT, "stopped at the search deadline")
                               if failure else None)
        return results

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
