"""Evaluation on a Dask ``distributed`` cluster.

The evaluation function, data included, is scattered to every worker once; each candidate is
one small task. At the search deadline (or at a limit learnt after a task was submitted
without one), unfinished tasks are cancelled and recorded as timed out. Limits inside a task
are cooperative (between folds): Dask cannot stop a running task, but its nanny restarts a
worker that exceeds the worker's own ``memory_limit``.
"""

from __future__ import annotations

import time

from automl.evaluation import Status, describe_error
from automl.execution._base import Executor, earliest, run_limited


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
        self._failure = None
        self._tickets = 0
        # ticket -> (item, deadline, future, submitted at, its max_eval_time)
        self._futures: dict[int, tuple] = {}
        self._ready: list[tuple[int, object]] = []

    def _has_gpu_workers(self) -> bool:
        workers = self.client.scheduler_info().get("workers", {}).values()
        return any(worker.get("resources", {}).get("GPU", 0) > 0 for worker in workers)

    @property
    def capacity(self) -> int:
        workers = self.client.scheduler_info().get("workers", {}).values()
        return max(sum(worker.get("nthreads", 1) for worker in workers), 1)

    @property
    def pending(self) -> int:
        return len(self._futures) + len(self._ready)

    def start(self, fn, *, failure=None):
        self._failure = failure
        if fn is not self._fn:
            self._fn = fn
            self._scattered = self.client.scatter(fn, broadcast=True, hash=False)

    def submit(self, item, *, deadline=None):
        self._tickets += 1
        if deadline is not None and time.monotonic() >= deadline:
            self._ready.append((self._tickets, None))
            return self._tickets
        future = self.client.submit(
            run_limited, self._scattered, item, deadline, self.max_eval_time, pure=False,
            resources=self.resources(item) if self.resources else None)
        self._futures[self._tickets] = (item, deadline, future, time.monotonic(),
                                        self.max_eval_time)
        return self._tickets

    def _fail(self, item, status, reason):
        return self._failure(item, status, reason) if self._failure else None

    def tighten(self, *, deadline, max_eval_time):
        # A task's start is not known here: a limit learnt since it was submitted (without
        # one) counts from then. One submitted with a limit stops itself by it, between folds.
        for ticket, (item, submitted, future, since, limit) in self._futures.items():
            own = since + max_eval_time if limit is None and max_eval_time is not None else None
            self._futures[ticket] = (item, earliest(submitted, deadline, own), future, since,
                                     limit)

    def collect(self):
        from distributed import wait

        if self._ready:
            done, self._ready = self._ready, []
            return done
        deadlines = [d for _, d, *_ in self._futures.values() if d is not None]
        timeout = None if not deadlines else max(min(deadlines) - time.monotonic(), 0.0)
        try:
            wait([f for _, _, f, *_ in self._futures.values()], timeout=timeout,
                 return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        done = []
        now = time.monotonic()
        for ticket, (item, deadline, future, *_) in list(self._futures.items()):
            if future.status == "finished":
                result = future.result()
            elif future.status == "error":
                error = future.exception()
                status = Status.OUT_OF_MEMORY if isinstance(error, MemoryError) else Status.FAILED
                result = self._fail(item, status, describe_error(error))
            elif deadline is not None and now >= deadline:
                future.cancel()
                result = self._fail(item, Status.TIMEOUT,
                                    "stopped at its deadline (the search's, or max_eval_time)")
            else:
                continue
            del self._futures[ticket]
            done.append((ticket, result))
        return done

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
