"""ResNetNetwork: a residual network (AutoKeras's ResNetBlock) trained from scratch on image
pixels."""

from automl.blocks._augmentation import AUGMENTATION_SPACE
from automl.blocks._backbone import _Backbone
from automl.blocks._keras import TRAINING_SPACE, frozen_space
from automl.graph import register_block

#: AutoKeras 3.0's ResNetBlock space as ``capture_space("ResNetBlock", (32, 32, 3),
#: options={"pretrained": False})`` records it, frozen here; tests/blocks/test_image_networks.py checks
#: it against AutoKeras. Without pretrained weights AutoKeras declares no ``pretrained`` or
#: ``trainable``. The capture also records ``imagenet_size`` (bool, default False), left out and
#: held False: it upsamples every image to 224x224, the size ImageNet weights were trained at;
#: with random weights it only multiplies the cost (49 times the work of 32x32).
RESNET_BLOCK_SPACE = {
    "version": ("choice", ("resnet50", "resnet101", "resnet152", "resnet50_v2", "resnet101_v2",
                           "resnet152_v2"), "resnet50"),
}


@register_block
class ResNetNetwork(_Backbone):
    """A residual network (AutoKeras's ResNetBlock: ResNet 50/101/152, v1 or v2; minimum
    32x32) then our head, trained with early stopping. See ``_Backbone`` for what all
    backbone blocks share."""

    autokeras_block = "ResNetBlock"
    hyperparameters = {**frozen_space(RESNET_BLOCK_SPACE), **AUGMENTATION_SPACE, **TRAINING_SPACE}
