"""The contract of network layer blocks: parts of one Keras network that a user wires by hand,
AutoKeras style, and the search tunes (``automl.blocks.layers`` holds them)::

    image, table = automl.ImageInput(), automl.StructuredDataInput()
    pixels = automl.blocks.SpatialReduction()(automl.blocks.ConvBlock()(
        automl.blocks.Normalization()(image)))
    merged = automl.blocks.Merge()([pixels, automl.blocks.DenseBlock()(table)])
    model = automl.AutoModel(inputs=[image, table],
                             outputs=[automl.ClassificationHead()(merged)])

A layer block declares its hyperparameters (most are AutoKeras's spaces, frozen) and builds its
part of the network from concrete values (``build_layer``); the network itself is assembled by
``automl.blocks._multi_network.MultiIONetwork``. Layer blocks register apart from pipeline
blocks (``registered_layers``): they build no scikit-learn object.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from automl.blocks._keras import autokeras_block
from automl.graph import KERAS_NETWORK, Block, Node, NodeKind, Role


@dataclass(frozen=True)
class LayerContext:
    """What a layer block may need, besides its values, while its network is built.

    Attributes:
        scope: the layer's unique name in the network: the ``keras_tuner`` scope of its
            values and the name of the Keras layers it names itself.
        training_values: ``training_values(i)``: the values of its ``i``-th input on the rows
            the network trains on (statistics, vocabularies).
        vocabulary_size: the token ids' upper bound when its first input comes from a
            ``TextVectorization``.
    """

    scope: str
    training_values: Callable[[int], np.ndarray]
    vocabulary_size: int | None = None


class Layer(Block):
    """Base of the network layer blocks: called on input nodes or other layers' outputs, like
    Keras layers, and ended by a head. A subclass declares ``hyperparameters`` and either names
    the AutoKeras block that builds it (``autokeras_block``, with the values pre-set in a
    ``keras_tuner.HyperParameters``) or overrides ``build_layer``, and registers with
    ``@register_block``."""

    role = Role.LAYER
    tags = KERAS_NETWORK
    #: Merge takes a list of nodes; the others a single node.
    takes_several: ClassVar[bool] = False
    #: The AutoKeras block that builds it, and that block's constructor arguments.
    autokeras_block: ClassVar[str | None] = None
    autokeras_options: ClassVar[Mapping] = {}
    #: Values of the AutoKeras block's space held fixed rather than searched (each says why).
    held_values: ClassVar[Mapping] = {}

    def __call__(self, inputs) -> Node:
        if self.takes_several and isinstance(inputs, list | tuple):
            if not inputs:
                raise ValueError(f"{self.label} was called on an empty list: pass the nodes to "
                                 "merge.")
            nodes = [self._single_input(node) for node in inputs]
        else:
            nodes = [self._single_input(inputs)]
        for node in nodes:
            if node.kind not in (NodeKind.TABLE, NodeKind.TENSOR):
                raise ValueError(self._wiring_error(node))
        return Node(NodeKind.TENSOR, producer=self, parents=tuple(nodes))

    def options(self) -> dict:
        """Construction settings that are not hyperparameters (``RNNBlock(return_sequences=)``)."""
        return {}

    def get_config(self) -> dict:
        return {**super().get_config(), **self.options()}

    @classmethod
    def vocabulary_size(cls, values: Mapping) -> int | None:
        """The bound of the token ids this layer outputs (TextVectorization), else ``None``."""
        return None

    @classmethod
    def build_layer(cls, keras, hp, values: Mapping, inputs: list, context: LayerContext,
                    options: Mapping):
        """Its output tensor on ``inputs``; ``hp`` already holds ``values`` under
        ``context.scope``."""
        hp.values.update({f"{context.scope}/{key}": value
                          for key, value in cls.held_values.items()})
        block = autokeras_block(cls.autokeras_block, context.scope,
                                {**cls.autokeras_options, **options})
        return block.build(hp, inputs[0] if len(inputs) == 1 else inputs)

    @classmethod
    def build(cls, params, context):
        raise TypeError(f"{cls.__name__} is a layer of a Keras network (end it in a head and "
                        "pass the head's output to AutoModel(outputs=...)); it is no "
                        "scikit-learn pipeline step.")
