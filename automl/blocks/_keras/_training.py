"""How every Keras network trains: its settings, its validation split and one training run.

``KerasNetwork`` and ``MultiIONetwork`` both hold out the tail of a seeded shuffle of the rows
(``split_rows``) and train with early stopping on it, stopping at the candidate's deadline
(``compile_and_fit``); what they train on and which losses differ, so each builds its own model
and targets.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from automl.blocks._keras._schedules import SCHEDULES, range_test, schedule_callback
from automl.blocks._keras._tensorflow import import_keras, network_training
from automl.hyperparameters import Choice, Float, Int
from automl.runtime import training_deadline

#: How every network trains; part of each Keras block's space. ``learning_rate`` is the
#: (peak) rate unless ``lr_policy`` is the range test's; ``lr_cycles`` counts the cycles of
#: the cyclical schedules, ``snapshots`` the last cycles of warm restarts averaged at
#: prediction (1: none). See ``_schedules``.
TRAINING_SPACE = {
    "optimizer": Choice(("adam", "adamw", "rmsprop"), default="adam"),
    "learning_rate": Float(1e-4, 1e-2, log=True, default=1e-3),
    "batch_size": Choice((16, 32, 64, 128, 256), default=32),
    "max_epochs": Int(10, 300, log=True, default=100),
    "lr_policy": Choice(("searched", "range_test"), default="searched"),
    "lr_schedule": Choice(SCHEDULES, default="constant"),
    "lr_cycles": Int(2, 6, default=3),
    "snapshots": Int(1, 4, default=1),
}
TRAINING_KEYS = tuple(TRAINING_SPACE)
#: Epochs without improvement of the validation loss before training stops (best weights kept).
PATIENCE = 8
VALIDATION_FRACTION = 0.15
#: Fewer rows than this train without validation rows (a handful would only add noise).
MIN_ROWS_TO_VALIDATE = 20
#: Training steps run per call into TensorFlow: on small networks the Python round trip of
#: each batch costs as much as the batch itself (``benchmarks/network_cost.py``). Callbacks
#: (the schedule, the deadline) then act every this many steps.
STEPS_PER_EXECUTION = 8


def _stop_at(deadline: float):
    keras = import_keras()

    class StopAtDeadline(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if time.monotonic() >= deadline:
                self.model.stop_training = True

    return StopAtDeadline()


def training_callbacks(validate: bool, patience: int | None = PATIENCE) -> list:
    """Early stopping on the validation loss (the training loss without validation rows), best
    weights kept (``patience=None``: neither); and a stop at the candidate's deadline when one
    is set (max_eval_time, the search deadline), checked after every batch."""
    keras = import_keras()
    callbacks = [] if patience is None else [keras.callbacks.EarlyStopping(
        monitor="val_loss" if validate else "loss", patience=patience,
        restore_best_weights=True)]
    deadline = training_deadline()
    if deadline is not None:
        callbacks.append(_stop_at(deadline))
    return callbacks


def make_optimizer(name: str, learning_rate: float):
    """A new Keras optimizer.

    Args:
        name: one of ``TRAINING_SPACE["optimizer"]``'s values.
        learning_rate: its learning rate.
    """
    keras = import_keras()
    classes = {"adam": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW,
               "rmsprop": keras.optimizers.RMSprop}
    return classes[name](learning_rate=learning_rate)


@dataclass(frozen=True)
class ValidationSplit:
    """Which rows a network trains on and which it validates on, both in shuffled order.

    Attributes:
        train: the indices of the training rows.
        held_out: the indices of the validation rows (empty when there are too few rows).
    """

    train: np.ndarray
    held_out: np.ndarray

    @property
    def validate(self) -> bool:
        """Whether training stops early on validation rows (else on the training loss)."""
        return len(self.held_out) > 0


def split_rows(n_rows: int, seed: int) -> ValidationSplit:
    """Shuffles ``n_rows`` rows with ``seed`` and holds out the last ``VALIDATION_FRACTION`` of
    them for validation, when there are at least ``MIN_ROWS_TO_VALIDATE``.

    The same seed always holds out the same rows, so a candidate's score is reproducible.
    """
    order = np.random.default_rng(seed).permutation(n_rows)  # the tail validates
    held = int(n_rows * VALIDATION_FRACTION) if n_rows >= MIN_ROWS_TO_VALIDATE else 0
    return ValidationSplit(order[:n_rows - held], order[n_rows - held:])


@network_training()
def compile_and_fit(model, inputs, targets, validation: tuple | None, *, train_rows: int,
                    loss, optimizer: str, learning_rate: float, batch_size: int,
                    max_epochs: int, lr_policy: str = "searched", lr_schedule: str = "constant",
                    lr_cycles: int = 3, snapshots: int = 1, range_key: str | None = None,
                    **compile_options) -> tuple[int, list]:
    """Compiles ``model`` and trains it with early stopping and the candidate's deadline (see
    ``training_callbacks``), its learning rate on the schedule asked for.

    Args:
        model: the Keras model to train.
        inputs, targets: the training rows, as ``model.fit`` takes them.
        validation: ``(inputs, targets)`` of the validation rows, or ``None`` to stop on the
            training loss.
        train_rows: how many training rows there are (a batch holds at most that many).
        loss: the loss, or one per output.
        optimizer, learning_rate, batch_size, max_epochs, lr_policy, lr_schedule, lr_cycles,
            snapshots: the training settings (``TRAINING_SPACE``).
        range_key: names the candidate, so its folds share one range test.
        **compile_options: further arguments of ``model.compile`` (``run_eagerly``, …).

    Returns:
        The number of epochs trained, and the snapshots' weights (more than one only for
        a snapshot ensemble: the caller averages them).
    """
    batch_size = min(batch_size, train_rows)
    if lr_policy == "range_test":
        model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss,
                      **compile_options)
        learning_rate = range_test(model, inputs, targets, batch_size=batch_size,
                                   training_steps=max_epochs * -(-train_rows // batch_size),
                                   fallback=learning_rate, key=range_key)
    model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss=loss,
                  steps_per_execution=STEPS_PER_EXECUTION, **compile_options)
    # A schedule sets the training's length: no early stop; the best epoch's weights are kept,
    # except in a snapshot ensemble, which is its last cycles.
    schedule, patience = None, PATIENCE
    if lr_schedule != "constant":
        schedule = schedule_callback(lr_schedule, learning_rate, lr_cycles, snapshots,
                                     max_epochs, -(-train_rows // batch_size),
                                     training_deadline())
        patience = None if lr_schedule == "cosine_restarts" and snapshots > 1 else max_epochs
    callbacks = [schedule] if schedule is not None else []
    callbacks += training_callbacks(validation is not None, patience)
    history = model.fit(inputs, targets, epochs=max_epochs, batch_size=batch_size, verbose=0,
                        validation_data=validation, callbacks=callbacks)
    kept = schedule.snapshots if schedule is not None else []
    return len(history.history["loss"]), kept if len(kept) > 1 else []
