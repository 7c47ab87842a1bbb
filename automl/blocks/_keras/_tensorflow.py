"""TensorFlow, Keras and AutoKeras, imported on first use.

Importing TensorFlow takes seconds and claims the GPU, so nothing imports it before a network
is built, fitted or unpickled: every user asks ``import_keras()`` at that moment.
"""

from __future__ import annotations

import os

_GPUS_CONFIGURED = False


def import_keras():
    """Keras, with TensorFlow imported quietly and its GPUs set to take memory as needed.

    Returns:
        The ``keras`` module.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    # Candidates are fitted and scored many times: retracing notices are expected, not news.
    tf.get_logger().setLevel("ERROR")
    global _GPUS_CONFIGURED
    if not _GPUS_CONFIGURED:
        # Take GPU memory as needed, not all of it at once: a worker's GPU then fits several
        # small networks in turn, and a user's own TensorFlow work in this process still runs.
        for gpu in tf.config.list_physical_devices("GPU"):
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # the GPU was initialised before us: leave it as it is
                pass
        _GPUS_CONFIGURED = True
    return keras


def autokeras_block(name: str, scope: str, options: dict | None = None):
    """A new AutoKeras block.

    Args:
        name: the AutoKeras block class name (``"DenseBlock"``).
        scope: the block's name, which prefixes its hyperparameters (``scope/units_0``).
        options: arguments of the block's constructor (``pretrained=False``).

    Returns:
        The unbuilt block.
    """
    import autokeras

    return getattr(autokeras, name)(name=scope, **(options or {}))
