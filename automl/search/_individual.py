"""DEAP individuals, defined statically (picklable, no ``creator`` globals)."""

from __future__ import annotations

from deap import base

from automl.evaluation import Trial


class Fitness(base.Fitness):
    """A fitness whose weights are set per search: +1 for the score, -1 for each cost."""

    def __init__(self, weights: tuple[float, ...], values: tuple[float, ...] = ()):
        self.weights = tuple(weights)
        super().__init__(values)

    def __deepcopy__(self, memo):
        copy = Fitness(self.weights)
        copy.wvalues = self.wvalues
        return copy

    def __reduce__(self):
        return Fitness, (self.weights, self.values)


class Individual:
    """A trial as DEAP sees it: the genome plus a fitness from the trial's objectives."""

    def __init__(self, trial: Trial):
        self.trial = trial
        self.genome = trial.genome
        weights = (1.0,) + (-1.0,) * (len(trial.objectives) - 1)
        self.fitness = Fitness(weights, trial.objectives)
