"""ImageBlock: the choice block for images, spanning scikit-learn models on the pixels and
convolutional Keras networks."""

from typing import ClassVar

from automl.blocks.structured_data_block import StructuredDataBlock
from automl.data import Task


class ImageBlock(StructuredDataBlock):
    """Searches image pipelines: scikit-learn models on the pixels (optionally scaled or
    PCA-reduced) against convolutional networks (AutoKeras's ConvBlock), with the options of
    the ``image_classification`` / ``image_regression`` presets in ``search_spaces/``.
    Takes the arguments of ``StructuredDataBlock``."""

    default_presets: ClassVar[dict[Task, str]] = {
        Task.CLASSIFICATION: "image_classification",
        Task.REGRESSION: "image_regression",
    }
