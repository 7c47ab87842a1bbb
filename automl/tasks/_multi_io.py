"""Several inputs and outputs in one Keras network: AutoModel's IO API, as in AutoKeras::

    model = automl.AutoModel(inputs=[automl.ImageInput(), automl.StructuredDataInput()],
                             outputs=[automl.ClassificationHead(), automl.RegressionHead()],
                             max_trials=10)
    model.fit([images, table], [labels, prices])
    labels_hat, prices_hat = model.predict([images, table])
    model.evaluate([images, table], [labels, prices])  # {output name: {metric: value}}
    keras_model = model.export_model()                  # preprocessing inside

Outputs are heads (blocks, not graph nodes); each input gets its kind's branch (see
``automl.blocks._multi_network``). The search is the usual evolution over a space with one slot
per input (its branch's hyperparameters, named after the input) and one slot, ``model``, for the
merge, heads and training settings. A candidate is scored by k-fold cross-validation
(``KFold``: several targets leave nothing to stratify on) on the mean over outputs of each
head's default metric (balanced accuracy for classification, R² for regression); each output's
own mean score is kept in the trial (``MultiOutputTrial.output_scores``).

``AutoModel`` hands over to this module when ``is_multi_io(inputs, outputs)``: ``fit_multi_io``
runs the search and sets the usual fitted attributes, with ``pipeline_`` a ``MultiIOModel`` that
predicts, evaluates and exports.
"""

from __future__ import annotations

import copy
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn import metrics
from sklearn.model_selection import KFold

from automl.blocks._keras import TRAINING_KEYS
from automl.blocks._multi_network import (
    ImageBranch,
    InputSpec,
    MergeAndHeads,
    MultiIONetwork,
    OutputSpec,
    TableBranch,
    TextBranch,
    take_rows,
)
from automl.data import Task, validate_target
from automl.evaluation import Status, Trial, describe_error
from automl.evaluation._cross_validation import current_worker
from automl.execution import make_executor
from automl.genome import Genome
from automl.graph import (
    Head,
    ImageInput,
    InputNode,
    Node,
    Role,
    StructuredDataInput,
    TextInput,
    deadline_scope,
)
from automl.search import Budget, Evolution, SearchResult, run_search
from automl.space import BlockOption, SearchSpace, Slot
from automl.tasks._progress import Progress
from automl.tasks._settings import NETWORK_FOLDS, draw_seed, memory_bytes

#: The branch each kind of input gets.
BRANCHES = {StructuredDataInput: TableBranch, ImageInput: ImageBranch, TextInput: TextBranch}
#: The slot of the merge, heads and training settings (the branches' slots are the inputs').
NETWORK_SLOT = "model"
#: Each head's score in the search, and the name of their mean.
OUTPUT_METRICS = {Task.CLASSIFICATION: "balanced_accuracy", Task.REGRESSION: "r2"}
OBJECTIVE = "mean_output_score"


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def is_multi_io(inputs, outputs) -> bool:
    """Whether ``AutoModel(inputs, outputs)`` uses the IO API: outputs given as heads (blocks,
    not the nodes a head returns), or several inputs or outputs."""
    inputs, outputs = _as_list(inputs), _as_list(outputs)
    return len(inputs) > 1 or len(outputs) > 1 or any(isinstance(o, Head) for o in outputs)


# --- the graph: inputs and heads ---------------------------------------------------------------

def _unique_names(names: list[str]) -> list[str]:
    """``["image_input", "image_input"]`` -> ``["image_input", "image_input_1"]``."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}_{count}")
    return unique


def _input_nodes(inputs) -> tuple[list[InputNode], list[str]]:
    nodes = _as_list(inputs)
    if not nodes:
        raise ValueError("AutoModel needs inputs, e.g. inputs=[ImageInput(), "
                         "StructuredDataInput()].")
    for index, node in enumerate(nodes):
        if type(node) not in BRANCHES:
            kinds = ", ".join(cls.__name__ + "()" for cls in BRANCHES)
            raise TypeError(f"inputs[{index}] is {node!r}; with several inputs or outputs each "
                            f"input must be one of {kinds}.")
    names = _unique_names([node.name for node in nodes])
    if NETWORK_SLOT in names:
        raise ValueError(f"inputs[{names.index(NETWORK_SLOT)}] is named {NETWORK_SLOT!r}, which "
                         "names the network's own settings: give it another name=.")
    return nodes, names


def _heads(outputs) -> tuple[list[Head], list[str]]:
    heads = _as_list(outputs)
    if not heads:
        raise ValueError("AutoModel needs outputs, e.g. outputs=[ClassificationHead(), "
                         "RegressionHead()].")
    for index, head in enumerate(heads):
        if isinstance(head, Node):
            raise ValueError(
                f"outputs[{index}] is {head.label}, a graph node; with several inputs or outputs "
                "pass the heads themselves (outputs=[ClassificationHead(), RegressionHead()]): "
                "each input then gets its kind's network branch. Wiring blocks by hand across "
                "several inputs or outputs is not supported yet.")
        if not isinstance(head, Head):
            raise TypeError(f"outputs[{index}] is {head!r}; outputs must be heads: "
                            "ClassificationHead() or RegressionHead().")
    return heads, _unique_names([head.name for head in heads])


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

    @property
    def n_rows(self) -> int:
        return len(self.y[0])

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

def multi_io_space(inputs: Sequence[InputSpec], task: Task, epochs: int | None) -> SearchSpace:
    """One slot per input (its branch's hyperparameters) and ``model`` for the merge, heads and
    training settings; ``epochs`` fixes ``max_epochs`` (early stopping still applies)."""
    slots = [Slot(spec.name, Role.TRANSFORMER, (BlockOption.of(
        spec.branch.__name__, spec.branch.hyperparameters, spec.branch),)) for spec in inputs]
    settings = dict(MergeAndHeads.hyperparameters)
    if epochs is not None:
        settings["max_epochs"] = settings["max_epochs"].fixed(epochs)
    slots.append(Slot(NETWORK_SLOT, Role.MODEL,
                      (BlockOption.of(MergeAndHeads.__name__, settings, MergeAndHeads),)))
    return SearchSpace(task, tuple(slots))


def network_for(genome: Genome, inputs: Sequence[InputSpec], outputs: Sequence[OutputSpec],
                seed: int) -> MultiIONetwork:
    """The unfitted network a genome describes."""
    settings = genome[NETWORK_SLOT][0].values
    return MultiIONetwork(tuple(inputs), tuple(outputs),
                          tuple(genome[spec.name][0].values for spec in inputs),
                          dropout=settings["dropout"], seed=seed,
                          **{key: settings[key] for key in TRAINING_KEYS})


def output_score(spec: OutputSpec, truth: np.ndarray, predicted: np.ndarray) -> float:
    """The head's default metric (``OUTPUT_METRICS``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. a class missing from a small fold
        if spec.task is Task.CLASSIFICATION:
            return float(metrics.balanced_accuracy_score(truth, predicted))
        return float(metrics.r2_score(truth, predicted))


@dataclass(frozen=True)
class MultiOutputTrial(Trial):
    """A trial of a multi-output network; also each output's mean validation score."""

    output_scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class MultiIOCrossValidation:
    """Scores a genome's network by k-fold cross-validation on the mean of the outputs'
    scores; picklable, so workers can run it. Returns ``None`` when the deadline had passed
    before the first fold."""

    data: MultiIOData
    folds: tuple
    seed: int

    def __call__(self, genome: Genome, deadline: float | None = None) -> Trial | None:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        started_at = time.time()
        fold_scores: list[float] = []
        per_output: list[list[float]] = []
        fit_seconds = predict_seconds = 0.0

        def finish(status: Status, reason: str = "") -> MultiOutputTrial:
            ok = status is Status.OK
            return MultiOutputTrial(
                genome, status, (float(np.mean(fold_scores)),) if ok else None,
                tuple(fold_scores), fit_seconds, predict_seconds, reason,
                started_at=started_at, finished_at=time.time(), worker=current_worker(),
                output_scores=tuple((spec.name, float(np.mean(scores))) for spec, scores in
                                    zip(self.data.outputs, zip(*per_output))) if ok else ())

        longest_fold = 0.0
        for index, (train, validation) in enumerate(self.folds):
            if deadline is not None and time.monotonic() + longest_fold >= deadline:
                return finish(Status.TIMEOUT, f"stopped at the search deadline after {index} of "
                              f"{len(self.folds)} folds")
            fold_started = time.monotonic()
            try:
                network = network_for(genome, self.data.inputs, self.data.outputs, self.seed)
                train_x, train_y = self.data.take(train)
                validation_x, validation_y = self.data.take(validation)
                tic = time.perf_counter()
                with deadline_scope(deadline):  # the network stops itself at it
                    network.fit(train_x, train_y)
                toc = time.perf_counter()
                predictions = network.predict(validation_x)
                scores = [output_score(spec, truth, predicted) for spec, truth, predicted
                          in zip(self.data.outputs, validation_y, predictions)]
                predict_seconds += time.perf_counter() - toc
                fit_seconds += toc - tic
            except MemoryError as error:
                return finish(Status.OUT_OF_MEMORY, describe_error(error))
            except Exception as error:
                return finish(Status.FAILED, describe_error(error))
            if deadline is not None and time.monotonic() >= deadline:
                return finish(Status.TIMEOUT, f"stopped at its deadline during fold {index + 1} "
                              f"of {len(self.folds)}")
            if not all(math.isfinite(score) for score in scores):
                named = dict(zip((spec.name for spec in self.data.outputs), scores))
                return finish(Status.FAILED, f"a score on fold {index + 1} is not finite: "
                              f"{named}")
            per_output.append(scores)
            fold_scores.append(float(np.mean(scores)))
            longest_fold = max(longest_fold, time.monotonic() - fold_started)
        return finish(Status.OK)


# --- the fitted model -----------------------------------------------------------------------

class MultiIOModel:
    """The refit winner of a multi-input/output search: what ``AutoModel``'s ``predict``,
    ``evaluate`` and ``export_model`` use (its ``pipeline_``).

    Args:
        inputs, outputs: the inputs and outputs as fit saw them.
        network: the fitted network.
    """

    def __init__(self, inputs: Sequence[InputSpec], outputs: Sequence[OutputSpec],
                 network: MultiIONetwork):
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.network = network

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

    def predict(self, x) -> list[np.ndarray]:
        """One array per output, in the order of ``outputs``: class labels or values."""
        return self.network.predict(self.prepare(x))

    def predict_proba(self, x) -> list[np.ndarray]:
        """Class probabilities of each classification output, in the order of ``outputs``
        (columns in the order of that output's ``classes_``)."""
        if not any(spec.task is Task.CLASSIFICATION for spec in self.outputs):
            raise AttributeError("predict_proba is for classification outputs, and this model "
                                 "has none: use predict.")
        return [p for p in self.network.predict_proba(self.prepare(x)) if p is not None]

    @property
    def classes_(self) -> list:
        """Per output, its class labels (``None`` for a regression output)."""
        return [None if spec.classes is None else np.asarray(spec.classes)
                for spec in self.outputs]

    def _targets(self, y, n_rows: int) -> list[np.ndarray]:
        y = _entries(y, len(self.outputs), "y", "output", self._described(self.outputs))
        _check_same_rows([_n_rows(t, f"y[{i}]") for i, t in enumerate(y)], self.output_names,
                         "y", ("x", n_rows))
        return [validate_target(target, spec.task, n_rows, argument=f"y[{index}] ({spec.name})")
                for index, (spec, target) in enumerate(zip(self.outputs, y))]

    def evaluate(self, x, y) -> dict[str, dict[str, float]]:
        """Per output, its metrics on ``x``/``y``: the search's metric first (balanced
        accuracy, R²), then accuracy, or RMSE and MAE."""
        entries = self.prepare(x)
        targets = self._targets(y, len(entries[0]))
        results = {}
        for spec, truth, predicted in zip(self.outputs, targets,
                                          self.network.predict(entries)):
            scores = {OUTPUT_METRICS[spec.task]: output_score(spec, truth, predicted)}
            if spec.task is Task.CLASSIFICATION:
                scores["accuracy"] = float(metrics.accuracy_score(truth, predicted))
            else:
                scores["rmse"] = float(metrics.root_mean_squared_error(truth, predicted))
                scores["mae"] = float(metrics.mean_absolute_error(truth, predicted))
            results[spec.name] = scores
        return results

    def score(self, x, y) -> float:
        """The search's objective on ``x``/``y``: the mean of the outputs' metrics."""
        return float(np.mean([scores[OUTPUT_METRICS[spec.task]] for spec, scores in
                              zip(self.outputs, self.evaluate(x, y).values())]))

    def export_model(self):
        """The fitted ``keras.Model``, preprocessing inside; it takes
        ``keras_inputs(x)`` and returns one array per output (class probabilities, or values
        in the target's units). Save it with ``.save("model.keras")``; load it with
        ``keras.saving.load_model`` after ``import automl.keras_layers``."""
        return self.network.model_


# --- fit ----------------------------------------------------------------------------------

def _check_multi_io_settings(model, epochs) -> None:
    if model.objective is not None:
        raise ValueError(
            f"objective={model.objective!r} is not supported with several inputs or outputs: "
            "the search maximises the mean over outputs of each head's metric (balanced_accuracy "
            "for classification, r2 for regression); leave objective=None.")
    unsupported = {"directory": model.directory is not None, "mlflow": bool(model.mlflow),
                   "secondary_objectives": bool(model.secondary_objectives)}
    for name, used in unsupported.items():
        if used:
            raise ValueError(f"{name}={getattr(model, name)!r} is not supported with several "
                             f"inputs or outputs yet; leave {name} at its default.")
    if epochs is not None and (not isinstance(epochs, int | np.integer)
                               or isinstance(epochs, bool) or epochs < 1):
        raise ValueError(f"epochs must be a positive integer or None (searched); received "
                         f"{epochs!r}.")


def _always_gpu(genome: Genome) -> bool:
    return True  # every candidate is a network


def fit_multi_io(model, x, y, *, epochs: int | None = None):
    """``AutoModel.fit`` for several inputs or outputs (see the module docstring): searches,
    refits the best network on all rows and sets ``model``'s fitted attributes.

    Args:
        model: the ``AutoModel`` (its settings: budgets, ``cv``, ``n_jobs``, ``scheduler``,
            ``seed``, ``population_size``, ``evolution``, ``verbose``).
        x: a list with one entry per input, in order: a table (DataFrame, 2-D array, CSV path),
            images ((N, H, W) or (N, H, W, C)) or documents (strings).
        y: a list with one target per output, in order.
        epochs: fixes every network's maximum number of epochs (``None``: searched).
    """
    started = time.monotonic()
    model._check_settings()
    _check_multi_io_settings(model, epochs)
    nodes, input_names = _input_nodes(model.inputs)
    heads, output_names = _heads(model.outputs)
    data = prepare_training_data(nodes, input_names, heads, output_names, x, y)
    if data.n_rows < 2 * model.cv:
        raise ValueError(f"x has {data.n_rows} rows, too few for cv={model.cv}: pass at least "
                         f"{2 * model.cv} rows or a smaller cv.")
    seed = draw_seed() if model.seed is None else int(model.seed)
    space = multi_io_space(data.inputs, data.outputs[0].task, epochs)
    folds = tuple(KFold(model.cv, shuffle=True, random_state=seed).split(np.zeros(data.n_rows)))
    if model.time_budget is not None:  # as AutoModel does for networks under a time budget
        folds = folds[:NETWORK_FOLDS]
    evaluate = MultiIOCrossValidation(data, folds, seed)
    strategy = Evolution(space, np.random.default_rng(seed),
                         population_size=model.population_size)
    deadline = None if model.time_budget is None else started + model.time_budget
    budget = Budget(model.max_trials, deadline, model.max_generations)
    progress = Progress(model.verbose, OBJECTIVE, model.time_budget, model.max_trials)
    progress.start([], 0.0)

    def reserve(best: Trial | None) -> float:
        """Seconds to keep for the final refit (as ``AutoModel._refit_estimate``)."""
        if best is None:
            return 0.1 * model.time_budget if model.time_budget else 0.0
        per_fold = best.fit_seconds / max(len(best.fold_scores), 1)
        return 0.5 + 1.3 * per_fold * model.cv / (model.cv - 1) * MergeAndHeads.refit_cost_factor

    try:
        with make_executor(model.n_jobs, scheduler=model.scheduler,
                           max_eval_time=model.max_eval_time,
                           memory_limit=memory_bytes(model.memory_limit),
                           needs_gpu=_always_gpu) as executor:
            result: SearchResult = run_search(
                strategy, evaluate, budget, executor=executor,
                batch_size=(model.population_size if model.evolution == "steady_state"
                            else lambda: strategy.batch_size),
                reserve_seconds=reserve, on_generation=progress.on_generation,
                on_trial=progress.on_trial, steady_state=model.evolution == "steady_state")
    finally:
        progress.stop()
    best = result.best
    if best is None:
        raise result.no_best_error("candidate networks")
    search_seconds = time.monotonic() - started
    if result.interrupted:
        progress.line(f"interrupted: refitting the best of {len(result.trials)} trials")
    network = network_for(best.genome, data.inputs, data.outputs, seed)
    network.fit(list(data.x), list(data.y))
    model.pipeline_ = MultiIOModel(data.inputs, data.outputs, network)
    model._keep_search(result, space, OBJECTIVE, seed)
    model.target_column_ = None
    model.search_seconds_ = search_seconds
    model.fit_seconds_ = time.monotonic() - started
    per_output = ", ".join(f"{name} {score:.4f}" for name, score in
                           getattr(best, "output_scores", ()))
    progress.line(f"best network: CV {OBJECTIVE} {best.score:.4f} ({per_output}) after "
                  f"{len(result.trials)} candidates in {model.fit_seconds_:.1f} s")
    return model


__all__ = ["MultiIOModel", "MultiOutputTrial", "fit_multi_io", "is_multi_io"]
