"""Random search over the same space: the baseline evolution must beat."""

from __future__ import annotations

import numpy as np

from automl.genome import Genome, default_genomes, fits_its_model, sample_genome
from automl.search._strategy import Strategy
from automl.space import SearchSpace

_ATTEMPTS = 50


class RandomSearch(Strategy):
    """Uniform samples of the space; with ``seed_defaults`` it first tries the same default
    genomes as the evolutionary search's first generation, so a comparison isolates evolution."""

    def __init__(self, space: SearchSpace, rng: np.random.Generator, seed_defaults: bool = True):
        self.space = space
        self.rng = rng
        self._pending = default_genomes(space) if seed_defaults else []

    def ask(self, n, is_new):
        batch = []

        def offer(genome: Genome) -> None:
            if is_new(genome) and fits_its_model(genome, self.space) and genome not in batch:
                batch.append(genome)

        while self._pending and len(batch) < n:
            offer(self._pending.pop(0))
        for _ in range(_ATTEMPTS * n):
            if len(batch) >= n:
                break
            offer(sample_genome(self.space, self.rng))
        return batch

    def tell(self, trials):
        pass
