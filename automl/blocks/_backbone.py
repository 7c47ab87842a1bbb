"""What the image backbone blocks (ResNet, Xception, EfficientNet) share: AutoKeras's block
trained from scratch on the pixels, optional augmentation, our head and training settings."""

from dataclasses import replace
from typing import ClassVar

from automl.blocks._augmentation import AUGMENTATION_KEYS, augmentation_values
from automl.blocks._keras import TRAINING_KEYS, KerasNetwork
from automl.data import Task
from automl.graph import KERAS_NETWORK, Block, Role


class _Backbone(Block):
    """Base of the backbone blocks; a subclass names its AutoKeras block and declares its
    hyperparameters (frozen space + augmentation + training).

    Like every backbone block: trained from scratch (no weights can be downloaded), images
    below the backbone's minimum size are upsampled inside the network, grayscale is repeated
    to three channels, ``augment`` switches on AutoKeras's ImageAugmentation, and a feature
    step that changes the number of pixels (PCA, …) before it fails the candidate clearly.
    Runs on a GPU worker when there is one."""

    role = Role.MODEL
    tags = replace(KERAS_NETWORK, needs_images=True)
    #: The AutoKeras block class name, e.g. ``"ResNetBlock"``.
    autokeras_block: ClassVar[str]

    @classmethod
    def build(cls, params, context):
        if context.input_shape is None:
            raise ValueError(f"{cls.__name__} needs images: use it under an ImageInput (or "
                             "ImageClassifier / ImageRegressor).")
        training = {key: params[key] for key in TRAINING_KEYS}
        block_values = {key: value for key, value in params.items()
                        if key not in TRAINING_KEYS and key not in AUGMENTATION_KEYS}
        # No resize_to: AutoKeras's backbone blocks upsample images below their minimum size.
        # imagenet_size stays off: upsampling to 224x224 only pays with ImageNet weights.
        return KerasNetwork(cls.autokeras_block, {**block_values, "imagenet_size": False},
                            block_options={"pretrained": False},
                            augmentation=augmentation_values(params),
                            classification=context.task is Task.CLASSIFICATION,
                            input_shape=tuple(context.input_shape), seed=context.seed,
                            **training)
