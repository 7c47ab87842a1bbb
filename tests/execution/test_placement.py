"""GPU-aware placement and worker identity, with real worker processes.

This machine has no GPU: the pool is told to hand out GPU id "0", which only sets
CUDA_VISIBLE_DEVICES in that worker; the placement logic is what is tested.
"""

import numpy as np
import pytest

from automl import AutoModel, ClassificationHead, StructuredDataBlock, StructuredDataInput
from automl.execution import WorkerPoolExecutor, visible_gpus

import fault_blocks  # noqa: F401 - registers GpuModel


def where(item, deadline=None):
    import os

    return item, os.environ["AUTOML_WORKER"], os.environ["CUDA_VISIBLE_DEVICES"]


def test_gpu_items_run_only_on_the_gpu_worker():
    items = [f"gpu-{i}" for i in range(4)] + [f"cpu-{i}" for i in range(6)]
    with WorkerPoolExecutor(2, gpus=["0"], needs_gpu=lambda item: item.startswith("gpu")) as pool:
        results = pool.map(where, items)
    for item, worker, devices in results:
        if item.startswith("gpu"):
            assert worker.endswith("-gpu0") and devices == "0"
        if not worker.endswith("-gpu0"):
            assert devices == ""  # CPU workers see no GPU


@pytest.mark.skipif(bool(visible_gpus()), reason="this host has a GPU: GpuModel would use it")
def test_without_gpus_everything_runs_on_cpu_workers(tmp_path):
    preset = tmp_path / "gpu.toml"
    preset.write_text('[model]\nblocks = ["GpuModel", "LogisticRegression"]\n')
    inp = StructuredDataInput()
    out = ClassificationHead()(StructuredDataBlock(preset=str(preset))(inp))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    model = AutoModel(inputs=inp, outputs=out, max_trials=4, population_size=4, cv=2, n_jobs=2,
                      seed=0, verbose=0).fit(x, (x[:, 0] > 0).astype(int))
    assert {t.genome["model"][0].block for t in model.trials_} == {"GpuModel", "LogisticRegression"}
    assert all(t.ok and t.worker.startswith("worker-") for t in model.trials_)
    assert "worker" in model.leaderboard_.columns


def thread_settings(item, deadline=None):
    import os

    return os.environ["TF_NUM_INTRAOP_THREADS"], os.environ["TF_NUM_INTEROP_THREADS"]


def test_workers_cap_tensorflow_threads_at_their_share_of_the_cores():
    import os

    share = str(max(1, (os.cpu_count() or 1) // 2))
    with WorkerPoolExecutor(2) as pool:
        assert pool.map(thread_settings, range(4)) == [(share, share)] * 4
