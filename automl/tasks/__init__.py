"""Task classes: the AutoModel of the functional API and the ready-made tasks."""

from automl.tasks._auto_model import AutoModel
from automl.tasks._single_input import (
    ImageClassifier,
    ImageRegressor,
    TextClassifier,
    TextRegressor,
)
from automl.tasks._structured import StructuredDataClassifier, StructuredDataRegressor

__all__ = ["AutoModel", "ImageClassifier", "ImageRegressor", "StructuredDataClassifier",
           "StructuredDataRegressor", "TextClassifier", "TextRegressor"]
