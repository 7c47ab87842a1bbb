"""The networks' search space, the network a genome describes, each output's metric, and the
cross-validation that scores a genome's network."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from automl.blocks._keras import TRAINING_KEYS
from automl.blocks._multi_network import MultiIONetwork, NetworkSettings, OutputSpec
from automl.data import Task
from automl.evaluation import (
    Trial,
    cross_validate,
    measure_costs,
    resolve_objective,
    score_predictions,
)
from automl.fitting._multi_io._data import MultiIOData
from automl.fitting._multi_io._graph import NETWORK_SLOT
from automl.genome import Genome
from automl.graph import Role
from automl.space import BlockOption, SearchSpace, Slot

#: The name of the search's objective: the mean of the outputs' metrics.
OBJECTIVE = "mean_output_score"

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

        def fit(index: int, train, validation) -> MultiIONetwork:
            return network_for(genome, self.data, self.seed).fit(*self.data.take(train))

        def score(network: MultiIONetwork, validation) -> tuple[list[float], None]:
            validation_x, validation_y = self.data.take(validation)
            return _output_scores(self.data.outputs, self.metrics, validation_y,
                                  network.predict_both(validation_x)), None

        def costs(network: MultiIONetwork, validation) -> dict[str, float]:
            return measure_costs(network, network.predict_both,
                                 lambda rows: self.data.take(rows)[0], validation, self.seed)

        return cross_validate(genome, self.folds, deadline, self.secondary_objectives, fit,
                              score, costs,
                              output_names=[spec.name for spec in self.data.outputs])
