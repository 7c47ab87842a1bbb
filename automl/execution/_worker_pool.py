"""Local worker processes that hold the data and can be stopped at any moment.

Each worker is a fresh interpreter (see ``_worker``) that loads the evaluation function, data
included, once; then each candidate costs one small message each way. A candidate past its own
deadline or the search deadline is stopped by ending its worker, which is replaced when work
remains. A worker that dies (killed, crashed in native code) costs only its current candidate.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import NamedTuple

import cloudpickle

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from automl.evaluation import Status
from automl.execution._base import Executor, candidate_deadline, earliest

#: Seconds a candidate may run past its deadline to stop by itself (between folds) before its
#: worker is ended; a cooperative stop keeps the folds already scored.
GRACE_SECONDS = 0.25


#: Payload files are ``automl-payload-<random>.pkl`` in the temporary folder; the pool that
#: wrote one holds a shared ``flock`` on it for as long as it uses it.
PAYLOAD_PREFIX = "automl-payload-"
#: A payload file younger than this is never swept: its pool may not hold the lock yet.
SWEEP_AFTER_SECONDS = 60.0


def remove_orphaned_payloads() -> None:
    """Deletes the payload files no live pool holds. ``close`` removes a pool's own file, but
    a search killed with SIGKILL never runs it; the kernel then drops its lock, so the next
    pool's sweep can take an exclusive lock and delete the file (locks hold across processes
    of every container sharing the folder, where process ids would not)."""
    if fcntl is None:
        return  # no flock (Windows): payloads are only removed by close
    now = time.time()
    for path in Path(tempfile.gettempdir()).glob(f"{PAYLOAD_PREFIX}*.pkl"):
        try:
            if now - path.stat().st_mtime < SWEEP_AFTER_SECONDS:
                continue
            with open(path, "rb") as file:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a pool holds it
                path.unlink()
        except OSError:
            continue  # held by a live pool, another user's, or already gone


def worker_threads(n_workers: int) -> int:
    """Threads (BLAS, OpenMP) each of ``n_workers`` local workers gets: an equal share of the
    cores."""
    return max(1, (os.cpu_count() or 1) // n_workers)


class _Task(NamedTuple):
    """What a worker runs: ``ticket``'s item until ``deadline``, started (``time.monotonic()``)
    at ``started`` under ``max_eval_time``."""

    ticket: int
    deadline: float | None
    max_eval_time: float | None
    started: float


class _Worker:
    """One worker process and the connection to it; ``gpu`` is the GPU it owns, if any."""

    def __init__(self, payload: Path, memory_limit: int | None, threads: int, name: str,
                 gpu: str | None):
        parent, child = socket.socketpair()
        command = [sys.executable, "-m", "automl.execution._worker", str(child.fileno()),
                   str(payload), str(memory_limit or 0), str(threads)]
        # The parent's import path, as multiprocessing's spawn passes it: a block defined in
        # the user's own modules imports in the worker too.
        path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
        environment = {**os.environ, "PYTHONPATH": path, "AUTOML_WORKER": name,
                       # a CPU worker sees no GPU, so it never takes GPU memory
                       "CUDA_VISIBLE_DEVICES": "" if gpu is None else gpu}
        self.process = subprocess.Popen(command, pass_fds=(child.fileno(),), env=environment)
        child.close()
        self.connection = Connection(parent.detach())
        self.name = name
        self.gpu = gpu
        self.ready = False  # True once it has loaded the payload
        self.task: _Task | None = None
        self.task_sent_at = 0.0  # wall clock (time.time()) when the task was sent

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            try:
                self.connection.send(None)
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                kill = True
        if kill:
            self.process.kill()
            self.process.wait()
        self.connection.close()

    def death_reason(self) -> str:
        code = self.process.wait()
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (out of memory, or killed)" if name == "SIGKILL" else ""
            return f"the worker process was killed by {name}{hint}"
        return f"the worker process exited with code {code}"


class WorkerPoolExecutor(Executor):
    """Evaluates candidates in ``n_workers`` local processes.

    GPU placement: the first ``len(gpus)`` workers each own one GPU (``CUDA_VISIBLE_DEVICES``),
    the others see none. Items for which ``needs_gpu`` holds run on GPU workers only; GPU workers
    take other items only while no GPU item waits. Without GPUs every item runs anywhere.

    Args:
        n_workers: processes evaluating candidates at once.
        max_eval_time: seconds one candidate may take (``None``: no limit).
        memory_limit: bytes of memory (heap and mappings) per worker; an allocation beyond it
            fails, and the candidate is recorded as out of memory (also when native code
            aborts on it). Some native code (OpenBLAS) spins instead of failing: give
            ``max_eval_time`` too, so that such a candidate is stopped.
        gpus: GPU ids to hand out, one per worker (see ``visible_gpus``).
        needs_gpu: ``item -> bool``; ``None``: no item needs one.
    """

    def __init__(self, n_workers: int, *, max_eval_time: float | None = None,
                 memory_limit: int | None = None, gpus=(), needs_gpu=None):
        self.n_workers = n_workers
        self.max_eval_time = max_eval_time
        self.memory_limit = memory_limit
        self.gpus = list(gpus)[:n_workers]
        self.needs_gpu = needs_gpu if self.gpus else None
        self.replaced_workers = 0
        self._workers: list[_Worker] = []
        self._fn = None
        self._failure = None
        self._payload: Path | None = None
        self._payload_file = None  # held open with its lock while the payload is in use
        self._spawned = 0
        self._tickets = 0
        self._queue: deque[int] = deque()
        self._submitted: dict[int, tuple[object, float | None]] = {}  # ticket -> item, deadline
        self._failed_starts = 0

    @property
    def capacity(self) -> int:
        return self.n_workers

    @property
    def pending(self) -> int:
        return len(self._submitted)

    def _spawn(self) -> _Worker:
        owned = {worker.gpu for worker in self._workers}
        gpu = next((g for g in self.gpus if g not in owned), None)
        threads = worker_threads(self.n_workers)
        self._spawned += 1
        name = f"worker-{self._spawned}" + (f"-gpu{gpu}" if gpu is not None else "")
        return _Worker(self._payload, self.memory_limit, threads, name, gpu)

    def start(self, fn, *, failure=None):
        self._failure = failure
        if fn is self._fn:
            return
        self.close()
        remove_orphaned_payloads()
        handle, path = tempfile.mkstemp(prefix=PAYLOAD_PREFIX, suffix=".pkl")
        self._payload_file = os.fdopen(handle, "wb")  # open, so that its lock lasts
        if fcntl is not None:
            fcntl.flock(self._payload_file, fcntl.LOCK_SH)  # see remove_orphaned_payloads
        cloudpickle.dump(fn, self._payload_file)  # by value for anything defined in __main__
        self._payload_file.flush()
        self._fn, self._payload = fn, Path(path)
        for _ in range(self.n_workers):
            self._workers.append(self._spawn())

    def submit(self, item, *, deadline=None):
        self._tickets += 1
        self._submitted[self._tickets] = (item, deadline)
        self._queue.append(self._tickets)
        return self._tickets

    def tighten(self, *, deadline, max_eval_time):
        for ticket, (item, submitted) in self._submitted.items():
            self._submitted[ticket] = (item, earliest(submitted, deadline))
        for worker in self._workers:
            task = worker.task
            if task is None:
                continue
            # A limit given at the start holds, even where the one learnt since is shorter.
            learnt = task.max_eval_time is None and max_eval_time is not None
            own_limit = task.started + max_eval_time if learnt else None
            # The worker keeps the deadline it was sent, so it cannot stop itself between
            # folds at the new one: it is ended then (its folds scored so far are lost).
            worker.task = task._replace(
                deadline=earliest(task.deadline, deadline, own_limit),
                max_eval_time=max_eval_time if learnt else task.max_eval_time)

    def _retire(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        self._workers.remove(worker)
        self.replaced_workers += 1

    def _next_ticket(self, worker: _Worker) -> int | None:
        """The first queued item this worker may run, taken off the queue."""
        if self.needs_gpu is None:
            return self._queue.popleft() if self._queue else None
        gpu_tickets = [t for t in self._queue if self.needs_gpu(self._submitted[t][0])]
        if worker.gpu is not None and gpu_tickets:
            chosen = gpu_tickets[0]
        else:
            chosen = next((t for t in self._queue if t not in set(gpu_tickets)), None)
        if chosen is not None:
            self._queue.remove(chosen)
        return chosen

    def collect(self):
        done: list[tuple[int, object]] = []

        def finish(ticket: int, result) -> None:
            self._submitted.pop(ticket)
            done.append((ticket, result))

        def fail(ticket: int, status: Status, reason: str, worker: _Worker | None = None) -> None:
            item = self._submitted[ticket][0]
            where = {} if worker is None else {"worker": worker.name,
                                               "started_at": worker.task_sent_at}
            finish(ticket, self._failure(item, status, reason, **where) if self._failure
                   else None)

        while not done and self._submitted:
            now = time.monotonic()
            for ticket in [t for t in self._queue if self._submitted[t][1] is not None
                           and self._submitted[t][1] <= now]:
                self._queue.remove(ticket)
                finish(ticket, None)  # not started before its deadline: no result, no trial
            while len(self._workers) < self.n_workers and self._queue:
                self._workers.append(self._spawn())
            for worker in self._workers:
                if worker.ready and worker.task is None and self._queue:
                    ticket = self._next_ticket(worker)
                    if ticket is None:
                        continue
                    item, deadline = self._submitted[ticket]
                    own = candidate_deadline(deadline, self.max_eval_time)
                    worker.connection.send((ticket, item, own))
                    worker.task = _Task(ticket, own, self.max_eval_time, time.monotonic())
                    worker.task_sent_at = time.time()
            busy = [w for w in self._workers if w.task is not None]
            watched = busy + [w for w in self._workers if not w.ready and self._queue]
            if not watched:
                continue
            limits = [w.task.deadline + GRACE_SECONDS for w in busy
                      if w.task.deadline is not None]
            limits += [self._submitted[t][1] for t in self._queue
                       if self._submitted[t][1] is not None]
            timeout = None if not limits else max(min(limits) - time.monotonic(), 0)
            ready = wait([w.connection for w in watched], timeout)
            for worker in watched:
                if worker.connection in ready:
                    try:
                        message = worker.connection.recv()
                    except (EOFError, OSError):
                        self._handle_death(worker, fail)
                        continue
                    if message == "ready":
                        worker.ready = True
                        self._failed_starts = 0
                        continue
                    ticket, (kind, value) = message
                    if kind == "ok":
                        finish(ticket, value)
                    else:
                        fail(ticket, Status.OUT_OF_MEMORY if kind == "oom" else Status.FAILED,
                             value, worker)
                    worker.task = None
                elif worker.task is not None and worker.task.deadline is not None and (
                        time.monotonic() >= worker.task.deadline + GRACE_SECONDS):
                    ticket, limit, seconds, _ = worker.task
                    search_deadline = self._submitted[ticket][1]
                    past_search = search_deadline is not None and limit >= search_deadline
                    reason = ("stopped at the search deadline" if past_search else
                              f"stopped after max_eval_time={seconds:g} s")
                    fail(ticket, Status.TIMEOUT, reason, worker)
                    self._retire(worker)
        return done

    def _handle_death(self, worker: _Worker, fail) -> None:
        reason = worker.death_reason()
        if worker.task is not None:
            # Under memory_limit, C++ code (TensorFlow's std::bad_alloc) aborts the worker
            # instead of raising MemoryError.
            if self.memory_limit and worker.process.returncode == -signal.SIGABRT:
                fail(worker.task.ticket, Status.OUT_OF_MEMORY,
                     f"{reason}: most likely over memory_limit ({self.memory_limit} bytes)",
                     worker)
            else:
                fail(worker.task.ticket, Status.FAILED, reason, worker)
        elif not worker.ready:
            self._failed_starts += 1
            if self._failed_starts >= 2:  # e.g. the payload cannot be imported
                for ticket in list(self._queue):
                    fail(ticket, Status.FAILED, f"workers fail to start: {reason} (their error "
                                                "is printed above)")
                self._queue.clear()
        self._retire(worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop(kill=worker.task is not None)
        self._workers = []
        if self._payload is not None:
            self._payload.unlink(missing_ok=True)
            self._payload_file.close()
            self._payload = self._payload_file = None
        self._fn = None
        self._queue.clear()
        self._submitted.clear()
