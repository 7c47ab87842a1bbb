"""A deadline brought forward reaches the candidates already running (real worker processes,
a real Dask cluster): the search keeps more time for its refit than when they started, or has
learnt a limit its first candidates started without."""

import time

import distributed

from automl.evaluation import Status
from automl.execution import DaskExecutor, WorkerPoolExecutor

# By value (cloudpickle), so that the workers need not import this test module.
nap = lambda seconds, deadline=None: (time.sleep(seconds), seconds)[1]  # noqa: E731


def failure(item, status, reason, **where):
    return status, reason


def run_quick_then_tighten(executor, nap_for=30, **tighten):
    """Starts a quick and a long nap; once the quick one is back, tightens the long one's
    deadline and returns ``(its result, seconds it ran after the tightening)``."""
    executor.start(nap, failure=failure)
    # Handed out in order: the long nap runs by the time the quick one is back.
    slow, quick = executor.submit(nap_for), executor.submit(0.1)
    first = executor.collect()
    assert [ticket for ticket, _ in first] == [quick]
    tightened = time.monotonic()
    executor.tighten(**tighten)
    results = dict(executor.collect())
    return results[slow], time.monotonic() - tightened


def test_a_running_candidate_stops_at_a_limit_learnt_after_it_started():
    with WorkerPoolExecutor(2) as pool:
        (status, reason), after = run_quick_then_tighten(pool, deadline=None, max_eval_time=1)
    assert status is Status.TIMEOUT
    assert reason == "stopped after max_eval_time=1 s"
    assert after < 10  # not the 30 s it would have slept


def test_a_running_candidate_stops_at_a_search_deadline_brought_forward():
    with WorkerPoolExecutor(2) as pool:
        (status, reason), after = run_quick_then_tighten(
            pool, deadline=time.monotonic() + 1, max_eval_time=None)
    assert (status, reason) == (Status.TIMEOUT, "stopped at the search deadline")
    assert after < 10


def test_a_limit_given_at_the_start_holds_when_a_shorter_one_is_learnt():
    # The limit is a quarter of the budget or 3 times the best fit: it shrinks when a faster
    # trial becomes the best, and a forest started under the longer one keeps it.
    with WorkerPoolExecutor(2) as pool:
        pool.max_eval_time = 60
        result, _ = run_quick_then_tighten(pool, deadline=None, max_eval_time=0.5, nap_for=3)
    assert result == 3


def test_a_deadline_is_never_moved_back():
    with WorkerPoolExecutor(1) as pool:
        pool.start(nap, failure=failure)
        pool.submit(0.1)
        pool.collect()  # the worker is up
        ticket = pool.submit(30, deadline=time.monotonic() + 1)
        pool.tighten(deadline=time.monotonic() + 3600, max_eval_time=None)
        started = time.monotonic()
        (done, (status, _)), = pool.collect()
    assert done == ticket and status is Status.TIMEOUT and time.monotonic() - started < 10


def test_dask_tasks_stop_at_a_deadline_brought_forward():
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    with cluster, distributed.Client(cluster) as client, DaskExecutor(client) as executor:
        executor.start(nap, failure=failure)
        executor.submit(0.1)
        slow = executor.submit(3)
        executor.collect()
        executor.tighten(deadline=None, max_eval_time=0.5)
        (ticket, (status, _)), = executor.collect()
    assert ticket == slow and status is Status.TIMEOUT
