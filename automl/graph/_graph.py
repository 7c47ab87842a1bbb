"""A validated graph of nodes from inputs to heads."""

from __future__ import annotations

from collections.abc import Sequence

from automl.graph._block import Block
from automl.graph._heads import Head
from automl.graph._node import InputNode, Node


def _as_nodes(value, argument: str) -> tuple[Node, ...]:
    nodes = tuple(value) if isinstance(value, Sequence) else (value,)
    if not nodes:
        raise ValueError(f"{argument} is empty: pass at least one node.")
    for node in nodes:
        if not isinstance(node, Node):
            raise TypeError(f"{argument} must hold graph nodes; received {type(node).__name__}.")
    return nodes


class Graph:
    """Inputs and outputs plus everything between, checked for wiring mistakes.

    Attributes:
        inputs: the input nodes, in the order ``fit`` receives data.
        outputs: the head output nodes.
        nodes: every node, parents before children.
    """

    def __init__(self, inputs, outputs):
        self.inputs = _as_nodes(inputs, "inputs")
        self.outputs = _as_nodes(outputs, "outputs")
        for node in self.inputs:
            if not isinstance(node, InputNode):
                raise ValueError(f"inputs must be input nodes such as StructuredDataInput(); "
                                 f"{node.label} is not.")
        for node in self.outputs:
            if not isinstance(node.producer, Head):
                raise ValueError(
                    f"every output must come from a head (ClassificationHead or RegressionHead); "
                    f"{node.label} does not: call a head on it."
                )
        self.nodes = self._sorted_nodes()
        reached = {id(node) for node in self.nodes}
        for node in self.inputs:
            if id(node) not in reached:
                raise ValueError(f"{node.label} is in inputs but no output depends on it: remove "
                                 "it from inputs or wire it to a head.")

    def _sorted_nodes(self) -> list[Node]:
        declared = {id(node) for node in self.inputs}
        state: dict[int, str] = {}
        order: list[Node] = []

        def visit(node: Node, path: list[Node]):
            if state.get(id(node)) == "done":
                return
            if state.get(id(node)) == "active":
                cycle = " -> ".join(n.label for n in path[path.index(node):] + [node])
                raise ValueError(f"the graph has a cycle: {cycle}. Blocks must form a DAG.")
            state[id(node)] = "active"
            if node.producer is None and id(node) not in declared:
                raise ValueError(
                    f"{path[0].label} depends on {node.label}, which is not in inputs: add it to "
                    "AutoModel(inputs=[...]) or wire that output from a declared input."
                )
            for parent in node.parents:
                visit(parent, path + [node])
            state[id(node)] = "done"
            order.append(node)

        for output in self.outputs:
            visit(output, [output])
        return order

    @property
    def blocks(self) -> list[Block]:
        """Blocks in execution order (one entry per call)."""
        return [node.producer for node in self.nodes if node.producer is not None]

    def chain(self) -> tuple[InputNode, list[Block]]:
        """The single path input -> blocks -> head, for graphs without branches."""
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            raise ValueError(
                f"this AutoModel has {len(self.inputs)} inputs and {len(self.outputs)} outputs; "
                "scikit-learn pipelines take one StructuredDataInput and one head. Use one of "
                "each (several inputs and outputs need a Keras network)."
            )
        blocks: list[Block] = []
        node = self.outputs[0]
        while node.producer is not None:
            if len(node.parents) != 1:
                raise ValueError(f"{node.producer.label} merges {len(node.parents)} branches; "
                                 "scikit-learn pipelines need a single chain of blocks.")
            blocks.append(node.producer)
            node = node.parents[0]
        return node, blocks[::-1]
