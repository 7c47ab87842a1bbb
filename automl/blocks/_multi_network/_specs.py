"""What a multi-input network is made of, as fit saw it: its inputs, layers and outputs, and the
names and rows they go by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from automl.data import ColumnKind, Task

if TYPE_CHECKING:
    from automl.blocks._multi_network._branches import Branch


def layer_name(key: str) -> str:
    """A Keras layer name for an input key or output name (Keras rejects ``/`` and friends)."""
    return re.sub(r"[^0-9A-Za-z_.-]", "_", key) or "input"


def take_rows(rows, index: np.ndarray):
    """The rows ``index`` of one prepared input entry (a DataFrame or an array)."""
    if isinstance(rows, pd.DataFrame):
        return rows.iloc[index].reset_index(drop=True)
    return rows[index]


@dataclass(frozen=True)
class InputSpec:
    """One input of a multi-input network, as fit saw it.

    Attributes:
        name: the input node's name: its key in the exported model (images, text), how layers
            refer to it (``LayerSpec.parents``) and how errors do.
        branch: the branch class through which it enters the network.
        column_names, column_kinds: a table's columns (their names are the exported model's
            keys), empty for other inputs.
        image_shape: (H, W, C) of an image input.
    """

    name: str
    branch: type[Branch]
    column_names: tuple[str, ...] = ()
    column_kinds: tuple[ColumnKind, ...] = ()
    image_shape: tuple[int, ...] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """The exported model's input keys for this input."""
        return self.column_names or (self.name,)


@dataclass(frozen=True)
class OutputSpec:
    """One output: its name (the exported model's output layer), task and sorted classes, and
    the input or layer its head is called on (``parent``)."""

    name: str
    task: Task
    classes: tuple | None = None
    parent: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """One layer block of the network, in build order.

    Attributes:
        name: unique among inputs, layers and outputs: its slot in the search space and its
            scope in the network.
        block: the layer block class (``automl.blocks.layers``).
        parents: the names of the inputs or earlier layers it is called on, in order.
        options: the block's construction settings (``Layer.options``), as sorted items.
    """

    name: str
    block: type
    parents: tuple[str, ...]
    options: tuple = ()
