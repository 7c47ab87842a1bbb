"""TensorFlow, Keras and AutoKeras, imported on first use.

Importing TensorFlow takes seconds and claims the GPU, so nothing imports it before a network
is built, fitted or unpickled: every user asks ``import_keras()`` at that moment.
``network_training`` keeps a long-lived process's TensorFlow state from growing with every
network it trains.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager

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
    """A new AutoKeras block, or one of ours built the same way (``_real_mlp.OWN_BLOCKS``).

    Args:
        name: the block class name (``"DenseBlock"``, ``"RealMLPBlock"``).
        scope: the block's name, which prefixes its hyperparameters (``scope/units_0``).
        options: arguments of the block's constructor (``pretrained=False``).

    Returns:
        The unbuilt block.
    """
    from automl.blocks._keras._real_mlp import OWN_BLOCKS

    if name in OWN_BLOCKS:
        return OWN_BLOCKS[name](name=scope, **(options or {}))
    import autokeras

    return getattr(autokeras, name)(name=scope, **(options or {}))


#: Prefix of the names under which ``tf.custom_gradient`` registers each traced gradient.
_CUSTOM_GRADIENT = "CustomGradient-"
_TRAINING_LOCK = threading.Lock()
_TRAININGS_RUNNING = 0
_GRADIENTS_BEFORE: set = set()


def _gradient_registry() -> dict:
    """TensorFlow's registry of gradient functions by op type (private: empty if it moved)."""
    from tensorflow.python.framework import ops

    registry = getattr(ops, "gradient_registry", None)
    return getattr(registry, "_registry", None) or {}


@contextmanager
def network_training():
    """Around one network's training: the networks that died since the last one are freed
    first, and afterwards the gradient functions its traced train step registered go.

    Each traced train step registers ``tf.custom_gradient`` functions in a registry that is
    never emptied, and they hold the step's whole graph: about 9,000 Python objects a network,
    kept for the life of the process. Dead networks are cyclic garbage, and freeing many at
    once costs far more than one at a time (25 together took 15-46 s on a CPU, one 0.03 s): left
    to the garbage collector, such a pause fell inside a later network's training and ran it
    past its deadline. A train step needs its gradients only while it is traced, so once no
    training runs in the process, the ones registered since the first of them began go.
    """
    global _TRAININGS_RUNNING, _GRADIENTS_BEFORE
    with _TRAINING_LOCK:
        if _TRAININGS_RUNNING == 0:
            gc.collect()
            _GRADIENTS_BEFORE = set(_gradient_registry())
        _TRAININGS_RUNNING += 1
    try:
        yield
    finally:
        with _TRAINING_LOCK:
            _TRAININGS_RUNNING -= 1
            if _TRAININGS_RUNNING == 0:
                registry = _gradient_registry()
                for name in set(registry) - _GRADIENTS_BEFORE:
                    if name.startswith(_CUSTOM_GRADIENT):
                        del registry[name]
