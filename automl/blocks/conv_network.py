"""ConvNetwork: a convolutional Keras network (AutoKeras's ConvBlock) on image pixels."""

from dataclasses import replace

from automl.blocks._keras import TRAINING_KEYS, TRAINING_SPACE, KerasNetwork, frozen_space
from automl.data import Task
from automl.graph import KERAS_NETWORK, Block, Role, register_block

#: AutoKeras 3.0's ConvBlock space as ``capture_space("ConvBlock", ...)`` records it, frozen
#: here (``filters_i_j``: layer j of block i, used when those blocks and layers exist);
#: tests/blocks/test_keras_blocks.py checks it against AutoKeras.
CONV_BLOCK_SPACE = {
    "kernel_size": ("choice", (3, 5, 7), 3),
    "separable": ("bool", (False, True), False),
    "max_pooling": ("bool", (False, True), True),
    "num_blocks": ("choice", (1, 2, 3), 2),
    "num_layers": ("choice", (1, 2), 2),
    "filters_0_0": ("choice", (16, 32, 64, 128, 256, 512), 32),
    "filters_0_1": ("choice", (16, 32, 64, 128, 256, 512), 32),
    "dropout": ("choice", (0.0, 0.25, 0.5), 0.0),
    "filters_1_0": ("choice", (16, 32, 64, 128, 256, 512), 32),
    "filters_1_1": ("choice", (16, 32, 64, 128, 256, 512), 32),
    "filters_2_0": ("choice", (16, 32, 64, 128, 256, 512), 32),
    "filters_2_1": ("choice", (16, 32, 64, 128, 256, 512), 32),
}


@register_block
class ConvNetwork(Block):
    """Convolution blocks (AutoKeras's ConvBlock) then our head, trained with early stopping.
    It needs the image's pixels: a feature step that changes their number (PCA, …) before it
    makes the candidate fail with a clear reason. Runs on a GPU worker when there is one."""

    role = Role.MODEL
    tags = replace(KERAS_NETWORK, needs_images=True)
    hyperparameters = {**frozen_space(CONV_BLOCK_SPACE), **TRAINING_SPACE}

    @classmethod
    def build(cls, params, context):
        if context.input_shape is None:
            raise ValueError("ConvNetwork needs images: use it under an ImageInput (or "
                             "ImageClassifier / ImageRegressor).")
        training = {key: params[key] for key in TRAINING_KEYS}
        block_values = {key: value for key, value in params.items() if key not in TRAINING_KEYS}
        return KerasNetwork("ConvBlock", block_values,
                            classification=context.task is Task.CLASSIFICATION,
                            input_shape=tuple(context.input_shape), seed=context.seed,
                            **training)
