"""The functional API: input nodes, blocks called on nodes, heads, and graph validation."""

from automl.graph._block import (
    KERAS_NETWORK,
    Block,
    BlockTags,
    BuildContext,
    Role,
    missing_package,
    register_block,
    registered_blocks,
    registered_layers,
)
from automl.graph._graph import Graph
from automl.graph._heads import ClassificationHead, Head, RegressionHead
from automl.graph._node import (
    ImageInput,
    InputNode,
    Node,
    NodeKind,
    StructuredDataInput,
    TextInput,
)

__all__ = [
    "KERAS_NETWORK",
    "BlockTags",
    "register_block",
    "Block",
    "BuildContext",
    "ClassificationHead",
    "Graph",
    "Head",
    "missing_package",
    "InputNode",
    "Node",
    "NodeKind",
    "RegressionHead",
    "Role",
    "ImageInput",
    "StructuredDataInput",
    "TextInput",
    "registered_blocks",
    "registered_layers",
]
