"""Genomes: immutable, hashable assignments of every slot of a search space."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from automl.space import PREPROCESSING_SLOT


@dataclass(frozen=True)
class BlockGene:
    """One block filling (part of) a slot, with concrete hyperparameter values."""

    block: str
    params: tuple[tuple[str, Hashable], ...] = ()

    @classmethod
    def of(cls, block: str, values: Mapping[str, Hashable]) -> BlockGene:
        return cls(block, tuple(sorted(values.items())))

    @property
    def values(self) -> dict[str, Hashable]:
        return dict(self.params)

    def with_value(self, key: str, value: Hashable) -> BlockGene:
        return BlockGene.of(self.block, {**self.values, key: value})


@dataclass(frozen=True)
class Genome:
    """Slot name -> the blocks filling it, in pipeline order. Equal genomes are one candidate."""

    slots: tuple[tuple[str, tuple[BlockGene, ...]], ...]

    def __getitem__(self, slot: str) -> tuple[BlockGene, ...]:
        for name, genes in self.slots:
            if name == slot:
                return genes
        raise KeyError(f"genome has no slot {slot!r}.")

    def __contains__(self, slot: str) -> bool:
        return any(name == slot for name, _ in self.slots)

    def replace(self, slot: str, genes: tuple[BlockGene, ...]) -> Genome:
        if slot not in self:
            raise KeyError(f"genome has no slot {slot!r}.")
        return Genome(tuple((n, tuple(genes) if n == slot else g) for n, g in self.slots))

    @property
    def key(self) -> str:
        """A short stable identifier (same genome, same key, in every process and run)."""
        return hashlib.sha256(repr(self.slots).encode()).hexdigest()[:12]

    def to_json(self) -> str:
        """The genome as JSON text; ``Genome.from_json`` gives back an equal genome."""
        return json.dumps([[slot, [[gene.block, [list(p) for p in gene.params]] for gene in genes]]
                           for slot, genes in self.slots])

    @classmethod
    def from_json(cls, text: str) -> Genome:
        return cls(tuple(
            (slot, tuple(BlockGene(block, tuple((key, value) for key, value in params))
                         for block, params in genes))
            for slot, genes in json.loads(text)))

    def describe(self) -> dict[str, Hashable]:
        """A flat, readable view: ``{"model": "SVM", "model.C": 3.2, "preprocessing":
        "PCA > StandardScaler", "preprocessing.PCA.variance_kept": 0.9, ...}``."""
        flat: dict[str, Hashable] = {}
        for slot, genes in self.slots:
            if len(genes) == 1 and slot != PREPROCESSING_SLOT:
                flat[slot] = genes[0].block
                prefix = {genes[0].block: slot}
            else:
                flat[slot] = " > ".join(gene.block for gene in genes) or "none"
                prefix = {gene.block: f"{slot}.{gene.block}" for gene in genes}
            for gene in genes:
                for key, value in gene.params:
                    flat[f"{prefix[gene.block]}.{key}"] = value
        return flat
