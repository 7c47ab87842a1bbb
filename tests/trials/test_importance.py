"""Functional ANOVA against functions whose variance decomposition is known analytically."""

import numpy as np
import pandas as pd
import pytest

import automl
from automl.evaluation import Status, Trial
from automl.genome import BlockGene, Genome
from automl.trials import functional_anova, trial_importance


def by_name(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["hyperparameter"], frame["importance"]))


@pytest.fixture(scope="module")
def cube():
    return np.random.default_rng(0).uniform(size=(600, 3))


def test_additive_function_splits_variance_by_its_terms(cube):
    # Var(4a) = 16/12 and Var(2b) = 4/12: a explains 0.8, b 0.2, c nothing, no interactions.
    result = by_name(functional_anova(cube, 4 * cube[:, 0] + 2 * cube[:, 1], ["a", "b", "c"],
                                      n_trees=16))
    assert result["a"] == pytest.approx(0.8, abs=0.03)
    assert result["b"] == pytest.approx(0.2, abs=0.03)
    assert result["c"] < 0.01
    assert max(result["a × b"], result["a × c"], result["b × c"]) < 0.02


def test_product_has_a_known_interaction_share(cube):
    # f = a*b on the unit square: Var f = 7/144, each main effect 1/48 (3/7), the pair 1/7.
    result = by_name(functional_anova(cube, cube[:, 0] * cube[:, 1], ["a", "b", "c"],
                                      n_trees=16))
    assert result["a"] == pytest.approx(3 / 7, abs=0.03)
    assert result["b"] == pytest.approx(3 / 7, abs=0.03)
    assert result["a × b"] == pytest.approx(1 / 7, abs=0.03)
    assert result["c"] < 0.01


def test_categorical_values_take_equal_shares_of_the_space():
    # Three equally likely categories worth 0, 0, 3 plus a uniform x in [0, 1]:
    # Var(category) = 2, Var(x) = 1/12, so the category explains 24/25.
    rng = np.random.default_rng(1)
    category = rng.integers(3, size=600)
    x = rng.uniform(size=600)
    features = np.column_stack([(category + 0.5) / 3, x])
    scores = np.where(category == 2, 3.0, 0.0) + x
    result = by_name(functional_anova(features, scores, ["kind", "x"], n_trees=16))
    assert result["kind"] == pytest.approx(24 / 25, abs=0.02)
    assert result["x"] == pytest.approx(1 / 25, abs=0.02)


def _trials(count=80):
    """Forest trials whose score depends on max_features only (and a little on the encoder);
    n_estimators is noise-free irrelevant."""
    rng = np.random.default_rng(2)
    trials = []
    for number in range(count):
        features, trees = float(rng.uniform(0.05, 1.0)), int(rng.integers(50, 400))
        encoder = ["OneHotEncoder", "OrdinalEncoder"][number % 2]
        genome = Genome((("encoder", (BlockGene.of(encoder, {}),)),
                         ("model", (BlockGene.of("RandomForest", {"max_features": features,
                                                                   "n_estimators": trees}),))))
        score = 0.9 - 0.2 * (features - 0.5) ** 2 + (0.01 if encoder == "OneHotEncoder" else 0)
        trials.append(Trial(genome, Status.OK, (score,), (score,), number=number))
    trials.append(Trial(trials[0].genome.replace("model", (BlockGene.of("SVM", {"C": 1.0}),)),
                        Status.FAILED, None, reason="boom", number=count))
    return trials


def test_trial_importance_ranks_the_hyperparameter_that_drives_the_score():
    table = trial_importance(_trials())
    forest = table[table["family"] == "RandomForest"]
    assert forest.iloc[0]["hyperparameter"] == "max_features"
    assert forest.iloc[0]["importance"] > 0.6
    values = by_name(forest)
    assert values["n_estimators"] < 0.05
    assert values["encoder"] > values["n_estimators"]
    assert set(table["family"]) == {"RandomForest"}  # one model family: no cross-family rows
    assert (table["trials"] == 80).all()


def test_importance_accepts_a_project_folder_or_trials_and_explains_bad_input(tmp_path):
    assert not automl.importance(_trials()[:5]).shape[0]  # too few trials: an empty table
    with pytest.raises(FileNotFoundError, match="holds no trials.sqlite"):
        automl.importance(tmp_path)
    with pytest.raises(TypeError, match="takes a fitted AutoModel"):
        automl.importance(42)
