"""Helpers of the tests that run searches in their own processes: a small table, waiting
for stored trials, and ending a search process with its stack shown if it hangs."""

import signal
import subprocess
import time

import numpy as np
import pandas as pd

from automl.trials import TrialStore


def small_table(rows=120, seed=0):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.normal(size=rows),
                      "c": rng.choice(["u", "v", "w"], size=rows)})
    y = (x["a"] + (x["c"] == "u") + rng.normal(scale=0.5, size=rows) > 0.5).astype(int)
    return x, y


def wait_for_trials(tmp_path, process, count, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (tmp_path / "p" / "trials.sqlite").is_file():
            with TrialStore(tmp_path / "p") as store:
                if store.count() >= count:
                    return
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} trials after {timeout} s")


def finish(process, timeout) -> str:
    """The search's output once it exits; if it does not within ``timeout``, fails with its
    stack (faulthandler) and the end of its output."""
    try:
        return process.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        process.kill()
        output = process.communicate()[0]
        raise AssertionError(f"the search did not end within {timeout} s:\n{output[-6000:]}") from None
