"""Which strategy proposes the candidates: a name, or a factory the user brings (as Optuna
takes ``sampler=``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from automl.search._bayesian import BayesianSearch
from automl.search._evolution import Evolution
from automl.search._grid import GridSearch
from automl.search._random import RandomSearch
from automl.search._strategy import Strategy
from automl.space import SearchSpace

#: The strategies ``strategy=`` names: an elitist evolution (default), uniform samples, each
#: model's grid, or the evolution with a surrogate ranking its offspring.
STRATEGY_NAMES = ("evolution", "random", "grid", "bayesian")


def check_strategy(strategy) -> None:
    """Raises a ``ValueError`` unless ``strategy`` is a name of ``STRATEGY_NAMES`` or a
    callable ``(space, rng) -> Strategy`` (a ``Strategy`` class with that signature is one)."""
    if strategy in STRATEGY_NAMES or (callable(strategy) and not isinstance(strategy, str)):
        return
    raise ValueError(f"strategy must be one of {', '.join(map(repr, STRATEGY_NAMES))} or a "
                     "callable (space, rng) -> automl.search.Strategy (e.g. a Strategy "
                     f"subclass); received {strategy!r}.")


def make_strategy(strategy: str | Callable[[SearchSpace, np.random.Generator], Strategy],
                  space: SearchSpace, rng: np.random.Generator, *,
                  population_size: int) -> Strategy:
    """The strategy ``strategy`` names (the evolution keeps ``population_size`` survivors), or
    the one its factory makes from the space and the search's only random generator."""
    if strategy == "evolution":
        return Evolution(space, rng, population_size=population_size)
    if strategy == "random":
        return RandomSearch(space, rng)
    if strategy == "grid":
        return GridSearch(space, rng)
    if strategy == "bayesian":
        return BayesianSearch(space, rng, population_size=population_size)
    made = strategy(space, rng)
    if not isinstance(made, Strategy):
        raise TypeError(f"strategy {strategy!r} returned {type(made).__name__}, not an "
                        "automl.search.Strategy: it must offer ask(n, is_new) and "
                        "tell(trials).")
    return made
