"""Which GPUs this machine has, found without importing TensorFlow (the parent of the
workers must not initialise CUDA)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def visible_gpus() -> list[str]:
    """GPU ids a worker may be given through ``CUDA_VISIBLE_DEVICES``; empty without a GPU."""
    declared = os.environ.get("CUDA_VISIBLE_DEVICES")
    if declared is not None:
        return [gpu.strip() for gpu in declared.split(",") if gpu.strip() not in ("", "-1")]
    driver = Path("/proc/driver/nvidia/gpus")
    if driver.is_dir():
        return [str(i) for i in range(len(list(driver.iterdir())))]
    if shutil.which("nvidia-smi"):
        try:
            listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                                     timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return []
        return [str(i) for i, line in enumerate(listing.splitlines()) if line.startswith("GPU")]
    return []
