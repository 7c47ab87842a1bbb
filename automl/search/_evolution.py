"""The evolutionary strategy: a (mu + lambda) evolution over genomes with DEAP's tools."""

from __future__ import annotations

import numpy as np
from deap import base, tools

from automl.evaluation import Status
from automl.genome import (
    Genome,
    crossover,
    default_genomes,
    fits_its_model,
    mutate,
    portfolio_genomes,
    sample_genome,
)
from automl.search._individual import Individual
from automl.search._strategy import Strategy
from automl.space import MODEL_SLOT, SearchSpace

_ATTEMPTS = 20


def _model(genome: Genome) -> str | None:
    return genome[MODEL_SLOT][0].block if MODEL_SLOT in genome else None


def _tournament(population: list, k: int, tournament_size: int, rng) -> list:
    """Tournament on a population sorted best-first (selection order), drawn with our own
    generator: DEAP's selTournament draws from the global ``random`` module."""
    picks = rng.integers(len(population), size=(k, min(tournament_size, len(population))))
    return [population[int(row.min())] for row in picks]


class Evolution(Strategy):
    """Elitist (mu + lambda) evolution, generational or steady-state.

    The first generation holds every model's default pipeline, then the space's portfolio
    (pipelines that did well on other tables), then random genomes up to ``population_size``;
    it is as large as the defaults and portfolio when they are more. Each later
    generation breeds ``offspring_size`` children from tournament-selected parents by crossover
    and/or mutation; survivors are the best ``population_size`` of parents and children —
    ``selBest`` on the score alone, ``selNSGA2`` when the objective vector has costs too.
    Steady-state use asks for one child at a time and tells each trial as it finishes: the
    same operators, with survivors chosen after every trial ((mu + 1) evolution).

    Args:
        space: the search space.
        rng: the only source of randomness.
        population_size: survivors kept per generation (mu).
        offspring_size: children per generation (lambda); defaults to ``population_size``.
        crossover_probability: chance a child comes from crossover (then maybe mutation too).
        mutation_probability: chance a child is mutated (always when not from crossover).
        tournament_size: parents compete in tournaments of this size.
    """

    def __init__(
        self,
        space: SearchSpace,
        rng: np.random.Generator,
        *,
        population_size: int = 20,
        offspring_size: int | None = None,
        crossover_probability: float = 0.4,
        mutation_probability: float = 0.8,
        tournament_size: int = 3,
    ):
        self.space = space
        self.rng = rng
        self.population_size = population_size
        self.offspring_size = offspring_size or population_size
        self.crossover_probability = crossover_probability
        self.mutation_probability = mutation_probability
        self.population: list[Individual] = []
        self._seeds = list(dict.fromkeys(default_genomes(space) + portfolio_genomes(space)))
        # first-generation genomes still to hand out
        self._initial_left = max(population_size, len(self._seeds))
        # Models that ran out of time and never succeeded: on a large table the portfolio's
        # variants of a model cost about what its default did, so the first generation skips
        # them rather than spend a worker's time limit on each (bred children may still try).
        self._out_of_time: set[str | None] = set()
        self._succeeded: set[str | None] = set()
        self.toolbox = base.Toolbox()
        self.toolbox.register("sample", sample_genome, space, rng)
        self.toolbox.register("mutate", mutate, space=space, rng=rng)
        self.toolbox.register("mate", crossover, space=space, rng=rng)
        self.toolbox.register("parents", _tournament, tournament_size=tournament_size, rng=rng)
        self.toolbox.register("survivors", self._survivors)

    @property
    def batch_size(self) -> int:
        return self._initial_left if self._initial_left > 0 else self.offspring_size

    def ask(self, n, is_new):
        batch: list[Genome] = []

        def offer(genome: Genome) -> None:
            if is_new(genome) and fits_its_model(genome, self.space) and genome not in batch:
                batch.append(genome)

        def offer_unless_out_of_time(genome: Genome) -> None:
            if _model(genome) not in self._out_of_time - self._succeeded:
                offer(genome)

        initial = min(n, self._initial_left)
        exploring = initial if initial else (n if not self.population else 0)
        while self._seeds and len(batch) < initial:
            offer_unless_out_of_time(self._seeds.pop(0))
        for _ in range(_ATTEMPTS * n):  # the first generation, or every trial so far failed
            if len(batch) >= exploring:
                break
            offer_unless_out_of_time(self.toolbox.sample())
        self._initial_left -= min(len(batch), initial)
        if not self.population or len(batch) >= n:
            return batch[:n]
        for _ in range(_ATTEMPTS * n):
            if len(batch) >= n:
                break
            for child in self._breed():
                if len(batch) < n:
                    offer(child)
        if len(batch) < n:  # the neighbourhood is exhausted: explore elsewhere
            for _ in range(_ATTEMPTS * n):
                if len(batch) >= n:
                    break
                offer(self.toolbox.sample())
        return batch

    def _breed(self) -> list[Genome]:
        if self.rng.random() < self.crossover_probability and len(self.population) > 1:
            first, second = self.toolbox.parents(self.population, 2)
            children = list(self.toolbox.mate(first.genome, second.genome))
            return [self.toolbox.mutate(c) if self.rng.random() < self.mutation_probability else c
                    for c in children]
        (parent,) = self.toolbox.parents(self.population, 1)
        return [self.toolbox.mutate(parent.genome)]

    def _survivors(self, individuals: list[Individual], k: int) -> list[Individual]:
        if len(individuals[0].fitness.weights) == 1:
            return tools.selBest(individuals, k)
        return tools.selNSGA2(individuals, k)

    def restore(self, trials):
        # Earlier trials stand in for the first generation they were (part of).
        self._initial_left = max(0, self._initial_left - len(trials))
        super().restore(trials)

    def tell(self, trials):
        self._succeeded.update(_model(trial.genome) for trial in trials if trial.ok)
        self._out_of_time.update(_model(trial.genome) for trial in trials
                                 if trial.status is Status.TIMEOUT)
        finished = [Individual(trial) for trial in trials if trial.ok]
        pool = self.population + finished
        if pool:
            self.population = self.toolbox.survivors(pool, self.population_size)
