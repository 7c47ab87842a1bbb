"""The slots of a candidate pipeline, by name: the one place these names are spelled."""

from automl.graph import Role

IMPUTER_SLOT = "imputer"
ENCODER_SLOT = "encoder"
VECTORIZER_SLOT = "vectorizer"
#: Feature steps, in order (zero or more genes).
PREPROCESSING_SLOT = "preprocessing"
#: The model; for a network over several inputs and outputs, its heads and training settings.
MODEL_SLOT = "model"

#: Slot name -> the role of the blocks that may fill it (presets name slots by these).
SLOT_ROLES = {
    IMPUTER_SLOT: Role.IMPUTER,
    ENCODER_SLOT: Role.ENCODER,
    VECTORIZER_SLOT: Role.VECTORIZER,
    PREPROCESSING_SLOT: Role.TRANSFORMER,
    MODEL_SLOT: Role.MODEL,
}
