"""strategy="bayesian": genomes encoded over the space, a random-forest surrogate, offspring
ranked by expected improvement per expected second."""

import functools
import math

import numpy as np
import pytest
from strategy_spaces import linear_table, two_model_space

from automl.evaluation import Status, Trial
from automl.genome import GenomeEncoder, default_genomes, sample_genome
from automl.genome._encoding import ABSENT
from automl.hyperparameters import Choice, Fixed, Float, Int
from automl.search import (
    BayesianSearch,
    Evolution,
    RandomSearch,
    Surrogate,
    expected_improvement,
)
from automl.tasks import StructuredDataRegressor


@pytest.fixture(scope="module")
def space():
    return two_model_space()


def _objective(genome) -> tuple[float, float]:
    """A known landscape: KNeighbors best at n_neighbors = 20 with distance weights, slow;
    ElasticNet poor and fast. (score, seconds)"""
    gene = genome["model"][0]
    if gene.block == "ElasticNet":
        return 0.2, 0.01
    values = gene.values
    closeness = abs(math.log(values["n_neighbors"]) - math.log(20)) / math.log(50)
    return 1.0 - closeness - 0.2 * (values["weights"] == "uniform"), 0.5


def _trial(genome, number=0, generation=0) -> Trial:
    score, seconds = _objective(genome)
    return Trial(genome, Status.OK, (score,), fit_seconds=seconds, number=number,
                 generation=generation)


def _best_after(strategy, evaluations: int) -> float:
    seen: set = set()
    best = -math.inf
    while len(seen) < evaluations:
        batch = strategy.ask(1, lambda genome: genome not in seen)
        if not batch:
            break
        trials = [_trial(genome, len(seen)) for genome in batch]
        seen.update(batch)
        best = max([best] + [trial.score for trial in trials])
        strategy.tell(trials)
    return best


def test_hyperparameters_place_values_in_the_unit_interval():
    assert Float(1e-4, 1e-2, log=True).unit(1e-3) == pytest.approx(0.5)
    assert Float(0.0, 2.0).unit(5.0) == 1.0  # outside the range: clipped
    assert Int(0, 10).unit(5) == pytest.approx(0.5)
    assert Choice(("a", "b", "c")).unit("c") == 1.0
    assert Choice((False, True)).unit(False) == 0.0
    assert Fixed(3).unit(3) == 0.0
    with pytest.raises(ValueError, match="'d' is not one of"):
        Choice(("a", "b")).unit("d")


def test_genomes_are_encoded_over_the_space_not_over_the_trials_seen(space):
    encoder = GenomeEncoder(space)
    neighbours, elastic = default_genomes(space)
    rows = encoder.encode([neighbours, elastic])
    column = {name: index for index, name in enumerate(encoder.names)}
    assert rows[0, column["model.KNeighbors"]] == 1.0 and rows[0, column["model.ElasticNet"]] == 0
    assert rows[0, column["model.ElasticNet.alpha"]] == ABSENT  # not its block
    assert 0.0 <= rows[1, column["model.ElasticNet.alpha"]] <= 1.0
    assert rows[1, column["model.KNeighbors.n_neighbors"]] == ABSENT
    samples = [sample_genome(space, np.random.default_rng(seed)) for seed in range(20)]
    encoded = encoder.encode(samples)
    assert encoded.shape == (20, len(encoder.names))
    assert len({row.tobytes() for row in encoded}) == len(set(samples))  # distinct stay apart


def test_expected_improvement_is_the_closed_form():
    improvement = expected_improvement(np.array([1.0, 3.0, -5.0]), np.array([1.0, 1e-9, 1.0]),
                                       best=1.0)
    assert improvement[0] == pytest.approx(1 / math.sqrt(2 * math.pi))  # the normal's pdf at 0
    assert improvement[1] == pytest.approx(2.0)  # certain: the improvement itself
    assert improvement[2] == pytest.approx(0.0, abs=1e-8)


def test_the_surrogate_prefers_the_better_and_then_the_cheaper(space):
    rng = np.random.default_rng(0)
    trials = [_trial(sample_genome(space, rng), number) for number in range(60)]
    surrogate = Surrogate(GenomeEncoder(space), trials, seed=0)
    good, poor = default_genomes(space)
    good = good.replace("model", (good["model"][0].with_value("n_neighbors", 20)
                                  .with_value("weights", "distance"),))
    best = max(trial.score for trial in trials)
    merit = surrogate.acquisition([good, poor], best)
    assert merit[0] > merit[1]
    # the same predicted score at a tenth of the time is worth ten times as much
    slow = [Trial(t.genome, Status.OK, t.objectives, fit_seconds=10 * t.fit_seconds)
            for t in trials]
    assert Surrogate(GenomeEncoder(space), slow, seed=0).acquisition([good], best)[0] == \
        pytest.approx(merit[0] / 10, rel=0.05)


def test_a_failed_trial_teaches_the_surrogate_to_avoid_its_region(space):
    rng = np.random.default_rng(1)
    genomes = [sample_genome(space, rng) for _ in range(60)]
    trials = [Trial.failed(g, Status.FAILED, "ValueError: boom")
              if g["model"][0].block == "ElasticNet" else _trial(g) for g in genomes]
    surrogate = Surrogate(GenomeEncoder(space), trials, seed=0)
    neighbours, elastic = default_genomes(space)
    merit = surrogate.acquisition([neighbours, elastic], best=1.0)
    assert merit[1] < merit[0]


@pytest.mark.slow  # ~17 s on 2 cores; the default run stays under 10 minutes
def test_bayesian_search_finds_more_than_random_search_and_evolution_at_equal_evaluations(
        space):
    def mean_best(strategy) -> float:
        return np.mean([_best_after(strategy(space, np.random.default_rng(seed)), 40)
                        for seed in range(10)])

    bayesian = mean_best(functools.partial(BayesianSearch, population_size=6))
    assert bayesian > mean_best(RandomSearch)
    assert bayesian > mean_best(functools.partial(Evolution, population_size=6))


def test_after_the_first_generation_the_surrogate_ranks_the_offspring(space):
    strategy = BayesianSearch(space, np.random.default_rng(0), population_size=6,
                              unranked_share=0.0)
    seen: set = set()
    first = strategy.ask(6, lambda genome: genome not in seen)
    seen.update(first)
    strategy.tell([_trial(genome, n) for n, genome in enumerate(first)])
    later = []
    for _ in range(20):
        (genome,) = strategy.ask(1, lambda genome: genome not in seen)
        seen.add(genome)
        later.append(genome)
        strategy.tell([_trial(genome, len(seen))])
    # ElasticNet scores 0.2 against KNeighbors' 0.4 to 1.0: the surrogate stops proposing it
    assert sum(g["model"][0].block == "ElasticNet" for g in later) <= 2
    assert strategy._surrogate is not None and len(strategy.observed) == 26


def test_a_resumed_bayesian_search_learns_the_earlier_trials(space):
    rng = np.random.default_rng(2)
    earlier = [_trial(sample_genome(space, rng), n) for n in range(12)]
    strategy = BayesianSearch(space, np.random.default_rng(0), population_size=6)
    strategy.restore(earlier)
    assert strategy.observed == earlier and strategy._initial_left == 0
    batch = strategy.ask(3, lambda genome: genome not in {t.genome for t in earlier})
    assert len(batch) == 3 and strategy._surrogate is not None


def test_strategy_bayesian_runs_a_search():
    x, y = linear_table()
    model = StructuredDataRegressor(strategy="bayesian", max_trials=20, population_size=6,
                                    seed=0, n_jobs=1, scheduler="in-process", ensemble_size=0,
                                    confirm_repeats=0, checks="off", verbose=0).fit(x, y)
    assert len(model.trials_) == 20
    assert max(trial.generation for trial in model.trials_) >= 2
    assert model.best_trial_.score > 0.9  # y is linear in x
