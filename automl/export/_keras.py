"""A fitted pipeline ending in a Keras network, as one ``keras.Model``.

Every scikit-learn step before the network becomes Keras layers, so the saved model needs
neither scikit-learn nor automl's pipeline code:

- the table's columns: one named ``keras.Input`` per column (float32 for numeric columns,
  string for categorical ones);
- ``SimpleImputer`` (any strategy): ``automl.keras_layers.FillMissing`` with its statistics;
- categorical encoders (``OneHotEncoder``, ``OrdinalEncoder``, ``TargetEncoder``): a
  ``StringLookup`` per column over the categories seen in fit, then one ``Dense`` layer whose
  fixed weights reproduce the encoder's output for each category (and for unseen ones);
- affine feature steps (``StandardScaler``, ``RobustScaler``, ``PCA``, ``SelectPercentile``,
  ``VarianceThreshold``, …): one ``Dense`` layer with fixed weights, read off the fitted step
  and checked on random probes;
- generated features (``ArithmeticFeatures``, ``GroupStatistics``): the step's own layer
  (``automl.keras_layers``), from its ``keras_layer(name)``;
- images: an input of the image shape, flattened; text: the network's own
  ``TextVectorization`` input;
- regression outputs: a ``Rescaling`` layer back to the target's units;
- a post-hoc ensemble whose members are all networks: each member translated as above, fed
  the same inputs, their outputs weighted (``Rescaling``) and summed (``Add``).

Steps that are not affine (``QuantileTransformer``, ``PolynomialFeatures``, ``Nystroem``)
have no translation: ``to_keras`` raises ``NotTranslatableError`` naming the step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

from automl.blocks._multi_network import layer_name
from automl.data import ColumnKind, DataSpec
from automl.pipeline import (
    COLUMNS_STEP,
    WeightedEnsemble,
    candidate_pipeline,
    feature_steps,
    model_step,
)

#: An affine step must reproduce ``A x + c`` to this relative tolerance on random probes.
AFFINE_TOLERANCE = 1e-6
#: A category no encoder has seen, to read off what unseen categories map to.
_UNSEEN = "\x00automl-unseen-category"


class NotTranslatableError(ValueError):
    """A step of the pipeline has no Keras translation."""


def _network(pipeline: Pipeline):
    from automl.blocks._keras import KerasNetwork

    model = model_step(pipeline)
    return model if isinstance(model, KerasNetwork) else None


def has_keras_model(pipeline) -> bool:
    """Whether the fitted pipeline's model is a Keras network (for an ensemble: every
    member's)."""
    if isinstance(pipeline, WeightedEnsemble):
        return all(_network(member) is not None for member in pipeline.members)
    return _network(pipeline) is not None


def _concatenate(keras, tensors: list):
    return tensors[0] if len(tensors) == 1 else keras.layers.Concatenate()(tensors)


def _dense(keras, weights: np.ndarray, bias: np.ndarray, name: str):
    layer = keras.layers.Dense(weights.shape[1], name=name)
    layer.build((None, weights.shape[0]))
    layer.set_weights([weights.astype("float32"), bias.astype("float32")])
    return layer


def _affine(step, n_inputs: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(A, c)`` with ``step.transform(x) == x @ A + c``, or NotTranslatableError."""
    bias = np.asarray(step.transform(np.zeros((1, n_inputs))), dtype="float64")[0]
    weights = np.asarray(step.transform(np.eye(n_inputs)), dtype="float64") - bias
    probes = np.random.default_rng(0).normal(size=(16, n_inputs)) * 3
    expected = np.asarray(step.transform(probes), dtype="float64")
    scale = max(1.0, float(np.abs(expected).max()))
    if not np.allclose(probes @ weights + bias, expected, atol=AFFINE_TOLERANCE * scale):
        raise NotTranslatableError(
            f"the step {name!r} ({type(step).__name__}) is not affine, so it has no Keras "
            "translation: export_model(format='sklearn') gives the scikit-learn pipeline, or "
            "search without it (e.g. StructuredDataBlock(preprocessors=[...])).")
    return weights, bias


def _feature_layer(keras, step, n_inputs: int, name: str):
    """The Keras layer of a fitted feature step: its own (``step.keras_layer``, the
    generated features) or one ``Dense`` layer with fixed weights (affine steps)."""
    if hasattr(step, "keras_layer"):
        return step.keras_layer(name)
    weights, bias = _affine(step, n_inputs, name)
    return _dense(keras, weights, bias, name)


def _categorical_layers(keras, encoder, columns: list[str], inputs: dict):
    """One-hot per column over the encoder's categories, then a Dense layer equal to the
    encoder: every encoder output depends on one column, so
    ``out = base + sum_i (out(category of i) - base)``."""
    base_row = {column: str(encoder.categories_[i][0]) for i, column in enumerate(columns)}
    frame = pd.DataFrame([base_row])
    base = np.asarray(encoder.transform(frame), dtype="float64")[0]
    one_hots, blocks = [], []
    for i, column in enumerate(columns):
        vocabulary = [str(category) for category in encoder.categories_[i]]
        probe = pd.DataFrame([base_row] * (len(vocabulary) + 1))
        probe[column] = [_UNSEEN, *vocabulary]  # StringLookup puts unseen values at index 0
        outputs = np.asarray(encoder.transform(probe), dtype="float64")
        blocks.append(outputs - base)
        lookup = keras.layers.StringLookup(vocabulary=vocabulary, num_oov_indices=1,
                                           output_mode="one_hot", name=f"lookup_{i}")
        one_hots.append(lookup(inputs[column]))
    return _dense(keras, np.vstack(blocks), base, "categorical_encoding")(
        _concatenate(keras, one_hots))


def _table_features(keras, pipeline: Pipeline, spec: DataSpec):
    inputs = {}
    for column, kind in zip(spec.column_names, spec.column_kinds):
        dtype = "float32" if kind is ColumnKind.NUMERICAL else "string"
        # Keyed by the column's own name; the layer gets a name Keras accepts ('a/b' -> 'a_b').
        inputs[column] = keras.Input(shape=(1,), dtype=dtype, name=layer_name(column))
    parts = []
    columns = pipeline.named_steps[COLUMNS_STEP]
    for name, transformer, selected in columns.transformers_:
        if name == "remainder" or not len(selected):
            continue
        if name == "numeric":
            hidden = _concatenate(keras, [inputs[column] for column in selected])
            if isinstance(transformer, SimpleImputer):
                from automl.keras_layers import FillMissing

                hidden = FillMissing(transformer.statistics_.tolist(), name="fill_missing")(
                    hidden)
            parts.append(hidden)
        elif not getattr(transformer, "keras_translatable", True):
            raise NotTranslatableError(
                f"the encoder {type(transformer).__name__} makes columns from pairs of "
                "categorical columns, which has no Keras translation: "
                "export_model(format='sklearn') gives the scikit-learn pipeline, and "
                "distill() trains a Keras network that imitates it.")
        else:
            parts.append(_categorical_layers(keras, transformer, list(selected), inputs))
    return inputs, _concatenate(keras, parts)


def to_keras(pipeline, spec: DataSpec):
    """The fitted ``pipeline`` (its model a Keras network; or a ``WeightedEnsemble`` of such
    pipelines) as one ``keras.Model`` that takes what the pipeline takes (see the module
    docstring) and outputs class probabilities (in the order of ``spec.classes``) or
    predictions in the target's units."""
    if not has_keras_model(pipeline):  # before importing TensorFlow, seconds for nothing
        raise NotTranslatableError(
            "the best model is not a Keras network (nor an ensemble of networks only): "
            "export_model(format='sklearn') gives the scikit-learn model, and distill() "
            "trains a small Keras network that imitates it (one .keras file that takes the "
            "raw columns).")
    from automl.blocks._keras import import_keras

    keras = import_keras()
    if isinstance(pipeline, WeightedEnsemble):
        return _ensemble(keras, pipeline, spec)
    return _translate(keras, pipeline, spec, "automl_model")


def _ensemble(keras, ensemble: WeightedEnsemble, spec: DataSpec):
    members = [_translate(keras, member, spec, f"member_{i}")
               for i, member in enumerate(ensemble.members)]
    inputs = keras.tree.map_structure(
        lambda tensor: keras.Input(shape=tensor.shape[1:], dtype=tensor.dtype,
                                   name=tensor.name), members[0].input)
    weighted = [keras.layers.Rescaling(float(weight), name=f"weight_{i}")(member(inputs))
                for i, (member, weight) in enumerate(zip(members, ensemble.weights))]
    outputs = weighted[0] if len(weighted) == 1 else keras.layers.Add()(weighted)
    return _model_class(keras, spec)(inputs, outputs, name="automl_model")


def _translate(keras, pipeline: Pipeline, spec: DataSpec, model_name: str):
    network = _network(pipeline)
    if spec.is_text:
        inputs = network.model_.inputs[0]
        outputs = network.model_.outputs[0]
        steps = []
    elif spec.image_shape is not None:
        inputs = keras.Input(shape=tuple(spec.image_shape), name="images")
        features = keras.layers.Flatten()(inputs)
        steps = feature_steps(candidate_pipeline(pipeline))
    else:
        inputs, features = _table_features(keras, pipeline, spec)
        steps = feature_steps(pipeline)
    if not spec.is_text:
        for name, step in steps:
            features = _feature_layer(keras, step, int(features.shape[-1]), name)(features)
        outputs = network.model_(features)
    if not network.classification:
        outputs = keras.layers.Rescaling(network.target_scale_, network.target_mean_,
                                         name="target_units")(outputs)
    return _model_class(keras, spec)(inputs, outputs, name=model_name)


def _model_class(keras, spec: DataSpec):
    """A model of a table's raw columns takes them as users have them (``TableModel``)."""
    if spec.is_text or spec.image_shape is not None:
        return keras.Model
    from automl.keras_layers import TableModel

    return TableModel
