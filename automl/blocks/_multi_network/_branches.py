"""How each input enters a multi-input network (its branch), and the network-wide settings.

The branches and ``NetworkSettings`` are not pipeline blocks. They inherit ``role`` from a
private base and are not decorated with ``@register_block``, so they do not register and no
table space or contract test picks them up.
"""

from __future__ import annotations

import os
from typing import ClassVar

import numpy as np
import pandas as pd

from automl.blocks._keras import TRAINING_SPACE
from automl.blocks._multi_network._specs import InputSpec, layer_name
from automl.data import (
    ColumnKind,
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


def concatenate(keras, tensors: list):
    """``tensors``, each flattened to one row of features per example, joined into one
    tensor: a table's columns, or what a head is called on."""
    tensors = [keras.layers.Flatten()(t) if len(t.shape) > 2 else t for t in tensors]
    return tensors[0] if len(tensors) == 1 else keras.layers.Concatenate()(tensors)


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
            hidden = concatenate(keras, [inputs[name] for name in numeric])
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
        return inputs, concatenate(keras, parts)

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
