"""The strategies behind ``strategy=``: what each hands out first, a user's own, wrong ones,
and the evolution's first generation on a table where a model runs out of time."""

import numpy as np
import pytest

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
