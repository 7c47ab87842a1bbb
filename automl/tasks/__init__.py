"""Task classes: the AutoModel of the functional API and the ready-made tasks."""

import sys

from automl.fitting import _fitted, _multi_io
from automl.fitting._multi_io import _model
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

# Models pickled before the fitting stage had its own package name their classes' old modules.
for _old, _module in {"_fitted": _fitted, "_multi_io": _multi_io, "_multi_io._model": _model}.items():
    sys.modules.setdefault(f"{__name__}.{_old}", _module)
