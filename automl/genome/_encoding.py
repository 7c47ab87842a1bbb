"""Genomes as fixed-length vectors over the space, for a surrogate model of the score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from automl.genome._genome import Genome
from automl.space import SearchSpace

#: A hyperparameter of a block the genome does not hold (values are in [0, 1]).
ABSENT = -1.0


class GenomeEncoder:
    """One column per block option of each slot (1 where the genome holds it, else 0) and one
    per searched hyperparameter of each option (its place in the range, ``Hyperparameter.unit``,
    or ``ABSENT``). The columns come from the space, not from the trials seen, so vectors of
    one search stay comparable as it goes on. The order of feature steps is not encoded."""

    def __init__(self, space: SearchSpace):
        self._columns: dict[tuple[str, str, str | None], int] = {}
        self._ranges = {}
        for slot in space.slots:
            for option in slot.options:
                self._columns[(slot.name, option.block, None)] = len(self._columns)
                for key, hyperparameter in option.hyperparameters:
                    if not hyperparameter.is_fixed:
                        self._columns[(slot.name, option.block, key)] = len(self._columns)
                        self._ranges[(slot.name, option.block, key)] = hyperparameter
        self.names = [f"{slot}.{block}" + (f".{key}" if key else "")
                      for slot, block, key in self._columns]

    def encode(self, genomes: Sequence[Genome]) -> np.ndarray:
        """An (n, len(names)) matrix, one row per genome."""
        rows = np.zeros((len(genomes), len(self.names)))
        rows[:, [column for (_, _, key), column in self._columns.items() if key]] = ABSENT
        for row, genome in zip(rows, genomes):
            for slot, genes in genome.slots:
                for gene in genes:
                    present = self._columns.get((slot, gene.block, None))
                    if present is None:  # a block this space does not offer here
                        continue
                    row[present] = 1.0
                    for key, value in gene.params:
                        column = self._columns.get((slot, gene.block, key))
                        if column is not None:
                            row[column] = _unit(self._ranges[(slot, gene.block, key)], value)
        return rows


def _unit(hyperparameter, value) -> float:
    try:
        return hyperparameter.unit(value)
    except (ValueError, TypeError):  # a value from outside the space (an older portfolio)
        return 0.5
