"""Network layer blocks, wired by hand like AutoKeras's blocks (see ``automl.blocks._layer``).

Each is built from AutoKeras's implementation with the genome's values, over the same frozen
space as the network blocks that use it (``DenseNetwork``'s DenseBlock, ``TextNetwork``'s
stages, the backbones), or is ours where AutoKeras 3.0 has none or does less
(``Normalization`` with training statistics inside the model, ``TextVectorization``).

What a layer receives from an input: a ``StructuredDataInput`` arrives encoded (missing
numbers filled with training means and standardised, categories one-hot with a column for
unseen ones), an ``ImageInput`` as float pixels of shape (H, W, C), and a ``TextInput`` as
strings, which only ``TextVectorization`` takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from automl.blocks._augmentation import AUGMENTATION_BLOCK_SPACE
from automl.blocks._keras import frozen_space
from automl.blocks._layer import Layer
from automl.blocks.conv_network import CONV_BLOCK_SPACE
from automl.blocks.dense_network import DENSE_BLOCK_SPACE
from automl.blocks.efficientnet_network import EFFICIENTNET_BLOCK_SPACE
from automl.blocks.resnet_network import RESNET_BLOCK_SPACE
from automl.blocks.text_network import EMBEDDING_SPACE, SPATIAL_REDUCTION_SPACE
from automl.blocks.text_rnn_network import RNN_BLOCK_SPACE, TEMPORAL_REDUCTION_SPACE
from automl.blocks.xception_network import XCEPTION_BLOCK_SPACE
from automl.graph import register_block
from automl.hyperparameters import Choice


@register_block
class DenseBlock(Layer):
    """AutoKeras's DenseBlock: fully connected layers (their number, units, batch
    normalization, dropout searched); flattens its input first."""

    autokeras_block = "DenseBlock"
    hyperparameters = frozen_space(DENSE_BLOCK_SPACE)


@register_block
class ConvBlock(Layer):
    """AutoKeras's ConvBlock: 2-D convolutions on images, 1-D on sequences (kernel size,
    filters, separable, pooling, dropout searched)."""

    autokeras_block = "ConvBlock"
    hyperparameters = frozen_space(CONV_BLOCK_SPACE)


class _Backbone(Layer):
    """Trained from scratch (``pretrained=False``: no weights can be downloaded); images below
    the backbone's minimum size are upsampled inside it. ``imagenet_size`` is held off: with
    random weights upsampling to 224x224 only multiplies the cost."""

    autokeras_options = {"pretrained": False}
    held_values = {"imagenet_size": False}


@register_block
class ResNetBlock(_Backbone):
    """AutoKeras's ResNetBlock (ResNet 50/101/152, v1 or v2) on images."""

    autokeras_block = "ResNetBlock"
    hyperparameters = frozen_space(RESNET_BLOCK_SPACE)


@register_block
class XceptionBlock(_Backbone):
    """AutoKeras's XceptionBlock on images (no hyperparameters of its own)."""

    autokeras_block = "XceptionBlock"
    hyperparameters = frozen_space(XCEPTION_BLOCK_SPACE)


@register_block
class EfficientNetBlock(_Backbone):
    """AutoKeras's EfficientNetBlock (B0 to B7) on images."""

    autokeras_block = "EfficientNetBlock"
    hyperparameters = frozen_space(EFFICIENTNET_BLOCK_SPACE)


@register_block
class ImageAugmentation(Layer):
    """AutoKeras's ImageAugmentation: random translations, flips, rotations and contrast while
    training (identity when predicting). ``zoom_factor`` is held at 0: AutoKeras 3.0 reads it
    but builds no layer from it."""

    autokeras_block = "ImageAugmentation"
    held_values = {"zoom_factor": 0.0}
    hyperparameters = frozen_space(AUGMENTATION_BLOCK_SPACE)


@register_block
class RNNBlock(Layer):
    """AutoKeras's RNNBlock: (bidirectional) LSTM or GRU layers on sequences.

    Args:
        return_sequences: output every position (for a TemporalReduction after it) rather
            than the last one.
    """

    autokeras_block = "RNNBlock"
    hyperparameters = frozen_space(RNN_BLOCK_SPACE)

    def __init__(self, *, return_sequences: bool = False, name: str | None = None, **fixed):
        super().__init__(name=name, **fixed)
        self.return_sequences = bool(return_sequences)

    def options(self) -> dict:
        return {"return_sequences": self.return_sequences}


@register_block
class Embedding(Layer):
    """AutoKeras's Embedding: token ids to vectors (dimension and dropout searched). Takes
    the output of a TextVectorization, whose vocabulary bounds its table."""

    tags = replace(Layer.tags, needs_token_ids=True)
    autokeras_block = "Embedding"
    hyperparameters = frozen_space(EMBEDDING_SPACE)

    @classmethod
    def build_layer(cls, keras, hp, values, inputs, context, options):
        options = {**options, "max_features": context.vocabulary_size}
        return super().build_layer(keras, hp, values, inputs, context, options)


@register_block
class SpatialReduction(Layer):
    """AutoKeras's SpatialReduction: an image's feature maps (or a sequence) to a vector by
    flattening or global max / average pooling."""

    autokeras_block = "SpatialReduction"
    hyperparameters = frozen_space(SPATIAL_REDUCTION_SPACE)


@register_block
class TemporalReduction(Layer):
    """AutoKeras's TemporalReduction: a sequence to a vector (flatten, global max or
    average)."""

    autokeras_block = "TemporalReduction"
    hyperparameters = frozen_space(TEMPORAL_REDUCTION_SPACE)


@register_block
class Flatten(Layer):
    """AutoKeras's Flatten: a tensor of any rank to a vector per row."""

    autokeras_block = "Flatten"


@register_block
class Merge(Layer):
    """AutoKeras's Merge: several tensors into one. Tensors of one shape are added or
    concatenated (``merge_type`` searched, as in AutoKeras); others are flattened and
    concatenated."""

    takes_several = True
    autokeras_block = "Merge"
    hyperparameters = {"merge_type": Choice(("add", "concatenate"), default="add")}


@register_block
class Normalization(Layer):
    """Standardises each feature (the last axis: a table's columns, an image's channels) with
    the mean and variance of the training rows, inside the model. AutoKeras 3.0's
    Normalization leaves the statistics to a separate ``adapt`` step; here they are part of the
    fitted network. A constant feature is only centred."""


    @classmethod
    def build_layer(cls, keras, hp, values, inputs, context, options):
        rows = np.asarray(context.training_values(0), dtype="float64")
        rows = rows.reshape(-1, rows.shape[-1])
        mean = rows.mean(axis=0) if len(rows) else np.zeros(rows.shape[-1])
        variance = rows.var(axis=0) if len(rows) else np.ones(rows.shape[-1])
        variance = np.where(variance > 0, variance, 1.0)
        return keras.layers.Normalization(axis=-1, mean=mean, variance=variance,
                                          name=context.scope)(inputs[0])


@register_block
class TextVectorization(Layer):
    """Documents to token ids, inside the model: keeps the ``max_tokens`` most frequent words
    of the training documents and cuts or pads each document to ``sequence_length`` tokens
    (the choices of AutoKeras's TextBlock). Takes a TextInput; an Embedding follows it."""

    tags = replace(Layer.tags, takes_documents=True)
    hyperparameters = {
        "max_tokens": Choice((500, 5000, 20000), default=5000),
        "sequence_length": Choice((32, 64, 128, 256), default=64),
    }

    @classmethod
    def vocabulary_size(cls, values: Mapping) -> int:
        return int(values["max_tokens"]) + 1

    @classmethod
    def build_layer(cls, keras, hp, values, inputs, context, options):
        vectorize = keras.layers.TextVectorization(
            max_tokens=values["max_tokens"], output_sequence_length=values["sequence_length"],
            name=context.scope)
        vectorize.adapt(np.asarray(context.training_values(0), dtype=object).ravel())
        return vectorize(inputs[0])
