"""strategy="grid": the default pipelines, then every point of each model's grid, the models
taking turns; declared grids checked against the space."""

import functools

import numpy as np
import pytest
from strategy_spaces import linear_table, two_model_space

from automl import AutoModel
from automl.blocks import StructuredDataBlock
from automl.genome import default_genomes
from automl.graph import RegressionHead, StructuredDataInput
from automl.hyperparameters import Choice, Float, Int
from automl.search import GridSearch
from automl.tasks import StructuredDataRegressor


@pytest.fixture(scope="module")
def space():
    return two_model_space()


def _everything(strategy) -> list:
    """What the strategy proposes, batch by batch, until it has nothing new."""
    seen: list = []
    while batch := strategy.ask(5, lambda genome, seen=seen: genome not in seen):
        seen.extend(batch)
    return seen


def test_hyperparameter_grids_spread_over_the_range_with_the_default():
    assert Float(1e-4, 1e-2, log=True).grid(3) == (1e-4, 1e-3, 1e-2)
    assert Float(0.0, 1.0, default=0.3).grid(3) == (0.0, 0.3, 0.5, 1.0)
    assert Int(1, 50, log=True, default=5).grid(3) == (1, 5, 50)
    assert Choice(("a", "b", "c")).grid(2) == ("a", "b", "c")  # every option


def test_grid_search_visits_every_point_of_each_models_grid(space):
    genomes = _everything(GridSearch(space, np.random.default_rng(0)))
    defaults = default_genomes(space)
    assert genomes[:2] == defaults
    # KNeighbors 3 x 2 x 2 = 12 points, ElasticNet 3 x 3 = 9; the defaults are among them
    assert len(genomes) == len(set(genomes)) == 21
    models = [genome["model"][0].block for genome in genomes]
    assert models.count("KNeighbors") == 12 and models.count("ElasticNet") == 9
    assert models[2:8] == ["KNeighbors", "ElasticNet"] * 3  # the models take turns
    alphas = {genome["model"][0].values["alpha"] for genome in genomes
              if genome["model"][0].block == "ElasticNet"}
    assert alphas == {1e-5, 0.01, 10.0}
    # another seed: the same points, in another order
    other = _everything(GridSearch(space, np.random.default_rng(1)))
    assert set(other) == set(genomes) and other != genomes


def test_a_declared_grid_replaces_the_default_axes(space):
    grid = {"KNeighbors": {"n_neighbors": [3, 7], "weights": ["distance"]}}
    genomes = _everything(GridSearch(space, np.random.default_rng(0), points=2, grid=grid))
    neighbours = [genome["model"][0].values for genome in genomes[2:]
                  if genome["model"][0].block == "KNeighbors"]
    assert {(v["n_neighbors"], v["weights"]) for v in neighbours} == {(3, "distance"),
                                                                      (7, "distance")}
    assert len(neighbours) == 4  # x p in (2, 1)


@pytest.mark.parametrize("grid, message", [
    ({"SVM": {"C": [1.0]}}, "names model 'SVM', which this search does not have"),
    ({"KNeighbors": {"leaf_size": [10]}}, "KNeighbors's 'leaf_size', which it does not have"),
    ({"KNeighbors": {"weights": ["gaussian"]}}, "KNeighbors.weights must be one of"),
    ({"KNeighbors": {"n_neighbors": 5}}, "must be a non-empty list"),
])
def test_a_wrong_grid_is_named(space, grid, message):
    with pytest.raises(ValueError, match=message):
        GridSearch(space, np.random.default_rng(0), grid=grid)


def test_strategy_grid_runs_a_search_and_ends_when_the_grid_is_done():
    x, y = linear_table()
    grid = {"KNeighbors": {"n_neighbors": [3, 5]}, "ElasticNet": {"alpha": [0.01],
                                                                  "l1_ratio": [0.0]}}
    inp = StructuredDataInput()
    block = StructuredDataBlock(models=["KNeighbors", "ElasticNet"], max_preprocessors=0)
    model = AutoModel(inp, RegressionHead()(block(inp)),
                      strategy=functools.partial(GridSearch, grid=grid), max_trials=50, seed=0,
                      n_jobs=1, scheduler="in-process", ensemble_size=0, confirm_repeats=0,
                      checks="off", verbose=0).fit(x, y)
    # KNeighbors 2 x 2 x 2 points and ElasticNet's one (both defaults among them)
    assert len(model.trials_) == 2 * 2 * 2 + 1
    assert model.best_trial_.genome["model"][0].block == "ElasticNet"  # y is linear in x
    named = StructuredDataRegressor(strategy="grid", max_trials=4, seed=0, n_jobs=1,
                                    scheduler="in-process", ensemble_size=0, confirm_repeats=0,
                                    checks="off", verbose=0).fit(x, y)
    assert len(named.trials_) == 4
