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
a tolerance of the best one's is kept. With MUNGE rows, the held-out rows are MUNGE rows drawn
from training rows set aside, not those rows themselves: the teacher was fitted on every
training row and may have memorised them, so its answers there say little about how it answers
new rows, which is what the student must copy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from automl.data import ColumnKind, DataSpec, Task
from automl.export._keras import _affine, _dense, _table_features
from automl.export._student_model import Student, keras_feed, keras_file_size, table_adapter
from automl.export._synthetic import munge
from automl.pipeline import COLUMNS_STEP
from automl.runtime import deadline_scope

#: Divides the logits the student learns the teacher's probabilities with (Hinton et al. use
#: 2-20 for networks' sharp outputs; tree ensembles' are soft already: 1 did better on churn).
TEMPERATURE = 1.0
#: The shapes tried, (hidden layers, units per layer): a reference first, with
#: ``REFERENCE_SHARE`` of the time, then smaller ones, each as long as the reference took
#: while half that is left (on a CPU an epoch of a small network costs about what a
#: larger one's does: the fixed cost of each step dominates). These with 64 bins beat a 2x64
#: reference with 16 on 6 of 7 tables' agreement (mean 0.932 -> 0.947): forests' boundaries
#: need the width.
SHAPES = ((2, 256), (1, 32), (2, 64), (2, 128))
REFERENCE_SHARE = 0.5
#: Seconds a shape needs beyond its epochs (building, tracing, checking), and that the export
#: and measurements after the last one need: no shape starts with less than this left.
SHAPE_OVERHEAD = 3.0
#: Training rows set aside to measure fidelity and stop training on (MUNGE rows drawn from
#: them when the student learns on MUNGE rows: as many as this share of the training ones).
CHECK_FRACTION = 0.2
#: Synthetic rows: five times the real ones, within these bounds (on churn, 6,000 / 15,000 /
#: 30,000 of them left a student 3.0 / 1.4 / -1.3 points of balanced accuracy from its
#: teacher).
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
#: Bins per numerical column of the piecewise-linear encoding (quantiles of the rows), and
#: at most this many in all (fewer per column on wide tables). 64 alone, with a 2x64
#: reference, was no better than 16: finer thresholds need the wider networks of ``SHAPES``.
BINS, MAX_ENCODED = 64, 1024
#: Categories beyond this many per column share one input (scikit-learn's infrequent group).
MAX_CATEGORIES = 32


def _preprocessing(spec: DataSpec) -> Pipeline:
    numeric, categorical = (list(spec.columns_of(ColumnKind.NUMERICAL)),
                            list(spec.columns_of(ColumnKind.CATEGORICAL)))
    columns = ColumnTransformer(
        [("numeric", SimpleImputer(strategy="median", keep_empty_features=True), numeric),
         ("categorical", OneHotEncoder(handle_unknown="infrequent_if_exist", sparse_output=False,
                                       max_categories=MAX_CATEGORIES), categorical)],
        sparse_threshold=0.0, verbose_feature_names_out=False)
    return Pipeline([("table", table_adapter(spec)),
                     (COLUMNS_STEP, columns), ("scale", StandardScaler())])


def _piecewise_linear(numbers: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``(A, c)`` of the piecewise-linear encoding (Gorishniy et al. 2022, "On embeddings for
    numerical features in tabular deep learning"): for each numerical column (the first of
    ``width`` features) and each of its quantile bins [e0, e1], ``clip((x - e0) / (e1 - e0),
    0, 1)`` = ``clip(x @ A + c, 0, 1)``. It lets a small network draw the sharp thresholds
    a tree ensemble learnt."""
    weights, biases = [], []
    bins = max(2, min(BINS, MAX_ENCODED // max(numbers.shape[1], 1)))
    for column in range(numbers.shape[1]):
        edges = np.unique(np.nanquantile(numbers[:, column], np.linspace(0, 1, bins + 1)))
        for low, high in zip(edges[:-1], edges[1:]):
            weight = np.zeros(width)
            weight[column] = 1.0 / (high - low)
            weights.append(weight)
            biases.append(-low / (high - low))
    if not weights:
        return np.zeros((width, 0)), np.zeros(0)
    return np.stack(weights, axis=1), np.asarray(biases)


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
    if not (isinstance(time_budget, (int, float)) and 0 < time_budget < math.inf):
        raise ValueError(f"time_budget={time_budget!r}: pass the seconds distillation may "
                         "take, a positive number (60 tries a few shapes on most tables).")
    if not (isinstance(tolerance, (int, float)) and 0 <= tolerance < 1):
        raise ValueError(f"tolerance={tolerance!r}: pass the fidelity a smaller student may "
                         "give up against the best one, a number in [0, 1) such as 0.01.")
    started = time.monotonic()
    deadline = started + time_budget - SHAPE_OVERHEAD  # the export's time kept
    classification = spec.task is Task.CLASSIFICATION
    rows = table_adapter(spec).transform(x)
    order = np.random.default_rng(seed).permutation(len(rows))
    n_check = max(1, int(CHECK_FRACTION * len(rows)))
    fit_rows, check_rows = rows.iloc[order[n_check:]], rows.iloc[order[:n_check]]
    preprocessing = _preprocessing(spec).fit(fit_rows)
    columns = preprocessing[:-1]  # imputed numbers first, then the categories' one-hots
    numeric = len(spec.columns_of(ColumnKind.NUMERICAL))
    encoding = _piecewise_linear(columns.transform(fit_rows)[:, :numeric],
                                 len(preprocessing.named_steps["scale"].mean_))

    def featurize(table: pd.DataFrame) -> np.ndarray:
        raw = columns.transform(table)
        bins = np.clip(raw @ encoding[0] + encoding[1], 0.0, 1.0)
        return np.hstack([preprocessing[-1].transform(raw), bins]).astype("float32")

    tic = time.monotonic()  # the teacher's pace on a batch, where a call's overhead is spread
    teach(fit_rows.sample(1_000, replace=True, random_state=seed))
    per_row = (time.monotonic() - tic) / 1_000
    train_rows = fit_rows
    if synthetic:
        count = min(int(np.clip(5 * len(fit_rows), SYNTHETIC_MIN, SYNTHETIC_MAX)),
                    int(SYNTHETIC_PER_SECOND * time_budget),
                    int((TEACHER_SHARE * time_budget / max(per_row, 1e-9) - len(fit_rows))
                        / (1 + CHECK_FRACTION)))
        if count > 0:
            extra = munge(fit_rows, preprocessing.transform(fit_rows), spec, count, seed)
            train_rows = pd.concat([fit_rows, extra], ignore_index=True)
            if len(check_rows) > 1:  # MUNGE draws between a row and its neighbour
                check_rows = munge(check_rows, preprocessing.transform(check_rows), spec,
                                   max(len(check_rows), int(CHECK_FRACTION * count)), seed + 1)
    teacher_check = np.asarray(teach(check_rows))
    teacher_train = np.asarray(teach(train_rows))
    if classification:
        targets, check_targets = _soft(teacher_train), _soft(teacher_check)
    else:
        mean, scale = float(np.mean(teacher_train)), float(np.std(teacher_train)) or 1.0
        targets = ((teacher_train - mean) / scale).reshape(-1, 1)
        check_targets = ((teacher_check - mean) / scale).reshape(-1, 1)
    features, check_features = featurize(train_rows), featurize(check_rows)
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
        network, epochs = _train(shape, (features, targets), (check_features, check_targets),
                                 classification, own_deadline, seed)
        answers = np.asarray(network.predict(check_features, verbose=0))
        expected = teacher_check if classification else check_targets
        tried.append({"layers": shape[0], "units": shape[1], "parameters":
                      int(network.count_params()), "epochs": epochs,
                      "fidelity": _fidelity(classification, answers, expected),
                      "seconds": time.monotonic() - now, "network": network})
        if say:
            say(f"student {shape[0]}x{shape[1]}: fidelity {tried[-1]['fidelity']:.4f} after "
                f"{epochs} epochs")
    best = max(entry["fidelity"] for entry in tried)
    chosen = min((entry for entry in tried if entry["fidelity"] >= best - tolerance),
                 key=lambda entry: entry["parameters"])
    model = _exported(preprocessing, encoding, chosen["network"], spec,
                      None if classification else (mean, scale))
    # The file must answer as the network that was measured does.
    measured = np.asarray(chosen["network"].predict(check_features, verbose=0))
    if not classification:
        measured = measured * scale + mean
    answered = np.asarray(model.predict_on_batch(keras_feed(model, check_rows)))
    if not np.allclose(answered, measured, rtol=1e-3, atol=1e-4 * max(1.0, np.abs(
            measured).max())):
        raise RuntimeError("the exported student differs from the trained one (largest "
                           f"difference {np.abs(answered - measured).max():.3g}): a bug.")
    summary = {"fidelity": chosen["fidelity"],
               "fidelity_metric": "agreement" if classification else "r2_vs_teacher",
               "layers": chosen["layers"], "units": chosen["units"],
               "parameters": chosen["parameters"], "epochs": chosen["epochs"],
               "check_rows": len(check_rows), "training_rows": len(fit_rows),
               "synthetic_rows": len(train_rows) - len(fit_rows),
               "tried": [{k: v for k, v in entry.items() if k != "network"} for entry in tried],
               "seconds": time.monotonic() - started}
    return Student(model, spec, summary)


def _exported(preprocessing: Pipeline, encoding: tuple, network, spec: DataSpec,
              units: tuple | None):
    """One ``keras.Model`` from raw columns: the student's preprocessing and piecewise-linear
    encoding translated, then the network (and, for regression, back to the target's
    units)."""
    from automl.blocks._keras import import_keras

    keras = import_keras()
    inputs, features = _table_features(keras, preprocessing, spec)
    weights, bias = _affine(preprocessing.named_steps["scale"], int(features.shape[-1]),
                            "scale")
    parts = [_dense(keras, weights, bias, "scale")(features)]
    if encoding[0].shape[1]:
        bins = _dense(keras, encoding[0], encoding[1], "bins")(features)
        parts.append(keras.layers.ReLU(max_value=1.0, name="clip_bins")(bins))
    joined = parts[0] if len(parts) == 1 else keras.layers.Concatenate()(parts)
    outputs = network(joined)
    if units is not None:
        outputs = keras.layers.Rescaling(units[1], units[0], name="target_units")(outputs)
    return keras.Model(inputs, outputs, name="automl_student")


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
