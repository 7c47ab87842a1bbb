"""The IO API's data, validated at the boundary: one entry per input (checked by its kind),
one target per output, the same rows everywhere."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np

from automl.blocks._multi_network import InputSpec, LayerSpec, OutputSpec, take_rows
from automl.data import Task, validate_target
from automl.fitting._multi_io._graph import BRANCHES
from automl.graph import Head, InputNode


def _describe(names: Sequence[str], nodes: Sequence) -> str:
    return ", ".join(f"{name} ({type(node).__name__})" for name, node in zip(names, nodes))


def _entries(value, count: int, argument: str, what: str, described: str) -> list:
    """``value`` as a list of ``count`` entries; with one input (output) the entry itself is
    accepted too."""
    if count == 1 and not (isinstance(value, list | tuple) and len(value) == 1
                           and hasattr(value[0], "__len__") and not isinstance(value[0], str)):
        value = [value]
    if not isinstance(value, list | tuple):
        raise TypeError(f"{argument} must be a list with one entry per {what} ({described}); "
                        f"received {type(value).__name__}.")
    if len(value) != count:
        raise ValueError(f"{argument} has {len(value)} entries, but the model has {count} "
                         f"{what}s: {described}. Pass a list with one entry per {what}, in that "
                         "order.")
    return list(value)


def _n_rows(entry, argument: str) -> int:
    try:
        return len(entry)
    except TypeError:
        raise TypeError(f"{argument} must be an array, list, Series or DataFrame; received "
                        f"{type(entry).__name__}.") from None


def _check_same_rows(counts: Sequence[int], names: Sequence[str], argument: str,
                     reference: tuple[str, int]) -> None:
    for index, (count, name) in enumerate(zip(counts, names)):
        if count != reference[1]:
            raise ValueError(f"{argument}[{index}] ({name}) has {count} rows, but "
                             f"{reference[0]} has {reference[1]}: every entry of x and y needs "
                             "one row per example, in the same order.")


@dataclass(frozen=True)
class MultiIOData:
    """Validated training data: one prepared entry per input, one target array per output."""

    x: tuple
    y: tuple[np.ndarray, ...]
    inputs: tuple[InputSpec, ...]
    outputs: tuple[OutputSpec, ...]
    layers: tuple[LayerSpec, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.y[0])

    def fingerprint(self) -> str:
        """A short hash of every entry, target and input spec: equal data, equal hash (in any
        process), so a stored search resumes only on the data it was run on."""
        specs = [(spec.name, spec.column_names, [kind.value for kind in spec.column_kinds],
                  spec.image_shape) for spec in self.inputs]
        return joblib.hash((specs, self.x, self.y))[:16]

    def take(self, index: np.ndarray) -> tuple[list, list]:
        """The rows ``index`` of every input and output."""
        return [take_rows(rows, index) for rows in self.x], [y[index] for y in self.y]


def prepare_training_data(nodes: Sequence[InputNode], input_names: Sequence[str],
                          heads: Sequence[Head], output_names: Sequence[str], x, y) -> MultiIOData:
    """Checks ``x`` and ``y`` against the inputs and heads (entry counts, row counts, each
    entry by its kind) and prepares them."""
    x = _entries(x, len(nodes), "x", "input", _describe(input_names, nodes))
    if y is None:
        raise ValueError(f"y is required: pass a list with one target per output "
                         f"({_describe(output_names, heads)}).")
    y = _entries(y, len(heads), "y", "output", _describe(output_names, heads))
    for index, target in enumerate(y):
        if isinstance(target, str):
            raise ValueError(f"y[{index}] ({output_names[index]}) is the string {target!r}; with "
                             "several inputs or outputs pass the targets themselves (one array "
                             "per output), not column names.")
    entries, inputs = [], []
    for index, (node, name, entry) in enumerate(zip(nodes, input_names, x)):
        branch = BRANCHES[type(node)]
        named = _renamed(node, name)
        rows, spec = branch.prepare(entry, f"x[{index}] ({name})", named)
        entries.append(rows)
        inputs.append(spec)
    counts = [len(rows) for rows in entries]
    _check_same_rows(counts, input_names, "x", (f"x[0] ({input_names[0]})", counts[0]))
    _check_same_rows([_n_rows(t, f"y[{i}]") for i, t in enumerate(y)], output_names, "y",
                     ("x", counts[0]))
    _check_unique_keys(inputs)
    targets, outputs = [], []
    for index, (head, name, target) in enumerate(zip(heads, output_names, y)):
        target = validate_target(target, head.task, counts[0], argument=f"y[{index}] ({name})")
        targets.append(target)
        classes = (tuple(np.unique(target).tolist()) if head.task is Task.CLASSIFICATION
                   else None)
        outputs.append(OutputSpec(name, head.task, classes))
    return MultiIOData(tuple(entries), tuple(targets), tuple(inputs), tuple(outputs))


def _renamed(node: InputNode, name: str) -> InputNode:
    if node.name == name:
        return node
    node = copy.copy(node)
    node.name = name
    return node


def _check_unique_keys(inputs: Sequence[InputSpec]) -> None:
    """The exported model takes a dict: table columns and other inputs' names must differ."""
    owner: dict[str, str] = {}
    for spec in inputs:
        for key in spec.keys:
            if key in owner:
                raise ValueError(
                    f"{key!r} is both {owner[key]} and {_key_role(spec, key)}, but the exported "
                    "model takes one dict keyed by table columns and the names of image and "
                    "text inputs: rename the column or give the input another name=.")
            owner[key] = _key_role(spec, key)


def _key_role(spec: InputSpec, key: str) -> str:
    return f"a column of {spec.name}" if spec.column_names else f"the name of input {key!r}"

