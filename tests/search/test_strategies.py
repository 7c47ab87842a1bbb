"""The strategies behind ``strategy=``: what each hands out first, a user's own, wrong ones,
and the evolution's first generation on a table where a model runs out of time."""

import numpy as np
import pytest
from strategy_spaces import two_model_space

from automl.evaluation import Status, Trial
from automl.genome import default_genomes, portfolio_genomes
from automl.search import Evolution, RandomSearch, Strategy
from automl.space import MODEL_SLOT
from automl.tasks import StructuredDataRegressor


def _strategy_search(table, strategy, trials: int):
    x, y = table
    return StructuredDataRegressor(strategy=strategy, max_trials=trials, seed=0, n_jobs=1,
                                   scheduler="in-process", ensemble_size=0, confirm_repeats=0,
                                   checks="off", verbose=0).fit(x, y)


def test_strategy_random_samples_after_the_defaults_where_evolution_takes_the_portfolio(
        space, regression_table):
    defaults, portfolio = default_genomes(space), portfolio_genomes(space)
    assert portfolio  # the regression preset ships one
    trials = len(defaults) + 3
    for strategy, from_portfolio in (("evolution", True), ("random", False)):
        genomes = [trial.genome for trial in _strategy_search(regression_table, strategy, trials).trials_]
        assert genomes[:len(defaults)] == defaults
        assert all((genome in portfolio) is from_portfolio for genome in genomes[len(defaults):])


class CountingRandomSearch(RandomSearch):
    """A user's own strategy: random search that counts what it is told."""

    def __init__(self, space, rng):
        super().__init__(space, rng, seed_defaults=False)
        self.told = 0

    def tell(self, trials):
        self.told += len(trials)


def test_a_strategy_of_ones_own_runs_the_search(regression_table):
    made = []

    def factory(space, rng):
        made.append(CountingRandomSearch(space, rng))
        return made[-1]

    model = _strategy_search(regression_table, factory, 5)
    assert len(made) == 1 and isinstance(made[0], Strategy)
    assert made[0].told == len(model.trials_) == 5
    assert model.predict(regression_table[0]).shape == (30,)


def test_a_wrong_strategy_is_refused_at_fit(regression_table):
    with pytest.raises(ValueError, match="strategy must be one of 'evolution', 'random', 'grid'"):
        _strategy_search(regression_table, "annealing", 3)
    with pytest.raises(TypeError, match="not an automl.search.Strategy"):
        _strategy_search(regression_table, lambda space, rng: object(), 3)


def _models_after_the_first(space, status: Status) -> list[str]:
    """The models of the evolution's first generation after its first candidate (a model's
    default) ended with ``status``."""
    strategy = Evolution(space, np.random.default_rng(0), population_size=40)
    (first,) = strategy.ask(1, lambda genome: True)
    strategy.tell([Trial(first, status, (0.5,) if status is Status.OK else None)])
    rest = strategy.ask(39, lambda genome: genome != first)
    return [first[MODEL_SLOT][0].block] + [genome[MODEL_SLOT][0].block for genome in rest]


def test_the_first_generation_skips_a_model_that_ran_out_of_time(space):
    model, *others = _models_after_the_first(space, Status.OK)
    assert model in others  # the portfolio and the random genomes hold more of it
    model, *others = _models_after_the_first(space, Status.TIMEOUT)
    assert model not in others and len(others) == 39


def _genomes_of(space, model: str, count: int) -> list:
    rng = np.random.default_rng(0)
    found = []
    while len(found) < count:
        genome = Evolution(space, rng).toolbox.sample()
        if genome[MODEL_SLOT][0].block == model and genome not in found:
            found.append(genome)
    return found


@pytest.mark.parametrize("model_share, expected", [
    (None, ["KNeighbors"] * 4),  # by fitness alone, one model's variants fill the population
    (0.5, ["KNeighbors", "KNeighbors", "ElasticNet", "ElasticNet"]),
])
def test_the_survivors_hold_at_most_a_model_share_of_one_model(model_share, expected):
    space = two_model_space()
    genomes = _genomes_of(space, "KNeighbors", 5) + _genomes_of(space, "ElasticNet", 2)
    scores = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4]
    strategy = Evolution(space, np.random.default_rng(0), population_size=4,
                         model_share=model_share)
    strategy.tell([Trial(genome, Status.OK, (score,)) for genome, score in zip(genomes, scores)])
    assert [i.genome[MODEL_SLOT][0].block for i in strategy.population] == expected
    assert [i.trial.score for i in strategy.population] == (
        [0.9, 0.8, 0.7, 0.6] if model_share is None else [0.9, 0.8, 0.5, 0.4])


def test_with_too_few_other_models_the_capped_one_fills_the_population():
    space = two_model_space()
    genomes = _genomes_of(space, "KNeighbors", 4) + _genomes_of(space, "ElasticNet", 1)
    strategy = Evolution(space, np.random.default_rng(0), population_size=4, model_share=0.25)
    strategy.tell([Trial(genome, Status.OK, (score,))
                   for genome, score in zip(genomes, [0.9, 0.8, 0.7, 0.6, 0.1])])
    assert [i.trial.score for i in strategy.population] == [0.9, 0.1, 0.8, 0.7]


def test_a_model_share_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="model_share must be in"):
        Evolution(two_model_space(), np.random.default_rng(0), model_share=1.5)
