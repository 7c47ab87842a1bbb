"""Distillation: any fitted model of a table (a forest, boosting, an SVM, an ensemble, a
pipeline with steps that have no Keras translation) imitated by one small Keras network, the
student (Bucilua et al. 2006, "Model compression"; Hinton et al. 2015, "Distilling the
knowledge in a neural network").

The student sees the rows through its own preprocessing (median imputation, one-hot
categories, standard scaling), all of which translate into Keras layers (``_keras``), so the
saved student is one ``.keras`` file that takes raw columns. It learns the teacher's class
probabilities softened by a temperature (or its predictions, for regression) on the training
rows and MUNGE rows between them (``_synthetic``); a few shapes are trained (a reference, then
smaller ones) within a time budget, and the smallest whose fidelity on held-out rows is within
a tolerance of the best one's is kept; the fidelity reported is measured on other held-out rows,
used neither to stop training nor to choose the shape. With MUNGE rows, the held-out rows are
MUNGE rows drawn from training rows set aside, not those rows themselves: the teacher was fitted on every
training row and may have memorised them, so its answers there say little about how it answers
new rows, which is what the student must copy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

from automl.data import DataSpec, Task, table_adapter
from automl.export._student_features import StudentView
from automl.export._student_model import Student, keras_feed, keras_file_size
from automl.export._synthetic import munge
from automl.runtime import deadline_scope

#: Divides the logits the student learns the teacher's probabilities with (Hinton et al. use
#: 2-20 for networks' sharp outputs; tree ensembles' are soft already: 1 did better on churn).
TEMPERATURE = 1.0
#: The shapes tried, (hidden layers, units per layer): a reference first, with
#: ``REFERENCE_SHARE`` of the time, then smaller ones, each as long as the reference took
#: while half that is left (on a CPU an epoch of a small network costs about what a
#: larger one's does: the fixed cost of each step dominates). These with 64 bins beat a 2x64
#: reference with 16 (docs/results.md, Distillation): forests' boundaries need the width.
SHAPES = ((2, 256), (1, 32), (2, 64), (2, 128))
REFERENCE_SHARE = 0.5
#: Seconds a shape needs beyond its epochs (building, tracing, checking), and that the export
#: and measurements after the last one need: no shape starts with less than this left.
SHAPE_OVERHEAD = 3.0
#: Training rows set aside, half to stop training on and choose the shape by, half to measure
#: the fidelity reported (MUNGE rows drawn from each half when the student learns on MUNGE
#: rows: for each half, as many as this share of the synthetic training rows).
CHECK_FRACTION = 0.2
#: Synthetic rows: five times the real ones, within these bounds (fewer left the student
#: further from its teacher: docs/results.md, Distillation).
SYNTHETIC_MIN, SYNTHETIC_MAX = 20_000, 40_000
#: ... and at most this many per second of the time budget: a short one trains fewer epochs,
#: which need to be over fewer rows (a 2-core CPU passes ~50,000 rows a second).
SYNTHETIC_PER_SECOND = 600
#: ... and no more than the teacher answers in this share of the time budget (an ensemble
#: with a kernel SVM or k-NN may take seconds per thousand rows).
TEACHER_SHARE = 0.2
#: Rows per training step: a step's fixed cost on a CPU (milliseconds) dwarfs a small
#: network's arithmetic, so large batches learn more per second.
BATCH_SIZE = 512
def _fidelity(classification: bool, student: np.ndarray, teacher: np.ndarray) -> float:
    """Agreement of the predicted classes, or R² of the student against the teacher."""
    if classification:
        return float(np.mean(student.argmax(axis=1) == teacher.argmax(axis=1)))
    return float(r2_score(teacher, student))


def _train(shape, train: tuple, check: tuple, classification: bool, deadline: float,
           seed: int):
    """A network of ``shape`` on ``train`` = (features, targets), stopping on ``check``;
    returns the network that outputs probabilities (or standardised values), and its epochs."""
    from automl.blocks._keras import compile_and_fit, import_keras

    keras = import_keras()
    keras.utils.set_random_seed(seed)
    layers, units = shape
    inputs = keras.Input(shape=(train[0].shape[1],), name="features")
    hidden = inputs
    for index in range(layers):
        hidden = keras.layers.Dense(units, activation="relu", name=f"hidden_{index}")(hidden)
    raw = keras.layers.Dense(train[1].shape[1], name="logits")(hidden)
    if classification:
        trained = keras.Model(inputs, keras.layers.Rescaling(1 / TEMPERATURE)(raw))
        loss = keras.losses.CategoricalCrossentropy(from_logits=True)
        served = keras.Model(inputs, keras.layers.Softmax(name="probabilities")(raw),
                             name="student")
    else:
        trained = served = keras.Model(inputs, raw, name="student")
        loss = "mse"
    with deadline_scope(deadline):
        epochs, _ = compile_and_fit(trained, train[0], train[1], check,
                                    train_rows=len(train[0]), loss=loss, optimizer="adam",
                                    learning_rate=3e-3, batch_size=BATCH_SIZE, max_epochs=500)
    return served, epochs


def _soft(probabilities: np.ndarray) -> np.ndarray:
    """The teacher's probabilities at ``TEMPERATURE``."""
    logits = np.log(np.clip(probabilities, 1e-7, 1.0)) / TEMPERATURE
    soft = np.exp(logits - logits.max(axis=1, keepdims=True))
    return soft / soft.sum(axis=1, keepdims=True)


def _check_options(time_budget, tolerance) -> None:
    if not (isinstance(time_budget, (int, float)) and 0 < time_budget < math.inf):
        raise ValueError(f"time_budget={time_budget!r}: pass the seconds distillation may "
                         "take, a positive number (60 tries a few shapes on most tables).")
    if not (isinstance(tolerance, (int, float)) and 0 <= tolerance < 1):
        raise ValueError(f"tolerance={tolerance!r}: pass the fidelity a smaller student may "
                         "give up against the best one, a number in [0, 1) such as 0.01.")


@dataclass
class _Lesson:
    """What the student learns from and is measured on: rows, their features, and the
    teacher's answers (for regression standardised by ``units`` = (mean, scale))."""

    fit_rows: pd.DataFrame
    train_rows: pd.DataFrame
    check_rows: pd.DataFrame
    features: np.ndarray
    targets: np.ndarray
    check_features: np.ndarray
    check_targets: np.ndarray
    teacher_check: np.ndarray
    units: tuple[float, float] | None
    #: Rows used for nothing but the fidelity reported, and the teacher's answers there.
    measure_rows: pd.DataFrame
    teacher_measure: np.ndarray


def _lesson(teach, view: StudentView, fit_rows, set_aside: tuple, spec: DataSpec,
            time_budget: float, synthetic: bool, seed: int) -> _Lesson:
    """The training rows (with MUNGE rows between them, as many as the time allows) and the
    two halves of the rows set aside, ``(check rows, measure rows)`` (MUNGE rows drawn from
    each, with ``synthetic``), answered by the teacher."""
    tic = time.monotonic()  # the teacher's pace on a batch, where a call's overhead is spread
    teach(fit_rows.sample(1_000, replace=True, random_state=seed))
    per_row = (time.monotonic() - tic) / 1_000
    train_rows = fit_rows
    if synthetic:
        count = min(int(np.clip(5 * len(fit_rows), SYNTHETIC_MIN, SYNTHETIC_MAX)),
                    int(SYNTHETIC_PER_SECOND * time_budget),
                    int((TEACHER_SHARE * time_budget / max(per_row, 1e-9) - len(fit_rows))
                        / (1 + 2 * CHECK_FRACTION)))
        if count > 0:
            encoded = view.preprocessing.transform
            extra = munge(fit_rows, encoded(fit_rows), spec, count, seed)
            train_rows = pd.concat([fit_rows, extra], ignore_index=True)
            # Each half drawn from its own rows: a MUNGE row lies between a row and its
            # neighbour, which must not be a row of the other half.
            set_aside = tuple(munge(part, encoded(part), spec, max(len(part), int(
                CHECK_FRACTION * count)), seed + 1 + index) if len(part) > 1 else part
                for index, part in enumerate(set_aside))
    check_rows, measure_rows = set_aside
    teacher_check = np.asarray(teach(check_rows))
    teacher_train = np.asarray(teach(train_rows))
    if spec.task is Task.CLASSIFICATION:
        units, targets, check_targets = None, _soft(teacher_train), _soft(teacher_check)
    else:
        units = float(np.mean(teacher_train)), float(np.std(teacher_train)) or 1.0
        targets = ((teacher_train - units[0]) / units[1]).reshape(-1, 1)
        check_targets = ((teacher_check - units[0]) / units[1]).reshape(-1, 1)
    return _Lesson(fit_rows, train_rows, check_rows, view.features(train_rows), targets,
                   view.features(check_rows), check_targets, teacher_check, units,
                   measure_rows, np.asarray(teach(measure_rows)))


def _train_shapes(lesson: _Lesson, classification: bool, deadline: float, seed: int,
                  say: Callable[[str], None] | None) -> list[dict]:
    """The ``SHAPES`` trained in turn while time is left, with their fidelity."""
    from automl.blocks._keras import import_keras

    import_keras()  # seconds on a CPU: before the shapes' shares of the time are set
    tried = []
    for shape in SHAPES:
        now = time.monotonic()
        if tried:
            if deadline - now < 0.5 * tried[0]["seconds"]:
                break
            own_deadline = min(now + tried[0]["seconds"], deadline)
        else:
            own_deadline = now + max(deadline - now, 1.0) * REFERENCE_SHARE
        network, epochs = _train(shape, (lesson.features, lesson.targets),
                                 (lesson.check_features, lesson.check_targets),
                                 classification, own_deadline, seed)
        answers = np.asarray(network.predict(lesson.check_features, verbose=0))
        expected = lesson.teacher_check if classification else lesson.check_targets
        tried.append({"layers": shape[0], "units": shape[1], "parameters":
                      int(network.count_params()), "epochs": epochs,
                      "fidelity": _fidelity(classification, answers, expected),
                      "seconds": time.monotonic() - now, "network": network})
        if say:
            say(f"student {shape[0]}x{shape[1]}: fidelity {tried[-1]['fidelity']:.4f} after "
                f"{epochs} epochs")
    return tried


def _verified_export(view: StudentView, network, lesson: _Lesson):
    """The student as one ``keras.Model`` from raw columns, checked to answer as the network
    that was measured does."""
    model = view.exported(network, lesson.units)
    measured = np.asarray(network.predict(lesson.check_features, verbose=0))
    if lesson.units is not None:
        measured = measured * lesson.units[1] + lesson.units[0]
    answered = np.asarray(model.predict_on_batch(lesson.check_rows))  # a TableModel: rows in
    if not np.allclose(answered, measured, rtol=1e-3, atol=1e-4 * max(1.0, np.abs(
            measured).max())):
        raise RuntimeError("the exported student differs from the trained one (largest "
                           f"difference {np.abs(answered - measured).max():.3g}): a bug.")
    return model


def distill(teach: Callable[[pd.DataFrame], np.ndarray], x: pd.DataFrame, spec: DataSpec, *,
            time_budget: float = 60.0, tolerance: float = 0.01, synthetic: bool = True,
            seed: int = 0, say: Callable[[str], None] | None = None) -> Student:
    """A student of the teacher ``teach`` (rows -> class probabilities in the order of
    ``spec.classes``, or values) on the table ``x``.

    Args:
        time_budget: seconds for everything (synthetic rows, the teacher's answers, training
            the shapes, the export); shapes that would start after it are not tried.
        tolerance: the smallest student whose fidelity (agreement, or R² against the
            teacher) is at least the best one's minus this is kept.
        synthetic: add MUNGE rows to the training rows, and measure fidelity on MUNGE rows
            (without: on training rows set aside).
    """
    _check_options(time_budget, tolerance)
    started = time.monotonic()
    deadline = started + time_budget - SHAPE_OVERHEAD  # the export's time kept
    classification = spec.task is Task.CLASSIFICATION
    rows = table_adapter(spec).transform(x)
    order = np.random.default_rng(seed).permutation(len(rows))
    n_aside = max(2, int(CHECK_FRACTION * len(rows)))
    fit_rows = rows.iloc[order[n_aside:]]
    set_aside = rows.iloc[order[:n_aside // 2]], rows.iloc[order[n_aside // 2:n_aside]]
    view = StudentView(spec, fit_rows)
    lesson = _lesson(teach, view, fit_rows, set_aside, spec, time_budget, synthetic, seed)
    tried = _train_shapes(lesson, classification, deadline, seed, say)
    best = max(entry["fidelity"] for entry in tried)
    chosen = min((entry for entry in tried if entry["fidelity"] >= best - tolerance),
                 key=lambda entry: entry["parameters"])
    model = _verified_export(view, chosen["network"], lesson)
    measured = np.asarray(model.predict_on_batch(lesson.measure_rows))
    summary = {"fidelity": _fidelity(classification, measured if classification else
                                     measured.reshape(-1), lesson.teacher_measure),
               "choice_fidelity": chosen["fidelity"],
               "fidelity_metric": "agreement" if classification else "r2_vs_teacher",
               "layers": chosen["layers"], "units": chosen["units"],
               "parameters": chosen["parameters"], "epochs": chosen["epochs"],
               "check_rows": len(lesson.check_rows),
               "measure_rows": len(lesson.measure_rows), "training_rows": len(fit_rows),
               "synthetic_rows": len(lesson.train_rows) - len(fit_rows),
               "tried": [{k: v for k, v in entry.items() if k != "network"} for entry in tried],
               "seconds": time.monotonic() - started}
    return Student(model, spec, summary)


def distill_pipeline(pipeline, x: pd.DataFrame, spec: DataSpec, teacher_costs: dict,
                     **options) -> Student:
    """``distill`` with a fitted pipeline of a table as the teacher; the summary also gives
    the student's size and latency beside the teacher's (``teacher_costs``: its ``COSTS``,
    e.g. ``AutoModel.costs_``)."""
    from automl.evaluation import latencies

    classification = spec.task is Task.CLASSIFICATION
    student = distill(pipeline.predict_proba if classification else pipeline.predict, x, spec,
                      **options)
    rows = table_adapter(spec).transform(x)
    costs = {"model_size": keras_file_size(student.model), **latencies(
        student.model.predict_on_batch, lambda index: keras_feed(student.model,
                                                                 rows.iloc[index]),
        np.arange(len(rows)), options.get("seed", 0))}
    student.summary.update({f"student_{name}": value for name, value in costs.items()})
    student.summary.update({f"teacher_{name}": value for name, value in teacher_costs.items()})
    for name in costs:
        if teacher_costs.get(name):
            student.summary[f"{name}_ratio"] = teacher_costs[name] / costs[name]
    return student
