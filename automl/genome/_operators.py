"""Variation operators: pure functions of (genome(s), space, random generator) that always
return genomes inside the space. They are bound by role in the search's DEAP toolbox."""

from __future__ import annotations

import numpy as np

from automl.genome._genome import BlockGene, Genome
from automl.graph import Role
from automl.space import BlockOption, SearchSpace, Slot


def random_gene(option: BlockOption, rng: np.random.Generator) -> BlockGene:
    return BlockGene.of(option.block, {k: hp.sample(rng) for k, hp in option.hyperparameters})


def default_gene(option: BlockOption) -> BlockGene:
    return BlockGene.of(option.block, {k: hp.default for k, hp in option.hyperparameters})


def _random_slot(slot: Slot, rng: np.random.Generator) -> tuple[BlockGene, ...]:
    length = int(rng.integers(slot.min_length, slot.max_length + 1))
    chosen = rng.choice(len(slot.options), size=length, replace=False)
    return tuple(random_gene(slot.options[int(i)], rng) for i in chosen)


def sample_genome(space: SearchSpace, rng: np.random.Generator) -> Genome:
    """A genome drawn uniformly: structure first, then every value."""
    return Genome(tuple((slot.name, _random_slot(slot, rng)) for slot in space.slots))


def default_genomes(space: SearchSpace) -> list[Genome]:
    """One genome per model option with every value at its default and the simplest
    preprocessing (a StandardScaler for scale-sensitive models): strong, cheap first guesses."""
    model_slot = space.slots[-1]
    genomes = []
    for model_option in model_slot.options:
        slots = []
        for slot in space.slots[:-1]:
            genes: tuple[BlockGene, ...] = ()
            if not slot.is_sequence:
                genes = (default_gene(slot.options[0]),)
            elif model_option.block_class.tags.scale_sensitive:
                scalers = [o for o in slot.options if o.block == "StandardScaler"]
                genes = tuple(default_gene(o) for o in scalers[:1])
            if len(genes) < slot.min_length:
                genes += tuple(default_gene(o) for o in slot.options
                               if o.block not in {g.block for g in genes})[: slot.min_length]
            slots.append((slot.name, genes))
        slots.append((model_slot.name, (default_gene(model_option),)))
        genomes.append(Genome(tuple(slots)))
    return list(dict.fromkeys(genomes))


# --- mutation -------------------------------------------------------------------------------

def _change_value(genome: Genome, space: SearchSpace, rng) -> Genome | None:
    """Moves one hyperparameter to a neighbouring value."""
    sites = [
        (slot.name, index, key)
        for slot in space.slots
        for index, gene in enumerate(genome[slot.name])
        for key, hp in slot.option(gene.block).hyperparameters
        if not hp.is_fixed
    ]
    if not sites:
        return None
    slot_name, index, key = sites[int(rng.integers(len(sites)))]
    genes = list(genome[slot_name])
    hyperparameter = space.slot(slot_name).option(genes[index].block).ranges[key]
    genes[index] = genes[index].with_value(key, hyperparameter.perturb(genes[index].values[key], rng))
    return genome.replace(slot_name, tuple(genes))


def _unused_options(slot: Slot, genes) -> list[BlockOption]:
    used = {gene.block for gene in genes}
    return [option for option in slot.options if option.block not in used]


def _swap_block(genome: Genome, space: SearchSpace, rng) -> Genome | None:
    """Replaces one block by another option of its slot, with random values."""
    sites = [(slot, i) for slot in space.slots for i in range(len(genome[slot.name]))
             if _unused_options(slot, genome[slot.name])]
    if not sites:
        return None
    slot, index = sites[int(rng.integers(len(sites)))]
    genes = list(genome[slot.name])
    unused = _unused_options(slot, genes)
    genes[index] = random_gene(unused[int(rng.integers(len(unused)))], rng)
    return genome.replace(slot.name, tuple(genes))


def _insert_step(genome: Genome, space: SearchSpace, rng) -> Genome | None:
    """Adds a block at a random position of a sequence slot (e.g. one more feature step)."""
    sites = [slot for slot in space.slots
             if len(genome[slot.name]) < slot.max_length and _unused_options(slot, genome[slot.name])]
    if not sites:
        return None
    slot = sites[int(rng.integers(len(sites)))]
    genes = list(genome[slot.name])
    unused = _unused_options(slot, genes)
    genes.insert(int(rng.integers(len(genes) + 1)), random_gene(unused[int(rng.integers(len(unused)))], rng))
    return genome.replace(slot.name, tuple(genes))


def _remove_step(genome: Genome, space: SearchSpace, rng) -> Genome | None:
    """Drops one block of a sequence slot."""
    sites = [slot for slot in space.slots if len(genome[slot.name]) > slot.min_length]
    if not sites:
        return None
    slot = sites[int(rng.integers(len(sites)))]
    genes = list(genome[slot.name])
    del genes[int(rng.integers(len(genes)))]
    return genome.replace(slot.name, tuple(genes))


#: Mutation kinds and their relative weights: value changes are the finest, most common step.
MUTATIONS = ((_change_value, 0.5), (_swap_block, 0.2), (_insert_step, 0.15), (_remove_step, 0.15))


def mutate(genome: Genome, space: SearchSpace, rng: np.random.Generator) -> Genome:
    """One random structural or value change; returns a genome different from ``genome``
    unless the space has no other point."""
    for _ in range(20):
        weights = np.array([weight for _, weight in MUTATIONS])
        operator = MUTATIONS[int(rng.choice(len(MUTATIONS), p=weights / weights.sum()))][0]
        child = operator(genome, space, rng)
        if child is not None and child != genome:
            return child
    return genome


def crossover(
    first: Genome, second: Genome, space: SearchSpace, rng: np.random.Generator
) -> tuple[Genome, Genome]:
    """Uniform crossover by slot; where both parents use the same single block, its values are
    mixed uniformly too. Slots are independent, so children stay inside the space."""
    slots_a, slots_b = [], []
    for slot in space.slots:
        genes_a, genes_b = first[slot.name], second[slot.name]
        if rng.random() < 0.5:
            genes_a, genes_b = genes_b, genes_a
        if (not slot.is_sequence and genes_a[0].block == genes_b[0].block
                and genes_a[0].params != genes_b[0].params):
            mixed_a, mixed_b = {}, {}
            for (key, value_a), (_, value_b) in zip(genes_a[0].params, genes_b[0].params):
                if rng.random() < 0.5:
                    value_a, value_b = value_b, value_a
                mixed_a[key], mixed_b[key] = value_a, value_b
            genes_a = (BlockGene.of(genes_a[0].block, mixed_a),)
            genes_b = (BlockGene.of(genes_b[0].block, mixed_b),)
        slots_a.append((slot.name, genes_a))
        slots_b.append((slot.name, genes_b))
    return Genome(tuple(slots_a)), Genome(tuple(slots_b))


def fits_its_model(genome: Genome, space: SearchSpace) -> bool:
    """Whether the model of ``genome`` can take what its feature steps give it: an image
    network (``needs_images``) reshapes its columns back into images, so only steps tagged
    ``keeps_columns`` may come before it."""
    model_slot = space.slots[-1]
    if not model_slot.option(genome[model_slot.name][0].block).block_class.tags.needs_images:
        return True
    return all(slot.option(gene.block).block_class.tags.keeps_columns
               for slot in space.slots if slot.role is Role.TRANSFORMER
               for gene in genome[slot.name])


def check_genome(genome: Genome, space: SearchSpace) -> None:
    """Raises ``ValueError`` naming the first place where ``genome`` leaves ``space``."""
    if [name for name, _ in genome.slots] != [slot.name for slot in space.slots]:
        raise ValueError(f"genome slots {[n for n, _ in genome.slots]} differ from the space's "
                         f"{[s.name for s in space.slots]}.")
    for slot in space.slots:
        genes = genome[slot.name]
        if not slot.min_length <= len(genes) <= slot.max_length:
            raise ValueError(f"slot {slot.name!r} holds {len(genes)} blocks; allowed "
                             f"{slot.min_length}..{slot.max_length}.")
        if len({gene.block for gene in genes}) != len(genes):
            raise ValueError(f"slot {slot.name!r} repeats a block: {[g.block for g in genes]}.")
        for gene in genes:
            ranges = slot.option(gene.block).ranges
            if set(gene.values) != set(ranges):
                raise ValueError(f"{gene.block} in slot {slot.name!r} has values for "
                                 f"{sorted(gene.values)}, expected {sorted(ranges)}.")
            for key, value in gene.params:
                if not ranges[key].contains(value):
                    raise ValueError(f"{gene.block}.{key} = {value!r} is outside "
                                     f"{ranges[key]!r} (slot {slot.name!r}).")
