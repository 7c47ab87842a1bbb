"""Optional image augmentation for image networks: AutoKeras's ImageAugmentation space, frozen
once here, searched as hyperparameters prefixed ``augment_`` behind an ``augment`` switch.

Private (leading underscore), so the block auto-import skips it; ResNetNetwork,
XceptionNetwork and EfficientNetNetwork share it (ConvNetwork could too).
"""

from automl.blocks._keras import frozen_space
from automl.hyperparameters import Bool

#: AutoKeras 3.0's ImageAugmentation space as ``capture_space("ImageAugmentation", (8, 8, 1))``
#: records it, frozen here; tests/blocks/test_image_networks.py checks it against AutoKeras. The
#: capture also records ``zoom_factor`` (choice of 0.0 and 0.1, default 0.0), left out: AutoKeras
#: 3.0 reads it but builds no layer from it (its RandomZoom is commented out), so every value
#: gives the same network and searching it would only make duplicate candidates.
AUGMENTATION_BLOCK_SPACE = {
    "translation_factor": ("choice", (0.0, 0.1), 0.0),
    "horizontal_flip": ("bool", (False, True), True),
    "vertical_flip": ("bool", (False, True), True),
    "rotation_factor": ("choice", (0.0, 0.1), 0.0),
    "contrast_factor": ("choice", (0.0, 0.1), 0.0),
}
#: Prefix of the augmentation's hyperparameters in a block's space.
AUGMENTATION_PREFIX = "augment_"

#: Part of an image network's space: ``augment`` switches augmentation on (off by default);
#: the ``augment_*`` values only count when it is on.
AUGMENTATION_SPACE = {
    "augment": Bool(default=False),
    **{f"{AUGMENTATION_PREFIX}{name}": hp
       for name, hp in frozen_space(AUGMENTATION_BLOCK_SPACE).items()},
}
AUGMENTATION_KEYS = tuple(AUGMENTATION_SPACE)


def augmentation_values(params) -> dict | None:
    """The ImageAugmentation values (names without prefix) for ``KerasNetwork(augmentation=…)``,
    or ``None`` when ``params["augment"]`` is off."""
    if not params["augment"]:
        return None
    return {key.removeprefix(AUGMENTATION_PREFIX): params[key]
            for key in AUGMENTATION_KEYS if key != "augment"}
