"""automl: evolutionary search over scikit-learn (and Keras) pipelines, AutoKeras-style API.

Quick start::

    import automl
    clf = automl.StructuredDataClassifier(time_budget=60, seed=0)
    clf.fit(x_train, y_train)
    clf.predict(x_test)
    pipeline = clf.export_model()   # a fitted scikit-learn Pipeline

Networks wire like Keras layers (AutoKeras's blocks, searched)::

    inp = automl.StructuredDataInput()
    out = automl.ClassificationHead()(automl.DenseBlock()(automl.Normalization()(inp)))
    model = automl.AutoModel(inputs=inp, outputs=out, time_budget=60)

A fitted model is saved in its project folder (``directory/project_name``)::

    model = automl.load_model("automl_projects/structured_data_classifier")

Importing automl does not import TensorFlow.
"""

from automl import blocks
from automl.blocks import ImageBlock, StructuredDataBlock, TextBlock
from automl.blocks.layers import (
    ConvBlock,
    DenseBlock,
    EfficientNetBlock,
    Embedding,
    Flatten,
    ImageAugmentation,
    Merge,
    Normalization,
    ResNetBlock,
    RNNBlock,
    SpatialReduction,
    TemporalReduction,
    TextVectorization,
    XceptionBlock,
)
from automl.fitting import load_model
from automl.graph import (
    ClassificationHead,
    ImageInput,
    RegressionHead,
    StructuredDataInput,
    TextInput,
)
from automl.tasks import (
    AutoModel,
    ImageClassifier,
    ImageRegressor,
    StructuredDataClassifier,
    StructuredDataRegressor,
    TextClassifier,
    TextRegressor,
)
from automl.trials import importance
from automl.trials import write_report as report

__version__ = "0.1.0"

__all__ = [
    "AutoModel",
    "ClassificationHead",
    "ConvBlock",
    "DenseBlock",
    "EfficientNetBlock",
    "Embedding",
    "Flatten",
    "ImageAugmentation",
    "Merge",
    "Normalization",
    "RNNBlock",
    "ResNetBlock",
    "SpatialReduction",
    "TemporalReduction",
    "TextVectorization",
    "XceptionBlock",
    "ImageBlock",
    "load_model",
    "ImageClassifier",
    "RegressionHead",
    "StructuredDataBlock",
    "StructuredDataClassifier",
    "ImageInput",
    "ImageRegressor",
    "StructuredDataInput",
    "StructuredDataRegressor",
    "TextBlock",
    "TextClassifier",
    "TextInput",
    "TextRegressor",
    "blocks",
    "importance",
    "report",
]
