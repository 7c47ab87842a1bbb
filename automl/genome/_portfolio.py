"""Portfolios: complete pipelines that did well on other tables, tried in the first generation
(as AutoGluon's portfolio and FLAML's zero-shot configurations). A preset names its portfolio
file; ``tools/portfolio.py`` learns one from stored searches.

A pipeline is written per slot, ``{"model": [["LightGBM", {"num_leaves": 63}]],
"preprocessing": []}``: slots it leaves out take the first generation's defaults, values it
leaves out their defaults, so one portfolio serves tables with or without categorical columns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from automl.genome._genome import BlockGene, Genome
from automl.genome._operators import check_genome, default_gene
from automl.space import SearchSpace


def pipeline_of(genome: Genome) -> dict[str, list]:
    """``genome`` written as a portfolio pipeline (JSON-ready)."""
    return {slot: [[gene.block, gene.values] for gene in genes] for slot, genes in genome.slots}


def genome_in(pipeline: Mapping[str, list], space: SearchSpace) -> Genome | None:
    """``pipeline`` as a genome of ``space``; ``None`` when the space cannot hold it (a block it
    does not offer, a value outside its ranges)."""
    slots = []
    for slot in space.slots:
        if slot.name not in pipeline:
            slots.append((slot.name, () if slot.is_sequence else (default_gene(slot.options[0]),)))
            continue
        genes = []
        for block, values in pipeline[slot.name]:
            if block not in {option.block for option in slot.options}:
                return None
            option = slot.option(block)
            chosen = {key: value for key, value in values.items() if key in option.ranges}
            genes.append(BlockGene.of(block, {**default_gene(option).values, **chosen}))
        slots.append((slot.name, tuple(genes)))
    genome = Genome(tuple(slots))
    try:
        check_genome(genome, space)
    except ValueError:
        return None
    return genome


def portfolio_genomes(space: SearchSpace) -> list[Genome]:
    """The pipelines of ``space.portfolio`` this space can hold, as genomes, in order."""
    genomes = (genome_in(json.loads(text), space) for text in space.portfolio)
    return list(dict.fromkeys(genome for genome in genomes if genome is not None))
