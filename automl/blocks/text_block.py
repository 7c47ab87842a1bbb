"""TextBlock: the choice block for text, spanning TF-IDF + scikit-learn models and Keras text
networks."""

from typing import ClassVar

from automl.blocks.structured_data_block import StructuredDataBlock
from automl.data import Task


class TextBlock(StructuredDataBlock):
    """Searches text pipelines: a TF-IDF vectorizer (word or character n-grams) feeding a
    linear model or naive Bayes, against Keras text networks that vectorize inside the model,
    with the options of the ``text_classification`` / ``text_regression`` presets in
    ``search_spaces/``. Takes the arguments of ``StructuredDataBlock``."""

    default_presets: ClassVar[dict[Task, str]] = {
        Task.CLASSIFICATION: "text_classification",
        Task.REGRESSION: "text_regression",
    }
