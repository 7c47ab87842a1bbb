"""One Keras network over several inputs and outputs (the IO API of ``AutoModel``).

The network is a graph of layer blocks (``automl.blocks.layers``) from the inputs to one head
per output: wired by the user, or by ``automl.tasks._multi_io`` from each input's kind::

    table  -> DenseBlock                                                          \
    images -> Normalization -> ConvBlock -> SpatialReduction                      -> Merge -> heads
    text   -> TextVectorization -> Embedding -> ConvBlock -> SpatialReduction -> DenseBlock /

Each input enters through its branch (``Branch``), which validates its data and turns it into
the tensor the first layers see: a table's numerical columns with missing values filled and
standardised and its categorical columns one-hot (training statistics and categories), an
image's float pixels, a text's strings.

Preprocessing lives inside the model (statistics from the training rows), so the network
``MultiIONetwork.model_`` that ``AutoModel.export_model`` returns takes raw values: a dict with
one entry per table column (key: the column name; float32 for numerical columns, strings for
categorical ones; shape (N, 1)), one per image input (key: the input's name; (N, H, W, C)) and
one per text input (key: the input's name; strings of shape (N, 1)). It returns a list with one
array per output: class probabilities (columns in the order of the head's classes) or
predictions of a regression head in the target's own units (an in-model ``Rescaling`` undoes
the target standardisation the network trains on).

The branches and ``NetworkSettings`` are not pipeline blocks. They inherit ``role`` from a
private base, so they do not register and no table space or contract test picks them up.
TensorFlow is imported only when a network is built, fitted or unpickled.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from automl.blocks._keras import (
    TRAINING_SPACE,
    VALIDATION_FRACTION,
    PicklesKerasModel,
    _keras,
    _optimizer,
    training_callbacks,
)
from automl.data import (
    ColumnKind,
    Task,
    coerce_table,
    image_array,
    infer_column_kinds,
    read_csv,
    text_array,
)
from automl.data._messages import preview
from automl.data._table import as_frame
from automl.graph import KERAS_NETWORK, Block, Role
from automl.hyperparameters import Choice

#: Rows per batch when predicting.
PREDICT_BATCH = 4096
#: Up to this many training steps a network trains eagerly: tracing its training and
#: validation functions costs seconds, more than a few dozen eager steps.
EAGER_STEPS = 64


def layer_name(key: str) -> str:
    """A Keras layer name for an input key or output name (Keras rejects ``/`` and friends)."""
    return re.sub(r"[^0-9A-Za-z_.-]", "_", key) or "input"


def take_rows(rows, index: np.ndarray):
    """The rows ``index`` of one prepared input entry (a DataFrame or an array)."""
    if isinstance(rows, pd.DataFrame):
        return rows.iloc[index].reset_index(drop=True)
    return rows[index]


@dataclass(frozen=True)
class InputSpec:
    """One input of a multi-input network, as fit saw it.

    Attributes:
        name: the input node's name: its key in the exported model (images, text), how layers
            refer to it (``LayerSpec.parents``) and how errors do.
        branch: the branch class through which it enters the network.
        column_names, column_kinds: a table's columns (their names are the exported model's
            keys), empty for other inputs.
        image_shape: (H, W, C) of an image input.
    """

    name: str
    branch: type[Branch]
    column_names: tuple[str, ...] = ()
    column_kinds: tuple[ColumnKind, ...] = ()
    image_shape: tuple[int, ...] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """The exported model's input keys for this input."""
        return self.column_names or (self.name,)


@dataclass(frozen=True)
class OutputSpec:
    """One output: its name (the exported model's output layer), task and sorted classes, and
    the input or layer its head is called on (``parent``)."""

    name: str
    task: Task
    classes: tuple | None = None
    parent: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """One layer block of the network, in build order.

    Attributes:
        name: unique among inputs, layers and outputs: its slot in the search space and its
            scope in the network.
        block: the layer block class (``automl.blocks.layers``).
        parents: the names of the inputs or earlier layers it is called on, in order.
        options: the block's construction settings (``Layer.options``), as sorted items.
    """

    name: str
    block: type
    parents: tuple[str, ...]
    options: tuple = ()


class _NetworkPart(Block):
    """Base of the parts of a ``MultiIONetwork``; subclasses inherit ``role`` and so stay out
    of the block registry (they are no pipeline step and build no scikit-learn object)."""

    role = Role.MODEL
    tags = KERAS_NETWORK

    @classmethod
    def build(cls, params, context):
        raise TypeError(f"{cls.__name__} is a part of a multi-input network "
                        "(MultiIONetwork), not a pipeline step.")


class Branch(_NetworkPart):
    """How one input enters the network: validation of its data, its Keras inputs and the
    tensor the first layers see, and how its rows feed the model."""

    #: What the input holds, for error messages.
    holds: ClassVar[str] = ""

    @classmethod
    def prepare(cls, entry, argument: str, node) -> tuple[object, InputSpec]:
        """Validates a fit entry: the prepared rows and the input's spec."""
        raise NotImplementedError

    @classmethod
    def prepare_new(cls, entry, argument: str, spec: InputSpec):
        """Validates a predict entry against what fit saw: the prepared rows."""
        raise NotImplementedError

    @classmethod
    def layers(cls, keras, spec: InputSpec, rows) -> tuple[dict, object]:
        """``({key: keras.Input}, the tensor its layers see)``; statistics come from
        ``rows``."""
        raise NotImplementedError

    @classmethod
    def feed(cls, spec: InputSpec, rows) -> dict:
        """``{key: array}`` for the model's inputs of this branch (strings as object arrays)."""
        raise NotImplementedError


def _numbers_and_categories(frame: pd.DataFrame, spec: InputSpec):
    numeric = [c for c, k in zip(spec.column_names, spec.column_kinds)
               if k is ColumnKind.NUMERICAL]
    categorical = [c for c, k in zip(spec.column_names, spec.column_kinds)
                   if k is ColumnKind.CATEGORICAL]
    return numeric, categorical


class TableBranch(Branch):
    """A table: numerical columns have missing values filled with training means and are
    standardised; categorical columns are one-hot encoded over the training categories (others
    fall in an out-of-vocabulary column)."""

    holds = "a table (DataFrame, 2-D array or CSV path)"

    @classmethod
    def prepare(cls, entry, argument, node):
        if isinstance(entry, str | os.PathLike):
            entry = read_csv(entry, argument=argument)
        frame = as_frame(entry, node.column_names, argument=argument)
        if frame.shape[1] == 0:
            raise ValueError(f"{argument} has no columns: pass at least one feature column.")
        empty = [name for name in frame.columns if frame[name].isna().all()]
        if empty and len(frame):
            raise ValueError(f"column {empty[0]!r} of {argument} is entirely missing (all values "
                             f"NaN): drop it; there is nothing to learn from it.")
        kinds = infer_column_kinds(frame, node.column_types)
        rows = coerce_table(frame, tuple(frame.columns), kinds, argument=argument)
        spec = InputSpec(node.name, cls, tuple(rows.columns), tuple(kinds))
        return rows.reset_index(drop=True), spec

    @classmethod
    def prepare_new(cls, entry, argument, spec):
        if isinstance(entry, str | os.PathLike):
            entry = read_csv(entry, argument=argument)
        if not isinstance(entry, pd.DataFrame):
            shape = np.shape(entry)
            if len(shape) == 2 and shape[1] != len(spec.column_names):
                raise ValueError(f"{argument} has {shape[1]} columns, but the model was fitted "
                                 f"with {len(spec.column_names)}: pass the same columns as in "
                                 f"fit ({preview(spec.column_names)}).")
        frame = as_frame(entry, None if isinstance(entry, pd.DataFrame) else spec.column_names,
                         argument=argument)
        rows = coerce_table(frame, spec.column_names, spec.column_kinds, argument=argument)
        return rows.reset_index(drop=True)

    @classmethod
    def layers(cls, keras, spec, rows):
        import automl.keras_layers as our_layers

        numeric, categorical = _numbers_and_categories(rows, spec)
        inputs = {name: keras.Input(shape=(1,), name=layer_name(name),
                                    dtype="float32" if name in numeric else "string")
                  for name in spec.column_names}
        parts = []
        if numeric:
            values = rows[numeric].to_numpy(dtype="float64")
            means = np.nan_to_num(np.nanmean(values, axis=0)) if len(values) else np.zeros(
                len(numeric))
            filled = np.where(np.isnan(values), means, values)
            hidden = _concatenate(keras, [inputs[name] for name in numeric])
            # Always there: a column complete in fit may have gaps at predict time.
            hidden = our_layers.FillMissing(means.tolist(), name=f"{layer_name(spec.name)}_fill")(
                hidden)
            hidden = keras.layers.Normalization(
                mean=filled.mean(axis=0), variance=filled.var(axis=0),
                name=f"{layer_name(spec.name)}_normalize")(hidden)
            parts.append(hidden)
        for name in categorical:
            vocabulary = sorted(set(rows[name]))
            parts.append(keras.layers.StringLookup(
                vocabulary=vocabulary, output_mode="one_hot",
                name=f"{layer_name(name)}_one_hot")(inputs[name]))
        return inputs, _concatenate(keras, parts)

    @classmethod
    def feed(cls, spec, rows):
        return {name: (rows[name].to_numpy(dtype="float32") if kind is ColumnKind.NUMERICAL
                       else rows[name].to_numpy(dtype=object)).reshape(-1, 1)
                for name, kind in zip(spec.column_names, spec.column_kinds)}


class ImageBranch(Branch):
    """Images: float pixels of shape (H, W, C) (a Normalization layer standardises them)."""

    holds = "images (an array of shape (N, H, W) or (N, H, W, C))"

    @classmethod
    def prepare(cls, entry, argument, node):
        images = image_array(entry, argument=argument)
        return images, InputSpec(node.name, cls, image_shape=tuple(int(d) for d in
                                                                     images.shape[1:]))

    @classmethod
    def prepare_new(cls, entry, argument, spec):
        return image_array(entry, argument=argument, shape=spec.image_shape)

    @classmethod
    def layers(cls, keras, spec, rows):
        inputs = keras.Input(shape=spec.image_shape, name=layer_name(spec.name))
        return {spec.name: inputs}, inputs

    @classmethod
    def feed(cls, spec, rows):
        return {spec.name: rows}


class TextBranch(Branch):
    """Documents: strings of shape (N, 1), which a TextVectorization layer turns into token
    ids."""

    holds = "documents (a list, array or Series of strings)"

    @classmethod
    def prepare(cls, entry, argument, node):
        documents = text_array(entry, argument=argument)
        if not any(document.strip() for document in documents):
            raise ValueError(f"{argument} holds only empty documents: there is no text to learn "
                             "from.")
        return documents, InputSpec(node.name, cls)

    @classmethod
    def prepare_new(cls, entry, argument, spec):
        return text_array(entry, argument=argument)

    @classmethod
    def layers(cls, keras, spec, rows):
        inputs = keras.Input(shape=(1,), dtype="string", name=layer_name(spec.name))
        return {spec.name: inputs}, inputs

    @classmethod
    def feed(cls, spec, rows):
        return {spec.name: np.asarray(rows, dtype=object).reshape(-1, 1)}


class NetworkSettings(_NetworkPart):
    """What the whole network shares: dropout before each head's output layer (as in
    AutoKeras's heads) and how it trains."""

    hyperparameters = {"dropout": Choice((0.0, 0.25, 0.5), default=0.0), **TRAINING_SPACE}


def _concatenate(keras, tensors: list):
    tensors = [keras.layers.Flatten()(t) if len(t.shape) > 2 else t for t in tensors]
    return tensors[0] if len(tensors) == 1 else keras.layers.Concatenate()(tensors)


def _as_tensors(feed: dict) -> dict:
    """Keras takes strings only as tensors (it rejects NumPy object and '<U' arrays)."""
    import tensorflow as tf

    return {key: tf.constant(value, dtype=tf.string) if value.dtype == object
            else tf.constant(value) for key, value in feed.items()}


def _run_eagerly(model, feed: dict, n_rows: int) -> list[np.ndarray]:
    """``model``'s outputs on ``feed``, called eagerly in batches: ``predict`` would first
    trace a function, which costs seconds, more than the forward pass itself on most data sets
    the search sees."""
    batches = []
    for start in range(0, n_rows, PREDICT_BATCH):
        outputs = model({key: value[start:start + PREDICT_BATCH]
                         for key, value in feed.items()}, training=False)
        batches.append([np.asarray(output) for output in (
            outputs if isinstance(outputs, list | tuple) else [outputs])])
    return [np.concatenate(parts) for parts in zip(*batches)]


class MultiIONetwork(PicklesKerasModel, BaseEstimator):
    """A Keras network from its inputs through its layer blocks to one head per output,
    trained with early stopping on a validation split (best weights kept). Takes and returns
    lists: one prepared entry per input (see ``Branch.prepare``), one target array per output.

    Args:
        inputs: the inputs, in order.
        layers: the layer blocks, in build order (parents first).
        outputs: the outputs, in order, each with the input or layer its head takes.
        layer_values: per layer, its hyperparameter values.
        dropout: dropout before each head's output layer.
        optimizer, learning_rate, batch_size, max_epochs: training settings.
        seed: seeds Keras (weights, shuffling, dropout) and the validation split.
    """

    def __init__(self, inputs: Sequence[InputSpec] = (), layers: Sequence[LayerSpec] = (),
                 outputs: Sequence[OutputSpec] = (), layer_values: Sequence[Mapping] = (),
                 dropout: float = 0.0, optimizer: str = "adam", learning_rate: float = 1e-3,
                 batch_size: int = 32, max_epochs: int = 100, seed: int = 0):
        self.inputs = inputs
        self.layers = layers
        self.outputs = outputs
        self.layer_values = layer_values
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.seed = seed

    def feed(self, xs: Sequence) -> dict:
        """The exported model's input dict for prepared entries, strings as tensors."""
        feed = {}
        for spec, rows in zip(self.inputs, xs):
            feed.update(spec.branch.feed(spec, rows))
        return _as_tensors(feed)

    def _network(self, xs: Sequence, target_stats: list):
        """``(exported model, training model)``: the same layers; the training model's
        regression outputs stay standardised. Statistics and vocabularies come from ``xs``."""
        import keras_tuner

        from automl.blocks._layer import LayerContext

        keras = _keras()
        hp = keras_tuner.HyperParameters()
        inputs: dict = {}
        tensors: dict = {}
        keys: dict[str, tuple[str, ...]] = {}  # the model inputs each tensor depends on
        documents: dict = {}
        vocabulary: dict[str, int | None] = {}
        for spec, rows in zip(self.inputs, xs):
            branch_inputs, tensors[spec.name] = spec.branch.layers(keras, spec, rows)
            inputs.update(branch_inputs)
            keys[spec.name] = tuple(branch_inputs)
            if spec.branch is TextBranch:
                documents[spec.name] = rows
        feed = self.feed(xs)
        n_rows = len(xs[0]) if xs else 0

        def training_values(name: str) -> np.ndarray:
            if name in documents:
                return np.asarray(documents[name], dtype=object)
            upstream = keras.Model({key: inputs[key] for key in keys[name]}, tensors[name])
            return _run_eagerly(upstream, {key: feed[key] for key in keys[name]}, n_rows)[0]

        for layer, values in zip(self.layers, self.layer_values):
            scope = layer_name(layer.name)
            hp.values.update({f"{scope}/{key}": value for key, value in values.items()})
            context = LayerContext(
                scope, lambda index, parents=layer.parents: training_values(parents[index]),
                vocabulary.get(layer.parents[0]))
            tensors[layer.name] = layer.block.build_layer(
                keras, hp, values, [tensors[parent] for parent in layer.parents], context,
                dict(layer.options))
            vocabulary[layer.name] = layer.block.vocabulary_size(values)
            keys[layer.name] = tuple(dict.fromkeys(key for parent in layer.parents
                                                   for key in keys[parent]))
        exported, trained = [], []
        for spec, stats in zip(self.outputs, target_stats):
            name = layer_name(spec.name)
            hidden = _concatenate(keras, [tensors[spec.parent]])
            if self.dropout > 0:
                hidden = keras.layers.Dropout(self.dropout)(hidden)
            if spec.task is Task.CLASSIFICATION:
                output = keras.layers.Dense(len(spec.classes), activation="softmax",
                                            name=name)(hidden)
                exported.append(output)
                trained.append(output)
            else:
                standardised = keras.layers.Dense(1, name=f"{name}_standardised")(hidden)
                trained.append(standardised)
                mean, scale = stats
                exported.append(keras.layers.Rescaling(scale=scale, offset=mean,
                                                       name=name)(standardised))
        return keras.Model(inputs, exported), keras.Model(inputs, trained)

    def _encode(self, ys: Sequence, rows: np.ndarray) -> tuple[list, list]:
        """Targets as the network trains on them (class indices, standardised values), and
        each regression target's (mean, scale) on ``rows``."""
        targets, stats = [], []
        for spec, y in zip(self.outputs, ys):
            if spec.task is Task.CLASSIFICATION:
                index = {label: i for i, label in enumerate(spec.classes)}
                targets.append(np.asarray([index[label] for label in y], dtype="int32"))
                stats.append(None)
            else:
                values = np.asarray(y, dtype="float64")
                mean, scale = float(values[rows].mean()), float(values[rows].std() or 1.0)
                targets.append(((values - mean) / scale).astype("float32"))
                stats.append((mean, scale))
        return targets, stats

    def _steps(self, n_rows: int) -> int:
        """Training steps at most (early stopping may stop sooner)."""
        return -(-n_rows // min(self.batch_size, n_rows)) * self.max_epochs

    def fit(self, xs: Sequence, ys: Sequence) -> MultiIONetwork:
        keras = _keras()
        keras.utils.set_random_seed(self.seed)
        n_rows = len(ys[0])
        order = np.random.default_rng(self.seed).permutation(n_rows)  # the tail validates
        validate = n_rows >= 20
        fitted = n_rows - int(n_rows * VALIDATION_FRACTION) if validate else n_rows
        train, held_out = order[:fitted], order[fitted:]
        targets, stats = self._encode(ys, train)
        train_xs = [take_rows(rows, train) for rows in xs]
        # Statistics and vocabularies come from the rows the network trains on.
        model, training_model = self._network(train_xs, stats)
        training_model.compile(
            optimizer=_optimizer(self.optimizer, self.learning_rate),
            loss=["sparse_categorical_crossentropy" if spec.task is Task.CLASSIFICATION
                  else "mse" for spec in self.outputs],
            jit_compile=False, run_eagerly=self._steps(fitted) <= EAGER_STEPS)
        callbacks = training_callbacks(validate)
        validation = None
        if validate:
            validation = (self.feed([take_rows(rows, held_out) for rows in xs]),
                          [target[held_out] for target in targets])
        history = training_model.fit(
            self.feed(train_xs), [target[train] for target in targets],
            epochs=self.max_epochs, batch_size=min(self.batch_size, fitted), verbose=0,
            validation_data=validation, callbacks=callbacks)
        self.epochs_ = len(history.history["loss"])
        self.model_ = model
        return self

    def _raw_outputs(self, xs: Sequence) -> list[np.ndarray]:
        return _run_eagerly(self.model_, self.feed(xs), len(xs[0]))

    def predict_both(self, xs: Sequence) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Per output, from one pass: its predictions (class labels, or values in the target's
        units) and its class probabilities (``None`` for a regression output)."""
        answers = []
        for spec, output in zip(self.outputs, self._raw_outputs(xs)):
            if spec.task is Task.CLASSIFICATION:
                answers.append((np.asarray(spec.classes)[output.argmax(axis=1)], output))
            else:
                answers.append((output[:, 0].astype("float64"), None))
        return answers

    def predict(self, xs: Sequence) -> list[np.ndarray]:
        """One array per output: class labels, or values in the target's units."""
        return [predicted for predicted, _ in self.predict_both(xs)]

    def predict_proba(self, xs: Sequence) -> list[np.ndarray | None]:
        """One array per output: class probabilities, ``None`` for a regression output."""
        return [probabilities for _, probabilities in self.predict_both(xs)]


