"""Symbolic values of the functional API: each block call makes a new node."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automl.graph._block import Block


class NodeKind(enum.Enum):
    """What flows along an edge; blocks declare which kinds they accept."""

    TABLE = "raw table columns"
    FEATURES = "numeric features"
    TENSOR = "a network's tensor"
    PREDICTION = "model predictions"
    OUTPUT = "head output"


def snake_case(name: str) -> str:
    """``"RNNBlock"`` -> ``"rnn_block"``, ``"StructuredDataInput"`` -> ``"structured_data_input"``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class Node:
    """A value in the graph: an input, or the output of one call of a block.

    Nodes are created by input constructors and by calling a block; the node, not the block,
    records the call, so calling one block twice gives two independent nodes.
    """

    def __init__(self, kind: NodeKind, producer: Block | None = None, parents: tuple = ()):
        self.kind = kind
        self.producer = producer
        self.parents = tuple(parents)

    @property
    def label(self) -> str:
        if self.producer is None:
            return f"{type(self).__name__} {getattr(self, 'name', '?')!r}"
        return f"the output of {self.producer.label}"

    def __repr__(self) -> str:
        return f"<Node: {self.label}>"


class InputNode(Node):
    """A graph input; subclasses say which kind of data it receives."""

    node_kind: NodeKind

    def __init__(self, *, name: str | None = None):
        super().__init__(self.node_kind)
        self.name = name or snake_case(type(self).__name__)

    def get_config(self) -> dict:
        return {"name": self.name}


class StructuredDataInput(InputNode):
    """A table: a DataFrame, a 2-D array or a CSV file.

    Args:
        column_names: names for the columns of an array; ``None`` takes a DataFrame's own.
        column_types: column name -> "numerical" | "categorical", overriding the inference.
        name: a name for error messages and reports.
    """

    node_kind = NodeKind.TABLE

    def __init__(
        self,
        *,
        column_names: Sequence[str] | None = None,
        column_types: Mapping[str, str] | None = None,
        name: str | None = None,
    ):
        super().__init__(name=name)
        self.column_names = None if column_names is None else list(column_names)
        self.column_types = None if column_types is None else dict(column_types)

    def get_config(self) -> dict:
        return {**super().get_config(), "column_names": self.column_names,
                "column_types": self.column_types}


class ImageInput(InputNode):
    """Images: an array of shape (N, H, W) or (N, H, W, C) with numeric pixel values.

    Blocks see one numeric column per pixel and channel, so scikit-learn models and feature
    steps apply directly; convolutional networks reshape the columns back into images.

    Args:
        name: a name for error messages and reports.
    """

    node_kind = NodeKind.TABLE


class TextInput(InputNode):
    """Text: a list, array or Series of strings, one document per row.

    Blocks see one column of kind ``text``: a vectorizer (TF-IDF) turns it into features for
    scikit-learn models, and Keras text networks vectorize it inside the model.

    Args:
        name: a name for error messages and reports.
    """

    node_kind = NodeKind.TABLE
