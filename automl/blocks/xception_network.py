"""XceptionNetwork: an Xception network (AutoKeras's XceptionBlock) trained from scratch on
image pixels."""

from automl.blocks._augmentation import AUGMENTATION_SPACE
from automl.blocks._backbone import _Backbone
from automl.blocks._keras import TRAINING_SPACE, frozen_space
from automl.graph import register_block

#: AutoKeras 3.0's XceptionBlock space as ``capture_space("XceptionBlock", (32, 32, 3),
#: options={"pretrained": False})`` records it, frozen here; tests/blocks/test_image_networks.py checks
#: it against AutoKeras. Without pretrained weights AutoKeras declares no ``pretrained`` or
#: ``trainable``. The capture also records ``imagenet_size`` (bool, default False), left out and
#: held False: it upsamples every image to 224x224, the size ImageNet weights were trained at;
#: with random weights it only multiplies the cost (about 10 times the work of 71x71).
XCEPTION_BLOCK_SPACE: dict = {}


@register_block
class XceptionNetwork(_Backbone):
    """An Xception network (AutoKeras's XceptionBlock, which declares no hyperparameters of its
    own; minimum 71x71) then our head, trained with early stopping. See ``_Backbone`` for what
    all backbone blocks share."""

    autokeras_block = "XceptionBlock"
    hyperparameters = {**frozen_space(XCEPTION_BLOCK_SPACE), **AUGMENTATION_SPACE, **TRAINING_SPACE}
