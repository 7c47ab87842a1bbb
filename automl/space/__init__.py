"""Search spaces: slots of a pipeline, the blocks that may fill them, presets as data."""

import automl.blocks  # noqa: F401 - registers every block before presets name them
from automl.space._build import DEFAULT_PRESETS, build_space
from automl.space._presets import Preset, available_presets, load_preset, presets_directory
from automl.space._slots import (
    ENCODER_SLOT,
    IMPUTER_SLOT,
    MODEL_SLOT,
    PREPROCESSING_SLOT,
    SLOT_ROLES,
    VECTORIZER_SLOT,
)
from automl.space._space import BlockOption, SearchSpace, Slot

__all__ = [
    "DEFAULT_PRESETS",
    "ENCODER_SLOT",
    "IMPUTER_SLOT",
    "MODEL_SLOT",
    "PREPROCESSING_SLOT",
    "SLOT_ROLES",
    "VECTORIZER_SLOT",
    "BlockOption",
    "Preset",
    "SearchSpace",
    "Slot",
    "available_presets",
    "build_space",
    "load_preset",
    "presets_directory",
]
