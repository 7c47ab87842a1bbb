"""A worker process: ``python -m automl.execution._worker FD PAYLOAD MEMORY THREADS``.

Started as a fresh interpreter, so it inherits no state from the parent (TensorFlow included)
and never re-imports the user's script. It loads the evaluation function, data included, from
the payload file once, says ``"ready"``, then evaluates ``(index, item, deadline)`` messages until it gets
``None``, answering ``(index, (kind, value))`` with kind ``ok``, ``oom`` or ``error``.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import socket
import sys
from multiprocessing.connection import Connection


def _die_with_parent() -> None:
    """On Linux, have the kernel end this worker when its parent dies (even by SIGKILL), so a
    killed search leaves no candidate running on."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def serve(connection: Connection, payload_path: str, memory_limit: int, threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    if memory_limit > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_limit, memory_limit))
    from threadpoolctl import threadpool_limits

    from automl.evaluation import describe_error

    threadpool_limits(threads)  # workers share the cores: no BLAS/OpenMP oversubscription
    # The same for TensorFlow's own pools, read when it starts its first operation (a modest
    # gain, never a loss beyond noise: docs/results.md, TensorFlow threads per worker).
    for variable in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ.setdefault(variable, str(threads))
    with open(payload_path, "rb") as file:
        fn = pickle.load(file)
    connection.send("ready")  # candidates' clocks start only now
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return  # the parent is gone
        if message is None:
            return
        index, item, deadline = message
        try:
            outcome = ("ok", fn(item, deadline=deadline))
        except MemoryError as error:
            outcome = ("oom", describe_error(error))
        except Exception as error:
            outcome = ("error", describe_error(error))
        connection.send((index, outcome))


if __name__ == "__main__":
    descriptor, payload, memory, thread_count = sys.argv[1:5]
    sock = socket.socket(fileno=int(descriptor))
    serve(Connection(sock.detach()), payload, int(memory), int(thread_count))
