"""The Keras graph of a ``MultiIONetwork``, built from its specs, and how it is fed and run.

Each input's branch makes its Keras inputs and first tensor; each layer block is called on its
parents' tensors in build order (with the training values it may need for statistics and
vocabularies); and each output gets a head: a softmax over its classes, or one linear unit on
standardised targets that the exported model rescales to the target's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from automl.blocks._keras import import_keras
from automl.blocks._multi_network._branches import TextBranch, concatenate
from automl.blocks._multi_network._specs import InputSpec, layer_name
from automl.data import Task

if TYPE_CHECKING:
    from automl.blocks._multi_network._network import MultiIONetwork

#: Rows per batch when predicting.
PREDICT_BATCH = 4096


def as_tensors(feed: dict) -> dict:
    """Keras takes strings only as tensors (it rejects NumPy object and '<U' arrays)."""
    import tensorflow as tf

    return {key: tf.constant(value, dtype=tf.string) if value.dtype == object
            else tf.constant(value) for key, value in feed.items()}


def model_feed(inputs: Sequence[InputSpec], xs: Sequence) -> dict:
    """The exported model's input dict for prepared entries ``xs`` of ``inputs``, strings as
    tensors."""
    feed = {}
    for spec, rows in zip(inputs, xs):
        feed.update(spec.branch.feed(spec, rows))
    return as_tensors(feed)


def run_eagerly(model, feed: dict, n_rows: int) -> list[np.ndarray]:
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


def build_network(network: MultiIONetwork, xs: Sequence, target_stats: list):
    """The Keras models of ``network``: the same layers, from its inputs to its heads.

    Args:
        network: the network's specs, layer values and dropout.
        xs: the prepared training entries, one per input: statistics and vocabularies come
            from them.
        target_stats: per output, ``(mean, scale)`` of a regression target, ``None`` for a
            classification one.

    Returns:
        ``(exported model, training model)``: the training model's regression outputs stay
        standardised; the exported model's are in the target's units.
    """
    import keras_tuner

    from automl.blocks._layer import LayerContext

    keras = import_keras()
    hp = keras_tuner.HyperParameters()
    inputs: dict = {}
    tensors: dict = {}
    keys: dict[str, tuple[str, ...]] = {}  # the model inputs each tensor depends on
    documents: dict = {}
    vocabulary: dict[str, int | None] = {}
    for spec, rows in zip(network.inputs, xs):
        branch_inputs, tensors[spec.name] = spec.branch.layers(keras, spec, rows)
        inputs.update(branch_inputs)
        keys[spec.name] = tuple(branch_inputs)
        if spec.branch is TextBranch:
            documents[spec.name] = rows
    feed = model_feed(network.inputs, xs)
    n_rows = len(xs[0]) if xs else 0

    def training_values(name: str) -> np.ndarray:
        if name in documents:
            return np.asarray(documents[name], dtype=object)
        upstream = keras.Model({key: inputs[key] for key in keys[name]}, tensors[name])
        return run_eagerly(upstream, {key: feed[key] for key in keys[name]}, n_rows)[0]

    for layer, values in zip(network.layers, network.layer_values):
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
    for spec, stats in zip(network.outputs, target_stats):
        name = layer_name(spec.name)
        hidden = concatenate(keras, [tensors[spec.parent]])
        if network.dropout > 0:
            hidden = keras.layers.Dropout(network.dropout)(hidden)
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
