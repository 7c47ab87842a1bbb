"""Grid search over the same space: every model's hyperparameters on a grid, for comparing
strategies at equal time."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping, Sequence

import numpy as np

from automl.genome import BlockGene, Genome, default_genomes, fits_its_model
from automl.search._strategy import Strategy
from automl.space import MODEL_SLOT, BlockOption, SearchSpace

#: Values per numeric hyperparameter (its default added when it is not among them).
GRID_POINTS = 3
#: A model's grid larger than this is visited at this many of its points, drawn at random.
MAX_POINTS_PER_MODEL = 10_000


class GridSearch(Strategy):
    """The default pipelines first (as every strategy's first generation), then for each
    model its grid: every combination of its hyperparameters' values (``points`` values
    spread over each numeric range, every option of a choice; or the values ``grid`` declares,
    ``{"LightGBM": {"num_leaves": [15, 31, 63]}}``), the rest of the pipeline as in that
    model's default pipeline. The models take turns, and each model's grid is visited in an
    order drawn from ``rng``, so a search stopped by its budget has seen every model, and
    not only the first corner of each grid. A model's grid of more than
    ``MAX_POINTS_PER_MODEL`` points is visited at that many of them.

    Pass it with its grid as ``strategy=functools.partial(GridSearch, grid={...})``.
    """

    def __init__(self, space: SearchSpace, rng: np.random.Generator, points: int = GRID_POINTS,
                 grid: Mapping[str, Mapping[str, Sequence[Hashable]]] | None = None):
        self.space, self.rng = space, rng
        model_slot = space.slot(MODEL_SLOT)
        _check_grid(grid or {}, model_slot.options)
        self._pending = default_genomes(space)
        bases = {genome[MODEL_SLOT][0].block: genome for genome in self._pending}
        self._turns = [self._points(bases[option.block], option, points,
                                    (grid or {}).get(option.block, {}))
                       for option in model_slot.options if option.block in bases]

    def _points(self, base: Genome, option: BlockOption, points: int,
                declared: Mapping[str, Sequence[Hashable]]) -> Iterator[Genome]:
        """``option``'s grid points as genomes, in a random order."""
        keys = [key for key, _ in option.hyperparameters]
        axes = [tuple(declared[key]) if key in declared else hyperparameter.grid(points)
                for key, hyperparameter in option.hyperparameters]
        size = math.prod(len(axis) for axis in axes)
        for index in _random_order(size, self.rng):
            values, rest = {}, int(index)
            for key, axis in zip(keys, axes):
                rest, position = divmod(rest, len(axis))
                values[key] = axis[position]
            yield base.replace(MODEL_SLOT, (BlockGene.of(option.block, values),))

    def ask(self, n, is_new):
        batch: list[Genome] = []

        def offer(genome: Genome) -> None:
            if is_new(genome) and fits_its_model(genome, self.space) and genome not in batch:
                batch.append(genome)

        while self._pending and len(batch) < n:
            offer(self._pending.pop(0))
        while self._turns and len(batch) < n:
            turn = self._turns.pop(0)
            genome = next(turn, None)
            if genome is not None:  # else this model's grid is done
                offer(genome)
                self._turns.append(turn)  # the next model's turn
        return batch

    def tell(self, trials):
        pass


def _random_order(size: int, rng: np.random.Generator) -> Iterator[int]:
    """The integers below ``size`` in a random order; at most ``MAX_POINTS_PER_MODEL`` of
    them."""
    if size <= MAX_POINTS_PER_MODEL:
        yield from (int(i) for i in rng.permutation(size))
        return
    seen: set[int] = set()
    while len(seen) < MAX_POINTS_PER_MODEL:
        index = int(rng.integers(size))
        if index not in seen:
            seen.add(index)
            yield index


def _check_grid(grid: Mapping, options: Sequence[BlockOption]) -> None:
    """Raises a ``ValueError`` naming what a declared grid gets wrong."""
    ranges = {option.block: option.ranges for option in options}
    for block, values in grid.items():
        if block not in ranges:
            raise ValueError(f"the grid names model {block!r}, which this search does not "
                             f"have; its models: {sorted(ranges)}.")
        for key, axis in values.items():
            if key not in ranges[block]:
                raise ValueError(f"the grid names {block}'s {key!r}, which it does not have; "
                                 f"its hyperparameters: {sorted(ranges[block])}.")
            if isinstance(axis, str) or not isinstance(axis, Sequence) or not axis:
                raise ValueError(f"the grid's {block}.{key} must be a non-empty list of "
                                 f"values; received {axis!r}.")
            for value in axis:
                ranges[block][key].validate(value, f"the grid's {block}.{key}")


