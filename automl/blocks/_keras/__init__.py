"""Keras networks as scikit-learn estimators, built from AutoKeras blocks with our values.

An AutoKeras block declares its search space define-by-run through a ``keras_tuner``
``HyperParameters`` object. ``capture_space`` records that space completely (conditional
hyperparameters included, by rebuilding until no new one appears), so each Keras block can
freeze it in its own file as fixed hyperparameters, and a test checks the frozen copy against
AutoKeras. ``KerasNetwork`` then builds the block with the genome's values pre-set in a
``HyperParameters`` object, adds our own head (AutoKeras 3.0's heads crash on Keras 3.15), and
trains with early stopping on a validation split.

TensorFlow is imported only when a network is built, fitted or unpickled.

Modules: ``_tensorflow`` (lazy imports, TensorFlow's state between trainings),
``_space_capture`` (capturing and freezing AutoKeras spaces), ``_training`` (training
settings, validation split, one training run),
``_schedules`` (learning-rate schedules, the range test, snapshot ensembles), ``_pickling``
and ``_network`` (``KerasNetwork``). This package only re-exports them.
"""

from automl.blocks._keras._network import KerasNetwork
from automl.blocks._keras._pickling import PicklesKerasModel
from automl.blocks._keras._schedules import SCHEDULES, averaged, range_test, rate_at
from automl.blocks._keras._space_capture import CLEAR_EVERY, capture_space, frozen_space
from automl.blocks._keras._tensorflow import autokeras_block, import_keras
from automl.blocks._keras._training import (
    MIN_ROWS_TO_VALIDATE,
    PATIENCE,
    TRAINING_KEYS,
    TRAINING_SPACE,
    VALIDATION_FRACTION,
    ValidationSplit,
    compile_and_fit,
    make_optimizer,
    split_rows,
    training_callbacks,
)

__all__ = [
    "CLEAR_EVERY",
    "MIN_ROWS_TO_VALIDATE",
    "PATIENCE",
    "SCHEDULES",
    "TRAINING_KEYS",
    "TRAINING_SPACE",
    "VALIDATION_FRACTION",
    "KerasNetwork",
    "PicklesKerasModel",
    "ValidationSplit",
    "autokeras_block",
    "averaged",
    "capture_space",
    "compile_and_fit",
    "frozen_space",
    "import_keras",
    "make_optimizer",
    "range_test",
    "rate_at",
    "split_rows",
    "training_callbacks",
]
