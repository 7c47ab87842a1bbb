"""How a network's learning rate moves while it trains, and how its peak is chosen.

Schedules (searched, ``TRAINING_SPACE["lr_schedule"]``): constant; triangular cyclical (Smith
2017, "Cyclical learning rates for training neural networks"); one-cycle (Smith & Topin 2018,
"Super-convergence"); cosine annealing with warm restarts (Loshchilov & Hutter 2017, "SGDR").
Each is a function of the training's *progress* in [0, 1]: the larger of the epochs done over
``max_epochs`` and the time spent over the time the fit has (its deadline), so a schedule
stopped by the deadline at epoch 8 of 30 has still annealed. With warm restarts the weights at
the end of each of the last ``snapshots`` cycles are kept (Huang et al. 2017, "Snapshot
ensembles"), to be averaged at prediction.

The peak rate is the searched ``learning_rate``, or the learning-rate range test's (Smith
2017): a short sweep of exponentially rising rates, the loss smoothed, the rate at its minimum
over ``RANGE_TEST_DIVISOR`` (Smith's "minimum over ten"), or the searched rate when the loss
did not fall during the sweep.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

import numpy as np

from automl.blocks._keras._tensorflow import import_keras
from automl.runtime import training_deadline

SCHEDULES = ("constant", "triangular", "one_cycle", "cosine_restarts")
#: The low end of the triangle, as a fraction of its peak (Smith: a third to a quarter).
TRIANGLE_FLOOR = 0.25
#: One-cycle: the share of progress spent warming up, the start (peak over this) and the end
#: (peak over this) of the cycle (Smith & Topin; fast.ai's defaults).
WARM_UP, ONE_CYCLE_START, ONE_CYCLE_END = 0.3, 25.0, 1e4
#: Warm restarts anneal each cycle down to the peak over this.
RESTART_FLOOR = 1e3
#: Range test: the rates swept (log-uniformly), steps at most, the loss's smoothing, the
#: divergence that ends the sweep (smoothed loss over its minimum) and the chosen rate's
#: distance below the minimum's.
RANGE_LOW, RANGE_HIGH, RANGE_STEPS = 1e-6, 1.0, 100
#: ... but no more steps than this share of the training's own (at least ``RANGE_MIN_STEPS``):
#: a test longer than the training it serves would cost more than it saves.
RANGE_SHARE, RANGE_MIN_STEPS = 0.2, 10
RANGE_SMOOTHING, RANGE_DIVERGENCE, RANGE_TEST_DIVISOR = 0.9, 4.0, 10.0
#: The least fall of the smoothed loss below its start that the sweep must show for its curve
#: to choose the rate (else the searched rate is kept): on a flat, noisy curve the minimum is
#: noise, and once sat at the sweep's first, useless rate (1e-7).
RANGE_MIN_DROP = 0.1
#: Range tests remembered in a process: the folds of one candidate share the first one's.
RANGE_TESTS_KEPT = 32
_range_tests: OrderedDict[str, float] = OrderedDict()


def rate_at(schedule: str, progress: float, peak: float, cycles: int) -> float:
    """The learning rate ``schedule`` asks for at ``progress`` (in [0, 1]) of the training,
    for the peak rate ``peak`` and ``cycles`` cycles (triangular, cosine_restarts)."""
    progress = min(max(progress, 0.0), 1.0)
    if schedule == "constant":
        return peak
    if schedule == "one_cycle":
        start, end = peak / ONE_CYCLE_START, peak / ONE_CYCLE_END
        if progress < WARM_UP:
            return start + (peak - start) * (1 - math.cos(math.pi * progress / WARM_UP)) / 2
        tail = (progress - WARM_UP) / (1 - WARM_UP)
        return end + (peak - end) * (1 + math.cos(math.pi * tail)) / 2
    position = min(progress * cycles, cycles - 1e-9) % 1.0  # within the current cycle
    if schedule == "triangular":
        low = peak * TRIANGLE_FLOOR
        return low + (peak - low) * (1 - abs(2 * position - 1))
    if schedule == "cosine_restarts":
        low = peak / RESTART_FLOOR
        return low + (peak - low) * (1 + math.cos(math.pi * position)) / 2
    raise ValueError(f"lr_schedule={schedule!r}: choose one of {SCHEDULES}.")


def _set_rate(model, rate: float) -> None:
    model.optimizer.learning_rate.assign(rate)


def schedule_callback(schedule: str, peak: float, cycles: int, snapshots: int,
                      epochs: int, steps_per_epoch: int, deadline: float | None):
    """A Keras callback that sets the rate before every batch and stops the training when the
    schedule ends; ``.snapshots`` holds the weights at the end of the last ``snapshots``
    cycles (cosine_restarts only)."""
    keras = import_keras()
    keep = snapshots if schedule == "cosine_restarts" and snapshots > 1 else 0

    class Schedule(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.snapshots: list = []
            self.started = 0.0  # set when the training begins
            self.epoch = 0
            self.cycle = 0

        def progress(self, batch: int) -> float:
            # With several steps per execution Keras names an execution by its last step,
            # which can lie past the epoch's end.
            done = (self.epoch + min(batch, steps_per_epoch) / steps_per_epoch) / epochs
            if deadline is not None:
                done = max(done, (time.monotonic() - self.started)
                           / max(deadline - self.started, 1e-9))
            return done

        def on_train_begin(self, logs=None):
            self.started = time.monotonic()

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_begin(self, batch, logs=None):
            _set_rate(self.model, rate_at(schedule, self.progress(batch), peak, cycles))

        def on_train_batch_end(self, batch, logs=None):
            progress = self.progress(batch + 1)
            cycle = min(int(progress * cycles + 1e-9), cycles)  # the cycles ended
            if keep and cycle > self.cycle:  # a cycle ended: its weights are a snapshot
                self.snapshots = (self.snapshots + [self.model.get_weights()])[-keep:]
            self.cycle = cycle
            if progress >= 1.0:
                self.model.stop_training = True

    return Schedule()


def range_test(model, inputs, targets, *, batch_size: int, training_steps: int,
               fallback: float, key: str | None = None) -> float:
    """The peak rate for ``model`` (compiled, one step per execution) on these rows by the
    range test; its weights are put back afterwards (compile it again for a fresh optimizer).
    ``training_steps``: the steps the training itself may take. ``fallback``: the rate to use
    when the loss never fell by ``RANGE_MIN_DROP`` during the sweep (nothing to read off the
    curve). ``key`` names the candidate: the folds of one candidate reuse the first fold's
    rate. The sweep stops at the fit's deadline too (the curve so far then decides)."""
    if key is not None and key in _range_tests:
        return _range_tests[key]
    keras = import_keras()
    rows = len(targets[0]) if isinstance(targets, list) else len(targets)
    steps_per_epoch = max(1, -(-rows // batch_size))
    steps = int(np.clip(RANGE_SHARE * training_steps, RANGE_MIN_STEPS, RANGE_STEPS))
    rates = np.geomspace(RANGE_LOW, RANGE_HIGH, steps)
    losses: list[float] = []  # smoothed, bias-corrected (as fast.ai's)
    deadline = training_deadline()

    class Sweep(keras.callbacks.Callback):
        average = mean = 0.0

        def on_train_batch_begin(self, batch, logs=None):
            _set_rate(self.model, float(rates[len(losses)]))

        def on_train_batch_end(self, batch, logs=None):
            # Keras logs the epoch's running mean: the batch's own loss is recovered from it.
            mean = float(logs["loss"])
            loss = mean if batch == 0 else (batch + 1) * mean - batch * self.mean
            self.mean = mean
            self.average = RANGE_SMOOTHING * self.average + (1 - RANGE_SMOOTHING) * loss
            losses.append(self.average / (1 - RANGE_SMOOTHING ** (len(losses) + 1)))
            if (len(losses) == steps or not math.isfinite(loss)
                    or losses[-1] > RANGE_DIVERGENCE * min(losses)
                    or (deadline is not None and time.monotonic() >= deadline)):
                self.model.stop_training = True

    weights = model.get_weights()
    model.fit(inputs, targets, batch_size=batch_size, verbose=0, callbacks=[Sweep()],
              epochs=-(-steps // steps_per_epoch))
    model.set_weights(weights)
    finite = [(loss, i) for i, loss in enumerate(losses) if math.isfinite(loss)]
    lowest, at = min(finite) if finite else (math.inf, 0)
    descended = bool(finite) and lowest < (1 - RANGE_MIN_DROP) * finite[0][0]
    rate = float(rates[at] / RANGE_TEST_DIVISOR) if descended else fallback
    if key is not None:
        _range_tests[key] = rate
        while len(_range_tests) > RANGE_TESTS_KEPT:
            _range_tests.popitem(last=False)
    return rate


def averaged(build, snapshots: list):
    """One model that averages ``len(snapshots)`` copies of a network: ``build()`` gives a
    fresh copy (same layers, same adapted vocabularies and statistics) as ``(model,
    holder)``, ``holder`` taking the snapshot's weights, ``model`` answering."""
    keras = import_keras()
    members = []
    for index, weights in enumerate(snapshots):
        model, holder = build()
        holder.set_weights(weights)
        members.append(keras.Model(model.input, model.output, name=f"snapshot_{index}"))
    inputs = keras.tree.map_structure(  # as the network takes them: one, a list or a dict
        lambda tensor: keras.Input(shape=tensor.shape[1:], dtype=tensor.dtype,
                                   name=tensor.name), members[0].input)
    answers = [member(inputs) for member in members]
    if isinstance(answers[0], (list, tuple)):  # several outputs: each averaged, its name kept
        outputs = [keras.layers.Average(name=name)(list(each))
                   for name, each in zip(members[0].output_names, zip(*answers))]
    else:
        outputs = keras.layers.Average(name="snapshot_average")(answers)
    return keras.Model(inputs, outputs, name="snapshot_ensemble")
