"""What a fitted candidate costs to ship: prediction latency for one row and for a batch, and
the bytes of the saved model, measured the same way for every kind of candidate."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import joblib
import numpy as np

#: The costs every trial measures on its first fold (all minimised), by name. Latencies are
#: measured on one thread, wherever the model is (a worker with its share of the cores, or the
#: main process with all of them): one thread per request is how a served model scales, and a
#: trial's latency then compares with its refit model's.
COSTS = {
    "latency_ms": "milliseconds to predict one row alone on one thread (the faster of two calls)",
    "batch_latency_ms": "milliseconds per row to predict a batch of 1,000 rows on one thread",
    "model_size": "bytes of the saved model (joblib; a network's are its .keras file's)",
}
BATCH_ROWS = 1_000
#: Timed single-row calls; the fastest is kept (the first may pay lazy set-up, such as a
#: network's tracing for a new shape; and one call varies by half from one moment to the next
#: on these machines). Few, as every trial pays them: on small tables they cost about what
#: a fit does.
SINGLE_ROW_CALLS = 2


class _ByteCounter(io.RawIOBase):
    """A file that only counts what is written to it."""

    def __init__(self):
        self.written = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:  # joblib pads arrays to an aligned offset, as in a file
        return self.written

    def write(self, data) -> int:
        self.written += len(data)
        return len(data)


def saved_size(model) -> int:
    """Bytes of ``model`` saved with ``joblib.dump`` (held nowhere)."""
    counter = _ByteCounter()
    joblib.dump(model, counter)
    return counter.written


def _seconds(predict: Callable, batch) -> float:
    tic = time.perf_counter()
    predict(batch)
    return time.perf_counter() - tic


def latencies(predict: Callable, take: Callable[[np.ndarray], object], rows: np.ndarray,
              seed: int) -> dict[str, float]:
    """``latency_ms`` and ``batch_latency_ms``: ``predict(batch)`` answers for the rows
    ``take(index)`` returns (raw rows, as a user would pass them); one row and a batch of
    ``BATCH_ROWS`` are drawn from ``rows`` (with repeats when there are fewer)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    one, many = take(rows[:1]), take(rng.choice(rows, BATCH_ROWS))
    with threadpool_limits(1):
        single = min(_seconds(predict, one) for _ in range(SINGLE_ROW_CALLS))
        batch = _seconds(predict, many)
    return {"latency_ms": 1e3 * single, "batch_latency_ms": 1e3 * batch / BATCH_ROWS}


def measure_costs(model, predict: Callable, take: Callable[[np.ndarray], object],
                  rows: np.ndarray, seed: int) -> dict[str, float]:
    """``COSTS`` of a fitted ``model``: its ``latencies`` and ``saved_size``."""
    return {**latencies(predict, take, rows, seed), "model_size": float(saved_size(model))}
