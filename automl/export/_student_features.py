"""What a student sees of a table's rows — its own preprocessing (median imputation, one-hot
categories, standard scaling) and a piecewise-linear encoding of the numbers — and the one
``keras.Model`` from raw columns that holds it with the trained network."""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from automl.data import ColumnKind, DataSpec, table_adapter
from automl.export._keras import _affine, _dense, _table_features
from automl.pipeline import COLUMNS_STEP

#: Bins per numerical column of the piecewise-linear encoding (quantiles of the rows), and
#: at most this many in all (fewer per column on wide tables). 64 alone, with a 2x64
#: reference, was no better than 16: finer thresholds need the wider networks of ``SHAPES``.
BINS, MAX_ENCODED = 64, 1024
#: Categories beyond this many per column share one input (scikit-learn's infrequent group).
MAX_CATEGORIES = 32



class StudentView:
    """The student's features of rows, fitted on the training rows it learns from."""

    def __init__(self, spec: DataSpec, rows):
        self.spec = spec
        self.preprocessing = _preprocessing(spec).fit(rows)
        self.columns = self.preprocessing[:-1]  # imputed numbers, then the categories' one-hots
        numeric = len(spec.columns_of(ColumnKind.NUMERICAL))
        self.encoding = _piecewise_linear(self.columns.transform(rows)[:, :numeric],
                                          len(self.preprocessing.named_steps["scale"].mean_))

    def features(self, rows) -> np.ndarray:
        raw = self.columns.transform(rows)
        bins = np.clip(raw @ self.encoding[0] + self.encoding[1], 0.0, 1.0)
        return np.hstack([self.preprocessing[-1].transform(raw), bins]).astype("float32")

    def exported(self, network, units: tuple | None):
        """One ``keras.Model`` from raw columns: this view translated, then ``network`` (and,
        for regression, back to the target's ``units``, (mean, scale))."""
        return _exported(self.preprocessing, self.encoding, network, self.spec, units)


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
    from automl.keras_layers import TableModel

    return TableModel(inputs, outputs, name="automl_student")
