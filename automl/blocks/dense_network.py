"""DenseNetwork: a fully connected Keras network (AutoKeras's DenseBlock) on table features."""

from dataclasses import replace

from automl.blocks._keras import TRAINING_KEYS, TRAINING_SPACE, KerasNetwork, frozen_space
from automl.data import Task
from automl.graph import KERAS_NETWORK, Block, Role, register_block

#: AutoKeras 3.0's DenseBlock space as ``capture_space("DenseBlock", ...)`` records it, frozen
#: here so genomes have a fixed space (``units_2`` only counts with three layers);
#: tests/blocks/test_keras_blocks.py checks it against AutoKeras.
DENSE_BLOCK_SPACE = {
    "use_batchnorm": ("bool", (False, True), False),
    "num_layers": ("choice", (1, 2, 3), 2),
    "units_0": ("choice", (16, 32, 64, 128, 256, 512, 1024), 32),
    "dropout": ("choice", (0.0, 0.25, 0.5), 0.0),
    "units_1": ("choice", (16, 32, 64, 128, 256, 512, 1024), 32),
    "units_2": ("choice", (16, 32, 64, 128, 256, 512, 1024), 32),
}


@register_block
class DenseNetwork(Block):
    """A multi-layer perceptron trained with early stopping; its layers, units, dropout and
    batch normalisation come from AutoKeras's DenseBlock, its training settings from
    ``TRAINING_SPACE``. Runs on a GPU worker when there is one."""

    role = Role.MODEL
    # refit_cost_factor: the refit trains on all rows, with the same early stopping
    tags = replace(KERAS_NETWORK, scale_sensitive=True)
    hyperparameters = {**frozen_space(DENSE_BLOCK_SPACE), **TRAINING_SPACE}

    @classmethod
    def build(cls, params, context):
        training = {key: params[key] for key in TRAINING_KEYS}
        block_values = {key: value for key, value in params.items() if key not in TRAINING_KEYS}
        return KerasNetwork("DenseBlock", block_values,
                            classification=context.task is Task.CLASSIFICATION,
                            seed=context.seed, **training)
