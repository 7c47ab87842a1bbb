"""Random search over the same space: the baseline evolution must beat."""

from __future__ import annotations

import numpy as np

from automl.genome import default_genomes, sample_genome
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
        while self._pending and len(batch) < n:
            genome = self._pending.pop(0)
            if is_new(genome) and genome not in batch:
                batch.append(genome)
        for _ in range(_ATTEMPTS * n):
            if len(batch) >= n:
                break
            genome = sample_genome(self.space, self.rng)
            if is_new(genome) and genome not in batch:
                batch.append(genome)
        return batch

    def tell(self, trials):
        pass
