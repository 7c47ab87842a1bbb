"""EfficientNetNetwork: an EfficientNet (AutoKeras's EfficientNetBlock) trained from scratch on
image pixels."""

from automl.blocks._augmentation import AUGMENTATION_SPACE
from automl.blocks._backbone import _Backbone
from automl.blocks._keras import TRAINING_SPACE, frozen_space
from automl.graph import register_block

#: AutoKeras 3.0's EfficientNetBlock space as ``capture_space("EfficientNetBlock", (32, 32, 3),
#: options={"pretrained": False})`` records it, frozen here; tests/blocks/test_image_networks.py checks
#: it against AutoKeras. Without pretrained weights AutoKeras declares no ``pretrained`` or
#: ``trainable``. The capture also records ``imagenet_size`` (bool, default False), left out and
#: held False: it upsamples every image to 224x224, the size ImageNet weights were trained at;
#: with random weights it only multiplies the cost (49 times the work of 32x32).
EFFICIENTNET_BLOCK_SPACE = {
    "version": ("choice", ("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"), "b0"),
}


@register_block
class EfficientNetNetwork(_Backbone):
    """An EfficientNet (AutoKeras's EfficientNetBlock: B0 to B7; minimum 32x32) then our head,
    trained with early stopping. See ``_Backbone`` for what all backbone blocks share."""

    autokeras_block = "EfficientNetBlock"
    hyperparameters = {**frozen_space(EFFICIENTNET_BLOCK_SPACE), **AUGMENTATION_SPACE, **TRAINING_SPACE}
