"""Variation operators stay inside the space, and the same seed gives the same genomes."""

import numpy as np
import pytest

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.genome import check_genome, crossover, default_genomes, mutate, sample_genome
from automl.graph import ClassificationHead, Graph, RegressionHead, StructuredDataInput
from automl.space import build_space


@pytest.fixture(params=list(Task), ids=lambda t: t.value)
def space(request, mixed_table):
    x, y = mixed_table
    task = request.param
    target = y if task is Task.CLASSIFICATION else np.arange(len(y), dtype=float)
    data = load_training_data(x, target, task)
    inp = StructuredDataInput()
    head = ClassificationHead() if task is Task.CLASSIFICATION else RegressionHead()
    return build_space(Graph(inp, head(StructuredDataBlock()(inp))), data.spec)


def test_every_operator_stays_in_the_space(space):
    rng = np.random.default_rng(0)
    population = default_genomes(space) + [sample_genome(space, rng) for _ in range(20)]
    for genome in population:
        check_genome(genome, space)
    for _ in range(400):
        a, b = (population[int(i)] for i in rng.integers(len(population), size=2))
        child = mutate(a, space, rng)
        check_genome(child, space)
        assert child != a
        for offspring in crossover(a, b, space, rng):
            check_genome(offspring, space)
        population.append(child)


def test_mutation_reaches_structure_and_values(space):
    rng = np.random.default_rng(1)
    genome = default_genomes(space)[0]
    seen_models, seen_lengths, changed_values = set(), set(), False
    for _ in range(300):
        child = mutate(genome, space, rng)
        seen_models.add(child["model"][0].block)
        seen_lengths.add(len(child["preprocessing"]))
        same_model = child["model"][0].block == genome["model"][0].block
        changed_values |= same_model and child["model"] != genome["model"]
    assert len(seen_models) > 3
    assert {0, 1} <= seen_lengths
    assert changed_values


def test_crossover_mixes_slots_of_both_parents(space):
    rng = np.random.default_rng(2)
    a, b = default_genomes(space)[:2]
    children = [c for _ in range(50) for c in crossover(a, b, space, rng)]
    assert {child["model"][0].block for child in children} == {a["model"][0].block, b["model"][0].block}


def test_same_seed_same_genomes(space):
    def run(seed):
        rng = np.random.default_rng(seed)
        genomes = [sample_genome(space, rng) for _ in range(5)]
        for _ in range(30):
            genomes.append(mutate(genomes[-1], space, rng))
            genomes.extend(crossover(genomes[-2], genomes[-1], space, rng))
        return genomes

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_default_genomes_cover_every_model(space):
    genomes = default_genomes(space)
    assert [g["model"][0].block for g in genomes] == [o.block for o in space.slot("model").options]
    scaled = {g["model"][0].block: [x.block for x in g["preprocessing"]] for g in genomes}
    assert scaled["SVM"] == ["StandardScaler"] and scaled["HistGradientBoosting"] == []


def test_genomes_are_hashable_and_describe_themselves(space):
    genomes = {g["model"][0].block: g for g in default_genomes(space)}
    genome = genomes["HistGradientBoosting"]
    assert {genome: 1}[genome] == 1
    described = genome.describe()
    assert described["model"] == "HistGradientBoosting"
    assert described["preprocessing"] == "none"
    assert described["model.learning_rate"] == 0.1
    assert genomes["SVM"].describe()["preprocessing"] == "StandardScaler"
    assert len(genome.key) == 12
