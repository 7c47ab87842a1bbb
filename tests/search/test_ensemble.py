"""Post-hoc ensembles: greedy selection on out-of-fold predictions, its honest score, the
refit ensemble that predicts, exports and resumes, and the time budget used whole."""

import pickle
import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_classifier
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.metrics import get_scorer

from automl import StructuredDataClassifier, StructuredDataRegressor
from automl.data import Task
from automl.fitting import DEFAULT_MAX_TRIALS, SearchSettings
from automl.fitting._ensembling import PredictionPool
from automl.pipeline import WeightedEnsemble
from automl.search import nested_score, prediction_scorer, select
from automl.trials import TrialStore


def test_selection_weighs_complementary_candidates():
    # Two candidates, each right on a different half of the rows, and one always wrong:
    # their average is right everywhere, and the wrong one gets no weight.
    truth = np.array([0, 1] * 10)
    right, wrong = np.eye(2)[truth], np.eye(2)[1 - truth]
    first_half = np.where(np.arange(20)[:, None] < 10, right, 0.5 + 0.1 * (wrong - right))
    second_half = np.where(np.arange(20)[:, None] >= 10, right, 0.5 + 0.1 * (wrong - right))
    scorer = prediction_scorer("balanced_accuracy", Task.CLASSIFICATION, [0, 1])
    selection = select([first_half, second_half, wrong], truth, scorer, size=10)
    assert selection.weights[2] == 0
    assert selection.weights.sum() == pytest.approx(1.0)
    assert set(selection.members) == {0, 1}
    assert selection.score == 1.0


def test_the_nested_score_removes_the_optimism_of_selection():
    # Forty candidates of pure noise: selection finds an average that looks good on the rows
    # it chose on, the nested estimate sees chance.
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 200)
    noise = [rng.dirichlet((1, 1), 200) for _ in range(40)]
    scorer = prediction_scorer("accuracy", Task.CLASSIFICATION, [0, 1])
    optimistic = select(noise, truth, scorer, size=10).score
    honest = nested_score(noise, truth, scorer, size=10, stratify=True)
    assert optimistic > 0.6
    assert honest < optimistic - 0.05


def test_fast_metrics_equal_scikit_learns():
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, r2_score

    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 100)
    probabilities = rng.dirichlet((1, 1, 1), 100)
    predicted = probabilities.argmax(axis=1)
    assert prediction_scorer("balanced_accuracy", Task.CLASSIFICATION, [0, 1, 2])(
        truth, probabilities) == pytest.approx(balanced_accuracy_score(truth, predicted))
    assert prediction_scorer("accuracy", Task.CLASSIFICATION, [0, 1, 2])(
        truth, probabilities) == pytest.approx(accuracy_score(truth, predicted))
    values, estimates = rng.normal(size=50), rng.normal(size=50)
    assert prediction_scorer("r2", Task.REGRESSION, None)(values, estimates) == pytest.approx(
        r2_score(values, estimates))
    log_loss = prediction_scorer("neg_log_loss", Task.CLASSIFICATION, ["a", "b", "c"])
    assert log_loss(truth, probabilities) < 0  # through scikit-learn's own scorer


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return x, y.to_numpy()


@pytest.fixture(scope="module")
def ensembled(cancer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ensemble")
    x, y = cancer
    # One worker: the same candidates in every run (with two, they depend on timing), and on
    # these 569 rows an ensemble of them beats the best alone under nested CV.
    model = StructuredDataClassifier(max_trials=10, population_size=6, cv=3, n_jobs=1, seed=0,
                                     verbose=0, directory=folder, project_name="cancer")
    return model.fit(x, y), folder / "cancer"


def test_an_ensemble_of_the_best_pipelines_is_refit_and_averaged(ensembled, cancer):
    model, _ = ensembled
    x, y = cancer
    ensemble = model.ensemble_
    assert ensemble is not None and len(ensemble.members) >= 2
    assert sum(ensemble.weights) == pytest.approx(1.0)
    exported = model.export_model()
    assert isinstance(exported, WeightedEnsemble)
    # predict_proba is the weighted average of the members' probabilities.
    expected = sum(w * m.predict_proba(x) for w, m in zip(exported.weights, exported.members))
    np.testing.assert_allclose(model.predict_proba(x), expected)
    np.testing.assert_array_equal(model.predict(x), model.classes_[expected.argmax(axis=1)])
    # A scikit-learn classifier: scorers that need one (ROC AUC) take it.
    assert is_classifier(exported)
    assert get_scorer("roc_auc")(exported, x, y) > 0.9
    # One picklable scikit-learn estimator that predicts the same after a round trip.
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(exported)).predict(x),
                                  model.predict(x))
    assert model.evaluate(x, y)["balanced_accuracy"] > 0.85


def test_the_ensemble_is_a_row_of_the_leaderboard_with_its_nested_score(ensembled):
    model, folder = ensembled
    board = model.leaderboard_
    row = board[board["model"] == "Ensemble"]
    assert len(row) == 1
    assert row["score"].iloc[0] == pytest.approx(model.ensemble_.score)
    assert row["selection_score"].iloc[0] == pytest.approx(model.ensemble_.selection_score)
    assert "(#" in row["members"].iloc[0]
    assert len(board) == len(model.trials_) + 1
    saved = pd.read_csv(folder / "leaderboard.csv")
    assert (saved["model"] == "Ensemble").sum() == 1


@pytest.mark.slow  # ~24 s on 2 cores; the default run stays under 10 minutes
def test_the_store_keeps_the_pool_and_a_resumed_search_ensembles_it(ensembled, cancer,
                                                                     tmp_path):
    model, folder = ensembled
    copy = shutil.copytree(folder, tmp_path / "cancer")  # the other tests keep the original
    with TrialStore.open_existing(copy) as store:
        stored = store.predictions()
        restored = PredictionPool(50, store).best_first()
    assert 2 <= len(stored) <= 50
    assert {trial.genome.key for trial, _ in restored} == set(stored)
    first = next(iter(stored.values()))
    assert first.shape == (len(cancer[1]), 2) and first.dtype == np.float32
    resumed = StructuredDataClassifier(max_trials=13, population_size=6, cv=3, n_jobs=1,
                                       seed=0, verbose=0, directory=tmp_path,
                                       project_name="cancer").fit(*cancer)
    assert len(resumed.trials_) == 13 and resumed.ensemble_ is not None
    assert {trial.genome.key for trial in resumed.ensemble_.members} <= {
        trial.genome.key for trial in resumed.trials_}
    with TrialStore.open_existing(copy) as store:
        assert len(store.predictions()) >= len(stored)


@pytest.mark.slow  # ~12 s on 2 cores; the default run stays under 10 minutes
def test_ensemble_size_zero_refits_the_best_pipeline_alone(cancer):
    from sklearn.pipeline import Pipeline

    model = StructuredDataClassifier(max_trials=6, population_size=6, cv=3, n_jobs=1, seed=0,
                                     verbose=0, ensemble_size=0).fit(*cancer)
    assert model.ensemble_ is None
    assert isinstance(model.export_model(), Pipeline)
    assert "Ensemble" not in set(model.leaderboard_["model"])


@pytest.mark.slow  # ~13 s on 2 cores; the default run stays under 10 minutes
def test_a_regression_ensemble_averages_values():
    x, y = load_diabetes(return_X_y=True, as_frame=True)
    model = StructuredDataRegressor(max_trials=12, population_size=6, cv=3, seed=0, verbose=0,
                                    scheduler="in-process").fit(x.iloc[:200], y.iloc[:200])
    if model.ensemble_ is None:  # selection may keep one pipeline: then it serves alone
        assert model.export_model().predict(x.iloc[:5]).shape == (5,)
        return
    exported = model.export_model()
    expected = sum(w * m.predict(x.iloc[200:]) for w, m in zip(exported.weights,
                                                               exported.members))
    np.testing.assert_allclose(model.predict(x.iloc[200:]), expected)


def test_max_trials_caps_only_when_given_or_without_a_time_budget():
    def cap(**parameters):
        return SearchSettings.of(StructuredDataClassifier(**parameters)).max_trials

    assert cap(time_budget=120) is None
    assert cap() == DEFAULT_MAX_TRIALS == 100
    assert cap(time_budget=120, max_trials=7) == 7
    assert StructuredDataClassifier().get_params()["max_trials"] == "auto"
    with pytest.raises(ValueError, match="ensemble_size must be an integer >= 0"):
        StructuredDataClassifier(ensemble_size=-1).fit(np.ones((10, 1)), [0, 1] * 5)


def test_the_time_kept_for_an_ensemble_is_its_next_members_refits_up_to_a_share():
    from automl.evaluation import Status, Trial
    from automl.fitting._ensembling import RESERVE_SHARE, ensemble_reserve
    from automl.genome import BlockGene, Genome

    pool = PredictionPool(50)
    for number, (score, seconds) in enumerate([(0.9, 1.0), (0.8, 2.0), (0.7, 3.0)]):
        genome = Genome((("model", (BlockGene(f"Model{number}", ()),)),))
        pool(Trial(genome, Status.OK, (score,), (score,), seconds, number=number,
                   predictions=np.zeros((4, 2), "float32")))
    refit = lambda trial: 10 * trial.fit_seconds  # noqa: E731
    assert ensemble_reserve(pool, refit, time_budget=1000) == 20 + 30  # all but the best
    assert ensemble_reserve(pool, refit, time_budget=60) == RESERVE_SHARE * 60
    assert ensemble_reserve(None, refit, time_budget=60) == 0


def test_the_nested_score_works_on_fewer_rows_than_parts():
    truth = np.array([0, 1, 1, 0])
    candidates = [np.eye(2)[truth], np.eye(2)[1 - truth]]
    scorer = prediction_scorer("accuracy", Task.CLASSIFICATION, [0, 1])
    assert nested_score(candidates, truth, scorer, size=3, stratify=True) == 1.0


def test_the_pool_keeps_predictions_on_the_rows_every_candidate_is_scored_on():
    # A large table under a time budget: candidates are scored on fold 0 only, a network on
    # folds 0 and 1; both cover fold 0's rows and join, a candidate missing some does not.
    from automl.evaluation import Status, Trial
    from automl.genome import BlockGene, Genome

    def trial(number, covered):
        predictions = np.full((10, 2), np.nan, "float32")
        predictions[covered] = 0.5
        genome = Genome((("model", (BlockGene(f"Model{number}", ()),)),))
        return Trial(genome, Status.OK, (0.9,), (0.9,), 1.0, number=number,
                     predictions=predictions)

    pool = PredictionPool(50)
    pool.score_on(np.array([0, 3, 5]))
    pool(trial(0, [0, 3, 5]))
    pool(trial(1, [0, 1, 3, 5, 7]))
    pool(trial(2, [0, 3]))
    kept = pool.best_first()
    assert sorted(t.number for t, _ in kept) == [0, 1]
    assert all(predictions.shape == (3, 2) for _, predictions in kept)


def test_large_tables_are_scored_on_the_folds_that_hold_enough_validation_rows():
    from automl.evaluation import VALIDATION_ROWS, fold_indices, scored_folds, validation_rows

    def scored(rows, cv=5):
        return scored_folds(fold_indices(np.arange(rows) % 2, cv, seed=0, stratify=True))

    assert len(scored(VALIDATION_ROWS - 1)) == 5  # small: every fold
    assert len(scored(VALIDATION_ROWS * 5 // 4)) == 4
    assert len(scored(VALIDATION_ROWS * 5)) == 1  # a holdout of 1/cv of the rows
    folds = scored(VALIDATION_ROWS * 5 // 2)
    rows = validation_rows(folds)
    assert len(folds) == 2 and len(rows) >= VALIDATION_ROWS
    assert np.array_equal(rows, np.sort(np.concatenate([v for _, v in folds])))
