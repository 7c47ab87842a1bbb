"""The network's graph: the inputs, the layer blocks (wired by hand, or each input kind's
defaults) and one head per output, checked and turned into layer specs and search slots."""

from __future__ import annotations

from automl.blocks._multi_network import ImageBranch, LayerSpec, TableBranch, TextBranch
from automl.data import Task
from automl.graph import (
    Graph,
    Head,
    ImageInput,
    InputNode,
    Node,
    Role,
    StructuredDataInput,
    TextInput,
    registered_layers,
)
from automl.space import MODEL_SLOT, BlockOption, Slot

#: How each kind of input enters the network.
BRANCHES = {StructuredDataInput: TableBranch, ImageInput: ImageBranch, TextInput: TextBranch}
#: The layers each kind of input gets when the outputs are heads (AutoKeras's task blocks).
DEFAULT_LAYERS = {
    StructuredDataInput: ("DenseBlock",),
    ImageInput: ("Normalization", "ConvBlock", "SpatialReduction"),
    TextInput: ("TextVectorization", "Embedding", "ConvBlock", "SpatialReduction", "DenseBlock"),
}
#: The slot of the heads' dropout and the training settings (the layers' slots are theirs).
NETWORK_SLOT = MODEL_SLOT


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _wires_layers(node: Node) -> bool:
    """Whether a network layer block is on the way from an input to ``node``."""
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.producer is not None and current.producer.role is Role.LAYER:
            return True
        pending.extend(current.parents)
    return False


def is_multi_io(inputs, outputs) -> bool:
    """Whether ``AutoModel(inputs, outputs)`` is one Keras network searched here: outputs given
    as heads (blocks, not the nodes a head returns), several inputs or outputs, or a graph of
    network layer blocks (``automl.blocks.layers``) wired by hand."""
    inputs, outputs = _as_list(inputs), _as_list(outputs)
    return (len(inputs) > 1 or len(outputs) > 1 or any(isinstance(o, Head) for o in outputs)
            or any(isinstance(o, Node) and _wires_layers(o) for o in outputs))


def _unique_names(names: list[str], taken: set[str] = frozenset()) -> list[str]:
    """``["image_input", "image_input"]`` -> ``["image_input", "image_input_1"]``; names in
    ``taken`` are avoided too."""
    used = set(taken)
    unique = []
    for name in names:
        candidate, count = name, 0
        while candidate in used:
            count += 1
            candidate = f"{name}_{count}"
        used.add(candidate)
        unique.append(candidate)
    return unique


def _check_inputs(inputs) -> list[InputNode]:
    nodes = _as_list(inputs)
    if not nodes:
        raise ValueError("AutoModel needs inputs, e.g. inputs=[ImageInput(), "
                         "StructuredDataInput()].")
    for index, node in enumerate(nodes):
        if type(node) not in BRANCHES:
            kinds = ", ".join(cls.__name__ + "()" for cls in BRANCHES)
            raise TypeError(f"inputs[{index}] is {node!r}; a network's inputs must each be one "
                            f"of {kinds}.")
    return nodes


def _default_graph(nodes: list[InputNode], heads: list, input_names: list[str]) -> Graph:
    """Each input's default layers (``DEFAULT_LAYERS``), merged, then every head."""
    layers = registered_layers()
    branches = []
    for node, name in zip(nodes, input_names):
        hidden = node
        for block in DEFAULT_LAYERS[type(node)]:
            hidden = layers[block](name=f"{name}_{layers[block]().name}")(hidden)
        branches.append(hidden)
    merged = branches[0] if len(branches) == 1 else layers["Merge"](name="merge")(branches)
    return Graph(nodes, [head(merged) for head in heads])


def network_graph(inputs, outputs) -> tuple[Graph, list[str]]:
    """The network's graph and its inputs' unique names: wired by hand (outputs are the nodes
    heads return, layer blocks between) or, when the outputs are heads, the default layers of
    each input's kind."""
    nodes = _check_inputs(inputs)
    input_names = _unique_names([node.name for node in nodes], {NETWORK_SLOT})
    outputs = _as_list(outputs)
    if not outputs:
        raise ValueError("AutoModel needs outputs, e.g. outputs=[ClassificationHead(), "
                         "RegressionHead()].")
    for index, output in enumerate(outputs):
        if not isinstance(output, Head | Node):
            raise TypeError(f"outputs[{index}] is {output!r}; outputs must be heads "
                            "(ClassificationHead(), RegressionHead()) or the nodes heads return.")
    if all(isinstance(output, Head) for output in outputs):
        return _default_graph(nodes, outputs, input_names), input_names
    if any(isinstance(output, Head) for output in outputs):
        raise ValueError("outputs mixes heads and graph nodes: pass either the heads themselves "
                         "(each input then gets its kind's default layers) or the nodes that "
                         "heads return from layers you wired.")
    graph = Graph(nodes, outputs)
    for node in graph.nodes:
        block = node.producer
        if block is None or isinstance(block, Head):
            continue
        if block.role is not Role.LAYER:
            raise ValueError(
                f"{block.label} is a scikit-learn pipeline block, but this graph is one Keras "
                "network (several inputs or outputs, or network layers): wire network layer "
                "blocks instead (automl.blocks.DenseBlock, ConvBlock, Merge, ...), or pass the "
                "heads themselves as outputs.")
        _check_layer_inputs(node)
    return graph, input_names


def _check_layer_inputs(node: Node) -> None:
    block, parents = node.producer, node.parents
    for parent in parents:
        if isinstance(parent, TextInput) and not block.tags.takes_documents:
            raise ValueError(f"{block.label} is called on {parent.label}, but documents enter a "
                             "network through TextVectorization: call "
                             "automl.blocks.TextVectorization() on the TextInput first.")
    if block.tags.takes_documents and not (len(parents) == 1 and isinstance(parents[0], TextInput)):
        raise ValueError(f"{block.label} vectorizes documents, but is called on "
                         f"{parents[0].label}: call it on a TextInput.")
    if block.tags.needs_token_ids and not (parents[0].producer is not None
                                     and parents[0].producer.tags.takes_documents):
        raise ValueError(f"{block.label} embeds token ids, but is called on {parents[0].label}: "
                         "call it on the output of a TextVectorization.")


def _layer_specs(graph: Graph, input_names: list[str], taken: set[str],
                 task: Task) -> tuple[list[LayerSpec], list[Slot], dict[int, str]]:
    """The graph's layers in build order, one slot per layer, and every node's name (inputs
    by their unique names, layers by theirs, unique among ``taken`` too)."""
    names = {id(node): name for node, name in zip(graph.inputs, input_names)}
    layer_nodes = [node for node in graph.nodes
                   if node.producer is not None and not isinstance(node.producer, Head)]
    layer_names = _unique_names([node.producer.name for node in layer_nodes],
                                {*taken, *input_names, NETWORK_SLOT})
    specs, slots = [], []
    for node, name in zip(layer_nodes, layer_names):
        names[id(node)] = name
        block = node.producer
        specs.append(LayerSpec(name, type(block), tuple(names[id(p)] for p in node.parents),
                               tuple(sorted(block.options().items()))))
        slots.append(Slot(name, Role.LAYER, (BlockOption.of(
            type(block).__name__, block.search_hyperparameters(task), type(block)),)))
    return specs, slots, names

