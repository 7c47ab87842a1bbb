"""The search space: the slots of a pipeline and the blocks and values that may fill them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from automl.data import Task
from automl.graph import Block, Role, registered_blocks
from automl.hyperparameters import Hyperparameter


@dataclass(frozen=True)
class BlockOption:
    """A block that may fill a slot, with the ranges of its hyperparameters in this space.

    The option names its block (identity, hashing, reports) and carries the class too, so a
    worker process that unpickles the space imports the block's module, wherever it lives.
    """

    block: str
    hyperparameters: tuple[tuple[str, Hyperparameter], ...] = ()
    block_class: type[Block] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, block: str, hyperparameters: Mapping[str, Hyperparameter],
           block_class: type[Block] | None = None) -> BlockOption:
        block_class = block_class or registered_blocks()[block]
        return cls(block, tuple(sorted(hyperparameters.items())), block_class)

    @property
    def ranges(self) -> dict[str, Hyperparameter]:
        return dict(self.hyperparameters)


@dataclass(frozen=True)
class Slot:
    """A place in the pipeline. A slot holds ``min_length``..``max_length`` distinct blocks
    (exactly one for most; a sequence of feature steps for ``preprocessing``)."""

    name: str
    role: Role
    options: tuple[BlockOption, ...]
    min_length: int = 1
    max_length: int = 1

    def __post_init__(self):
        if not self.options:
            raise ValueError(f"slot {self.name!r} has no block to choose from.")
        if not 0 <= self.min_length <= self.max_length <= len(self.options):
            raise ValueError(
                f"slot {self.name!r} needs 0 <= min_length <= max_length <= {len(self.options)} "
                f"(its number of blocks); received {self.min_length}..{self.max_length}."
            )

    @property
    def is_sequence(self) -> bool:
        return self.max_length != 1 or self.min_length != 1

    def option(self, block: str) -> BlockOption:
        for option in self.options:
            if option.block == block:
                return option
        raise KeyError(f"{block!r} is not an option of slot {self.name!r}.")


@dataclass(frozen=True)
class SearchSpace:
    """Every slot of the pipeline, in pipeline order, for one task."""

    task: Task
    slots: tuple[Slot, ...]
    #: Pipelines to try first, from the preset (``automl.genome.portfolio_genomes``).
    portfolio: tuple[str, ...] = ()

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(f"no slot {name!r}; the slots are {[s.name for s in self.slots]}.")

    def fingerprint(self) -> str:
        """A short hash that changes whenever any slot, option or range changes."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]
