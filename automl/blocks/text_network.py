"""TextNetwork: a Keras network on raw text, vectorized inside the model (AutoKeras's text
block: embedding, convolutions, a spatial reduction, dense layers)."""

from dataclasses import replace
from typing import ClassVar

from automl.blocks._keras import TRAINING_KEYS, TRAINING_SPACE, KerasNetwork, frozen_space
from automl.blocks.conv_network import CONV_BLOCK_SPACE
from automl.blocks.dense_network import DENSE_BLOCK_SPACE
from automl.data import Task
from automl.graph import KERAS_NETWORK, Block, Role, register_block
from automl.hyperparameters import Choice

#: AutoKeras 3.0's Embedding and SpatialReduction spaces as ``capture_space`` records them
#: (tests/tasks/test_text.py checks them); ConvBlock (on sequences) and DenseBlock have the spaces
#: frozen in conv_network.py and dense_network.py.
EMBEDDING_SPACE = {
    "embedding_dim": ("choice", (32, 64, 128, 256, 512), 128),
    "dropout": ("choice", (0.0, 0.25, 0.5), 0.25),
}
SPATIAL_REDUCTION_SPACE = {
    "reduction_type": ("choice", ("flatten", "global_max", "global_avg"), "flatten"),
}
#: AutoKeras's TextBlock, block by block, under the prefixes of our hyperparameter names.
STAGES = {"embedding": ("Embedding", EMBEDDING_SPACE), "conv": ("ConvBlock", CONV_BLOCK_SPACE),
          "reduction": ("SpatialReduction", SPATIAL_REDUCTION_SPACE),
          "dense": ("DenseBlock", DENSE_BLOCK_SPACE)}


def text_network_space(stages: dict) -> dict:
    """A text network's hyperparameters: vocabulary and sequence length, each stage's frozen
    AutoKeras space under its prefix, and the training settings."""
    return {
        "max_tokens": Choice((500, 5000, 20000), default=5000),  # AutoKeras's TextBlock choice
        "sequence_length": Choice((32, 64, 128, 256), default=64),
        **{f"{prefix}_{name}": hp for prefix, (_, space) in stages.items()
           for name, hp in frozen_space(space).items()},
        **TRAINING_SPACE,
    }


@register_block
class TextNetwork(Block):
    """A Keras network on the documents themselves: a ``TextVectorization`` layer (inside the
    model, so the exported model takes strings) keeps the ``max_tokens`` most frequent words
    and cuts or pads each document to ``sequence_length`` tokens; then AutoKeras's TextBlock:
    a word embedding, 1-D convolutions, a reduction over positions and dense layers, trained
    with early stopping. Runs on a GPU worker when there is one."""

    role = Role.MODEL
    tags = replace(KERAS_NETWORK, needs_text=True, takes_raw_text=True)
    #: prefix of our hyperparameter names -> (AutoKeras block, its frozen space), in order.
    stages: ClassVar[dict] = STAGES
    #: constructor arguments of the AutoKeras blocks, besides the embedding's vocabulary size.
    stage_options: ClassVar[dict] = {}
    hyperparameters = text_network_space(STAGES)

    @classmethod
    def build(cls, params, context):
        values = {block: {name: params[f"{prefix}_{name}"] for name in space}
                  for prefix, (block, space) in cls.stages.items()}
        return KerasNetwork(
            tuple(block for block, _ in cls.stages.values()), values,
            block_options={**cls.stage_options,
                           "Embedding": {"max_features": params["max_tokens"] + 1}},
            text_vectorization={"max_tokens": params["max_tokens"],
                                "sequence_length": params["sequence_length"]},
            classification=context.task is Task.CLASSIFICATION, seed=context.seed,
            **{key: params[key] for key in TRAINING_KEYS})
