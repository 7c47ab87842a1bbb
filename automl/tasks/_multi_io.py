"""Several inputs and outputs in one Keras network: AutoModel's IO API, as in AutoKeras::

    model = automl.AutoModel(inputs=[automl.ImageInput(), automl.StructuredDataInput()],
                             outputs=[automl.ClassificationHead(), automl.RegressionHead()],
                             max_trials=10)
    model.fit([images, table], [labels, prices])
    labels_hat, prices_hat = model.predict([images, table])
    model.evaluate([images, table], [labels, prices])  # {output name: {metric: value}}
    keras_model = model.export_model()                  # preprocessing inside

Outputs are heads (blocks, not graph nodes), and each input gets its kind's default layers
(``DEFAULT_LAYERS``) merged into every head; or outputs are the nodes that heads return from
layer blocks the user wired (``automl.blocks.layers``). Either way the network is a graph of
layer blocks (``automl.blocks._multi_network``). The search is the usual evolution over a space
with one slot per layer (its hyperparameters, named after the layer) and one slot, ``model``,
for the heads' dropout and the training settings. A candidate is scored by k-fold
cross-validation (stratified on the first classification output, if any) on the mean over
outputs of each output's metric: by default balanced accuracy for classification and R² for
regression, or any scikit-learn scorer given as ``objective`` (one name for every output, or
``{output name: scorer name}``). Each output's own mean score is kept in the trial
(``Trial.output_scores``) and in the trial store. ``secondary_objectives`` (fit time,
prediction time, model size) join the score for NSGA-II selection as for pipelines.

``AutoModel`` hands over to this module when ``is_multi_io(inputs, outputs)``: ``fit_multi_io``
runs the search and sets the usual fitted attributes, with ``pipeline_`` a ``MultiIOModel`` that
predicts, evaluates and exports.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np

from automl.blocks._keras import TRAINING_KEYS
from automl.blocks._multi_network import (
    ImageBranch,
    InputSpec,
    LayerSpec,
    MultiIONetwork,
    NetworkSettings,
    OutputSpec,
    TableBranch,
    TextBranch,
    take_rows,
)
from automl.data import Task, validate_target
from automl.evaluation import (
    DEFAULT_OBJECTIVES,
    Status,
    Trial,
    check_secondary_objectives,
    evaluation_scores,
    fold_indices,
    objective_vector,
    resolve_objective,
    score_predictions,
)
from automl.evaluation._cross_validation import current_worker
from automl.evaluation._folds import run_folds
from automl.genome import Genome
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
from automl.runtime import deadline_scope
from automl.space import BlockOption, SearchSpace, Slot
from automl.tasks._settings import NETWORK_FOLDS

#: How each kind of input enters the network.
BRANCHES = {StructuredDataInput: TableBranch, ImageInput: ImageBranch, TextInput: TextBranch}
#: The layers each kind of input gets when the outputs are heads (AutoKeras's task blocks).
DEFAULT_LAYERS = {
    StructuredDataInput: ("DenseBlock",),
    ImageInput: ("Normalization", "ConvBlock", "SpatialReduction"),
    TextInput: ("TextVectorization", "Embedding", "ConvBlock", "SpatialReduction", "DenseBlock"),
}
#: The slot of the heads' dropout and the training settings (the layers' slots are theirs).
NETWORK_SLOT = "model"
#: The name of the search's objective: the mean of the outputs' metrics.
OBJECTIVE = "mean_output_score"


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


# --- the graph: inputs, layers and heads -------------------------------------------------------

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


# --- data: validated at the boundary -----------------------------------------------------------

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


# --- the search space and its networks --------------------------------------------------------

def multi_io_space(layer_slots: Sequence[Slot], task: Task, epochs: int | None) -> SearchSpace:
    """One slot per layer block and ``model`` for the heads' dropout and the training settings;
    ``epochs`` fixes ``max_epochs`` (early stopping still applies)."""
    settings = dict(NetworkSettings.hyperparameters)
    if epochs is not None:
        settings["max_epochs"] = settings["max_epochs"].fixed(epochs)
    return SearchSpace(task, (*layer_slots, Slot(NETWORK_SLOT, Role.MODEL, (BlockOption.of(
        NetworkSettings.__name__, settings, NetworkSettings),))))


def network_for(genome: Genome, data: MultiIOData, seed: int) -> MultiIONetwork:
    """The unfitted network a genome describes."""
    settings = genome[NETWORK_SLOT][0].values
    return MultiIONetwork(data.inputs, data.layers, data.outputs,
                          tuple(genome[layer.name][0].values for layer in data.layers),
                          dropout=settings["dropout"], seed=seed,
                          **{key: settings[key] for key in TRAINING_KEYS})


def output_metrics(objective, outputs: Sequence[OutputSpec],
                   targets: Sequence[np.ndarray]) -> tuple[str, ...]:
    """Each output's metric from ``AutoModel``'s ``objective``: ``None`` (each task's default),
    one scikit-learn scorer name for every output, or ``{output name: scorer name}`` (outputs
    left out get their default). Each name is checked against its output's task and target."""
    names = [spec.name for spec in outputs]
    if objective is None or isinstance(objective, str):
        chosen = dict.fromkeys(names, objective)
    elif isinstance(objective, dict):
        unknown = [key for key in objective if key not in names]
        if unknown:
            raise ValueError(f"objective names the output {unknown[0]!r}, but the outputs are "
                             f"{names}: key the dict by output name.")
        chosen = {name: objective.get(name) for name in names}
    else:
        raise TypeError("objective must be None, a scikit-learn scorer name, or a dict "
                        "{output name: scorer name}; received "
                        f"{type(objective).__name__}.")
    resolved = []
    for spec, target in zip(outputs, targets):
        try:
            resolved.append(resolve_objective(chosen[spec.name], spec.task, target))
        except (TypeError, ValueError) as error:
            raise type(error)(f"output {spec.name!r}: {error}") from None
    return tuple(resolved)


def _output_scores(outputs: Sequence[OutputSpec], scorer_names: Sequence[str], targets,
                   answers) -> list[float]:
    """Each output's metric, from the network's ``predict_both`` answers."""
    return [score_predictions(metric, spec.task, truth, predicted, probabilities, spec.classes)
            for spec, metric, truth, (predicted, probabilities)
            in zip(outputs, scorer_names, targets, answers)]


@dataclass(frozen=True)
class MultiIOCrossValidation:
    """Scores a genome's network by k-fold cross-validation on the mean of the outputs'
    scores; picklable, so workers can run it. Returns ``None`` when the deadline had passed
    before the first fold."""

    data: MultiIOData
    folds: tuple
    seed: int
    metrics: tuple[str, ...]  # one scikit-learn scorer name per output
    secondary_objectives: tuple[str, ...] = ()

    def __call__(self, genome: Genome, deadline: float | None = None) -> Trial | None:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        started_at = time.time()
        fit_seconds = predict_seconds = 0.0
        model_size = 0

        def fit_and_score(index: int, train, validation) -> list[float]:
            nonlocal fit_seconds, predict_seconds, model_size
            network = network_for(genome, self.data, self.seed)
            train_x, train_y = self.data.take(train)
            validation_x, validation_y = self.data.take(validation)
            tic = time.perf_counter()
            with deadline_scope(deadline):  # the network stops itself at it
                network.fit(train_x, train_y)
            toc = time.perf_counter()
            scores = _output_scores(self.data.outputs, self.metrics, validation_y,
                                    network.predict_both(validation_x))
            predict_seconds += time.perf_counter() - toc
            fit_seconds += toc - tic
            if index == 0 and "model_size" in self.secondary_objectives:
                model_size = len(pickle.dumps(network))  # the .keras bytes
            return scores

        status, reason, per_output = run_folds(self.folds, deadline, fit_and_score)
        fold_scores = tuple(float(np.mean(scores)) for scores in per_output)
        ok = status is Status.OK
        objectives = objective_vector(
            np.mean(fold_scores), self.secondary_objectives, fit_seconds=fit_seconds,
            predict_seconds=predict_seconds, model_size=model_size,
            validation_rows=sum(len(validation) for _, validation in self.folds)
        ) if ok else None
        return Trial(
            genome, status, objectives, fold_scores, fit_seconds, predict_seconds, reason,
            started_at=started_at, finished_at=time.time(), worker=current_worker(),
            output_scores=tuple((spec.name, float(np.mean(scores))) for spec, scores in
                                zip(self.data.outputs, zip(*per_output))) if ok else ())


# --- the fitted model -----------------------------------------------------------------------

class MultiIOModel:
    """The refit winner of a multi-input/output search: what ``AutoModel``'s ``predict``,
    ``evaluate`` and ``export_model`` use (its ``pipeline_``).

    Args:
        inputs, outputs: the inputs and outputs as fit saw them.
        network: the fitted network.
        metrics: each output's metric in the search (a scikit-learn scorer name); by default
            each task's (``balanced_accuracy``, ``r2``).
    """

    def __init__(self, inputs: Sequence[InputSpec], outputs: Sequence[OutputSpec],
                 network: MultiIONetwork, metrics: Sequence[str] | None = None):
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.network = network
        self.metrics = tuple(metrics or (DEFAULT_OBJECTIVES[spec.task] for spec in outputs))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "metrics" not in state:  # pickled before outputs had their own metrics
            self.metrics = tuple(DEFAULT_OBJECTIVES[spec.task] for spec in self.outputs)

    @property
    def input_names(self) -> list[str]:
        return [spec.name for spec in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [spec.name for spec in self.outputs]

    def _described(self, specs) -> str:
        return ", ".join(spec.name for spec in specs)

    def prepare(self, x) -> list:
        """Checks ``x`` against what fit saw (entry count, rows, each entry by its kind)."""
        x = _entries(x, len(self.inputs), "x", "input", self._described(self.inputs))
        entries = [spec.branch.prepare_new(entry, f"x[{index}] ({spec.name})", spec)
                   for index, (spec, entry) in enumerate(zip(self.inputs, x))]
        counts = [len(rows) for rows in entries]
        _check_same_rows(counts, self.input_names, "x",
                         (f"x[0] ({self.inputs[0].name})", counts[0]))
        return entries

    def keras_inputs(self, x) -> dict:
        """The exported model's input dict for ``x`` (a list with one entry per input):
        ``keras_model.predict(model.keras_inputs(x))``. Table columns are keyed by their names,
        image and text inputs by the input's name; strings come as tensors (Keras rejects
        NumPy string arrays)."""
        return self.network.feed(self.prepare(x))

    def _one_or_all(self, arrays: list):
        """As AutoKeras: the array itself for a single output, else the list."""
        return arrays[0] if len(self.outputs) == 1 else arrays

    def predict(self, x) -> np.ndarray | list[np.ndarray]:
        """One array per output, in the order of ``outputs``: class labels or values (the
        array itself when there is one output)."""
        return self._one_or_all(self.network.predict(self.prepare(x)))

    def predict_proba(self, x) -> np.ndarray | list[np.ndarray]:
        """Class probabilities of each classification output, in the order of ``outputs``
        (columns in the order of that output's ``classes_``; the array itself when there is
        one output)."""
        if not any(spec.task is Task.CLASSIFICATION for spec in self.outputs):
            raise AttributeError("predict_proba is for classification outputs, and this model "
                                 "has none: use predict.")
        return self._one_or_all(
            [p for p in self.network.predict_proba(self.prepare(x)) if p is not None])

    @property
    def classes_(self) -> list:
        """Per output, its class labels (``None`` for a regression output); for a single
        output, its labels."""
        return self._one_or_all([None if spec.classes is None else np.asarray(spec.classes)
                                 for spec in self.outputs])

    def _targets(self, y, n_rows: int) -> list[np.ndarray]:
        y = _entries(y, len(self.outputs), "y", "output", self._described(self.outputs))
        _check_same_rows([_n_rows(t, f"y[{i}]") for i, t in enumerate(y)], self.output_names,
                         "y", ("x", n_rows))
        return [validate_target(target, spec.task, n_rows, argument=f"y[{index}] ({spec.name})",
                                classes=spec.classes)
                for index, (spec, target) in enumerate(zip(self.outputs, y))]

    def evaluate(self, x, y) -> dict[str, dict[str, float]]:
        """Per output, its metrics on ``x``/``y``: the output's metric in the search first,
        then the usual ones of its task (balanced accuracy and accuracy, or R², RMSE and
        MAE)."""
        entries = self.prepare(x)
        targets = self._targets(y, len(entries[0]))
        answers = self.network.predict_both(entries)
        return {spec.name: evaluation_scores(metric, score, spec.task, truth, predicted)
                for spec, metric, truth, score, (predicted, _) in zip(
                    self.outputs, self.metrics, targets,
                    _output_scores(self.outputs, self.metrics, targets, answers), answers)}

    def score(self, x, y) -> float:
        """The search's objective on ``x``/``y``: the mean of the outputs' metrics."""
        return float(np.mean([scores[metric] for metric, scores in
                              zip(self.metrics, self.evaluate(x, y).values())]))

    def export_model(self):
        """The fitted ``keras.Model``, preprocessing inside; it takes
        ``keras_inputs(x)`` and returns one array per output (class probabilities, or values
        in the target's units). Save it with ``.save("model.keras")``; load it with
        ``keras.saving.load_model`` after ``import automl.keras_layers``."""
        return self.network.model_


# --- fit ----------------------------------------------------------------------------------

def _check_epochs(epochs) -> None:
    if epochs is not None and (not isinstance(epochs, int | np.integer)
                               or isinstance(epochs, bool) or epochs < 1):
        raise ValueError(f"epochs must be a positive integer or None (searched); received "
                         f"{epochs!r}.")


def fit_multi_io(model, x, y, *, epochs: int | None = None):
    """``AutoModel.fit`` for several inputs or outputs (see the module docstring): searches,
    refits the best network on all rows and sets ``model``'s fitted attributes.

    Args:
        model: the ``AutoModel``, whose search (``AutoModel._search``) runs the networks: its
            budgets, ``cv``, ``n_jobs``, ``scheduler``, ``seed``, ``population_size``,
            ``evolution``, ``verbose``, and ``directory`` (every trial stored, resumed by a
            later fit on the same data) and ``mlflow`` work as for pipelines.
        x: a list with one entry per input, in order: a table (DataFrame, 2-D array, CSV path),
            images ((N, H, W) or (N, H, W, C)) or documents (strings).
        y: a list with one target per output, in order.
        epochs: fixes every network's maximum number of epochs (``None``: searched).
    """
    started = time.monotonic()
    model._check_settings()
    _check_epochs(epochs)
    graph, input_names = network_graph(model.inputs, model.outputs)
    heads = [output.producer for output in graph.outputs]
    output_names = _unique_names([head.name for head in heads], {*input_names, NETWORK_SLOT})
    data = prepare_training_data(graph.inputs, input_names, heads, output_names, x, y)
    columns = {key for spec in data.inputs for key in spec.keys}
    layers, layer_slots, names = _layer_specs(graph, input_names, {*columns, *output_names},
                                              data.outputs[0].task)
    data = dataclasses.replace(data, layers=tuple(layers), outputs=tuple(
        dataclasses.replace(spec, parent=names[id(output.parents[0])])
        for spec, output in zip(data.outputs, graph.outputs)))
    if data.n_rows < 2 * model.cv:
        raise ValueError(f"x has {data.n_rows} rows, too few for cv={model.cv}: pass at least "
                         f"{2 * model.cv} rows or a smaller cv.")
    scorer_names = output_metrics(model.objective, data.outputs, data.y)
    secondary = check_secondary_objectives(model.secondary_objectives)
    space = multi_io_space(layer_slots, data.outputs[0].task, epochs)
    settings = {"task": "+".join(spec.task.value for spec in data.outputs),
                "objective": OBJECTIVE, "cv": model.cv, "secondary_objectives": list(secondary),
                "output_metrics": dict(zip(output_names, scorer_names)),
                "seed": model.seed, "data_fingerprint": data.fingerprint(),
                "space_fingerprint": space.fingerprint(), "target_column": None}

    labels = [y for spec, y in zip(data.outputs, data.y) if spec.task is Task.CLASSIFICATION]

    def cross_validation(seed: int) -> MultiIOCrossValidation:
        # Stratified on the first classification output: every validation fold then has each
        # of its classes (where there are enough rows), as metrics like log loss need.
        folds = fold_indices(labels[0] if labels else data.y[0], model.cv, seed,
                             stratify=bool(labels))
        if model.time_budget is not None:  # as AutoModel does for networks under a budget
            folds = folds[:NETWORK_FOLDS]
        return MultiIOCrossValidation(data, folds, seed, scorer_names, secondary)

    project = model._open_project()
    try:
        search = model._search(space, OBJECTIVE, settings, project, started, cross_validation,
                               what="candidate networks")
        best = search.result.best
        network = network_for(best.genome, data, search.seed)
        network.fit(list(data.x), list(data.y))
        model.pipeline_ = MultiIOModel(data.inputs, data.outputs, network, scorer_names)
        model._keep_search(search.result, space, OBJECTIVE, search.seed)
        model.target_column_ = None
        per_output = ", ".join(f"{name} {metric} {score:.4f}" for (name, score), metric
                               in zip(best.output_scores, scorer_names))
        model._finish_search(search, project, started,
                             f"best network: CV {OBJECTIVE} {best.score:.4f}"
                             + (f" ({per_output})" if per_output else ""))
    finally:
        if project is not None:
            project.close()
    return model


__all__ = ["MultiIOModel", "fit_multi_io", "is_multi_io"]
