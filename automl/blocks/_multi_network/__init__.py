"""One Keras network over several inputs and outputs (the IO API of ``AutoModel``).

The network is a graph of layer blocks (``automl.blocks.layers``) from the inputs to one head
per output: wired by the user, or by ``automl.fitting._multi_io`` from each input's kind::

    table  -> DenseBlock                                                          \
    images -> Normalization -> ConvBlock -> SpatialReduction                      -> Merge -> heads
    text   -> TextVectorization -> Embedding -> ConvBlock -> SpatialReduction -> DenseBlock /

Each input enters through its branch (``Branch``), which validates its data and turns it into
the tensor the first layers see: a table's numerical columns with missing values filled and
standardised and its categorical columns one-hot (training statistics and categories), an
image's float pixels, a text's strings.

Preprocessing lives inside the model (statistics from the training rows), so the network
``MultiIONetwork.model_`` that ``AutoModel.export_model`` returns takes raw values: a dict with
one entry per table column (key: the column name; float32 for numerical columns, strings for
categorical ones; shape (N, 1)), one per image input (key: the input's name; (N, H, W, C)) and
one per text input (key: the input's name; strings of shape (N, 1)). It returns a list with one
array per output: class probabilities (columns in the order of the head's classes) or
predictions of a regression head in the target's own units (an in-model ``Rescaling`` undoes
the target standardisation the network trains on).

The branches and ``NetworkSettings`` are not pipeline blocks. They inherit ``role`` from a
private base, so they do not register and no table space or contract test picks them up.
TensorFlow is imported only when a network is built, fitted or unpickled.

Modules: ``_specs`` (inputs, layers and outputs as fit saw them), ``_branches`` (how each input
enters, ``NetworkSettings``), ``_assembly`` (the Keras graph from the specs) and ``_network``
(``MultiIONetwork``: targets, training, prediction). This package only re-exports them.
"""

from automl.blocks._multi_network._branches import (
    Branch,
    ImageBranch,
    NetworkSettings,
    TableBranch,
    TextBranch,
)
from automl.blocks._multi_network._network import MultiIONetwork
from automl.blocks._multi_network._specs import (
    InputSpec,
    LayerSpec,
    OutputSpec,
    layer_name,
    take_rows,
)

__all__ = [
    "Branch",
    "ImageBranch",
    "InputSpec",
    "LayerSpec",
    "MultiIONetwork",
    "NetworkSettings",
    "OutputSpec",
    "TableBranch",
    "TextBranch",
    "layer_name",
    "take_rows",
]
