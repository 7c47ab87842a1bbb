"""Confirmation: the search's best candidates rescored on fresh folds, the choice made on all
their folds, the ensemble chosen on every split, and the time for it planned."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from automl import StructuredDataClassifier
from automl.data import Task
from automl.evaluation import Status, Trial
from automl.fitting._ensembling import PredictionPool, ensemble_candidates
from automl.genome import BlockGene, Genome
from automl.search import (
    Confirmation,
    TopTrials,
    nested_score,
    plan_confirmation,
    prediction_scorer,
)
from automl.search._confirm import CONFIRM_TOP, RESCORE_OVERHEAD
from automl.trials import leaderboard


def _trial(number: int, score: float, seconds: float = 1.0, confirmed=(),
           model: str = "RandomForest") -> Trial:
    genome = Genome((("model", (BlockGene.of(model, {"n_estimators": number}),)),))
    return Trial(genome, Status.OK, (score,), fold_scores=(score,) * 3, fit_seconds=seconds,
                 number=number, confirmed_scores=tuple(confirmed))


def test_the_plan_takes_the_most_top_trials_and_splits_that_fit_the_time():
    top = [_trial(i, 0.9 - i / 100) for i in range(12)]  # 1 s each
    unlimited = plan_confirmation(top, repeats=2, workers=1, seconds=None)
    assert len(unlimited.trials) == CONFIRM_TOP and unlimited.repeats == 2
    assert unlimited.trials == tuple(top[:CONFIRM_TOP])  # the best ones
    # Two workers and 10 s: 2 splits of n trials take n * 2 * 1.25 / 2 s, so 8 fit.
    planned = plan_confirmation(top, repeats=2, workers=2, seconds=10.0)
    assert (len(planned.trials), planned.repeats) == (8, 2)
    assert planned.seconds == pytest.approx(8 * RESCORE_OVERHEAD) and planned.seconds <= 10
    # Too little for 3 trials on 2 splits, enough on 1.
    one_split = plan_confirmation(top, repeats=2, workers=1, seconds=4.0)
    assert (len(one_split.trials), one_split.repeats) == (3, 1)
    assert plan_confirmation(top, repeats=2, workers=1, seconds=3.0) is None


def test_top_trials_keeps_the_best_eligible_ones_and_few_of_one_model():
    top = TopTrials(lambda trial: trial.number % 2 == 0, size=3)
    for i, score in enumerate([0.5, 0.9, 0.7, 0.6, 0.8, 0.4, 0.3]):
        top(_trial(i, score))
    assert [t.number for t in top.trials] == [4, 2, 0]  # odd numbers are not eligible
    varied = TopTrials(lambda trial: True, size=4, per_model=2)
    for i, score in enumerate([0.95, 0.94, 0.93, 0.92]):
        varied(_trial(i, score))                    # four forests, the best four
    varied(_trial(9, 0.5, model="SVM"))
    assert [t.number for t in varied.trials] == [0, 1, 9]  # two forests, then the SVM


def test_a_rows_predictions_on_every_split_fall_in_one_part_of_the_nested_score():
    # The same predictions given twice (two splits that agree): grouping a row's copies,
    # the nested score equals that of one split; scattering them would change the parts.
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, 120)
    candidates = [rng.dirichlet((1, 1), 120) for _ in range(6)]
    scorer = prediction_scorer("balanced_accuracy", Task.CLASSIFICATION, [0, 1])
    once = nested_score(candidates, truth, scorer, size=5, stratify=True, seed=3)
    twice = nested_score([np.vstack([c, c]) for c in candidates], np.tile(truth, 2), scorer,
                         size=5, stratify=True, seed=3, repeats=2)
    assert twice == pytest.approx(once)


def test_the_ensemble_is_chosen_on_every_split_of_the_confirmed_trials():
    rows = 8
    pool = PredictionPool(size=10)
    trials = [_trial(i, 0.9 - i / 10) for i in range(3)]
    for i, trial in enumerate(trials):
        pool(Trial(trial.genome, Status.OK, (trial.score,), (trial.score,),
                   predictions=np.full(rows, float(i))))
    confirmed = tuple(_trial(t.number, t.score, confirmed=(0.5,) * 6) for t in trials[:2])
    fresh = {t.genome.key: (np.full(rows, 10.0 + t.number), np.full(rows, 20.0 + t.number))
             for t in confirmed}
    candidates, repeats = ensemble_candidates(pool, Confirmation(confirmed, fresh, 2))
    assert repeats == 3 and [t.number for t, _ in candidates] == [0, 1]
    np.testing.assert_array_equal(candidates[1][1], [1.0] * rows + [11.0] * rows + [21.0] * rows)
    # Without a confirmation: the pool, on the search's split.
    alone, once = ensemble_candidates(pool, None)
    assert once == 1 and len(alone) == 3 and len(alone[0][1]) == rows


def test_the_leaderboard_ranks_confirmed_trials_first_by_their_score_over_all_folds():
    lucky = _trial(0, 0.95, confirmed=(0.80,) * 6)       # 0.95 on the search's folds only
    steady = _trial(1, 0.90, confirmed=(0.90,) * 6)
    unconfirmed = _trial(2, 0.93)
    board = leaderboard([lucky, steady, unconfirmed])
    assert board["trial"].tolist() == [1, 0, 2]
    assert board["score"].tolist() == pytest.approx([0.90, 0.85, 0.93])
    assert board["search_score"].tolist() == pytest.approx([0.90, 0.95, 0.93])
    assert board["confirmed_score"].iloc[:2].tolist() == pytest.approx([0.90, 0.80])
    assert np.isnan(board["confirmed_score"].iloc[2])
    assert "confirmed_score" not in leaderboard([unconfirmed]).columns


@pytest.fixture(scope="module")
def noisy_table():
    x, y = make_classification(n_samples=160, n_features=8, n_informative=3, flip_y=0.15,
                               random_state=0)
    return x, y


FAST = dict(max_trials=12, population_size=6, cv=3, seed=0, verbose=0, n_jobs=1)


def test_fit_chooses_the_best_trial_over_the_fresh_folds(noisy_table):
    model = StructuredDataClassifier(ensemble_size=0, **FAST).fit(*noisy_table)
    confirmed = [t for t in model.trials_ if t.confirmed]
    assert 3 <= len(confirmed) <= CONFIRM_TOP
    assert all(len(t.confirmed_scores) == 2 * 3 for t in confirmed)  # 2 fresh 3-fold splits
    # Fresh folds give other scores than the search's.
    assert any(t.confirmed_score != pytest.approx(t.score) for t in confirmed)
    # The confirmed are the search's best of each model they hold (3 of a model at most)...
    for family in {t.genome["model"][0].block for t in confirmed}:
        ranked = sorted((t for t in model.trials_ if t.ok
                         and t.genome["model"][0].block == family), key=lambda t: -t.score)
        held = [t for t in confirmed if t.genome["model"][0].block == family]
        assert len(held) <= 3
        assert {t.number for t in held} == {t.number for t in ranked[:len(held)]}
    # ... and the choice is the best over all their folds.
    assert model.best_trial_ == max(confirmed, key=lambda t: t.choice_score)
    board = model.leaderboard_
    assert board["trial"].iloc[0] == model.best_trial_.number
    assert board["score"].iloc[0] == pytest.approx(model.best_trial_.choice_score)


@pytest.mark.slow  # ~11 s on 2 cores; the default run stays under 10 minutes
def test_confirm_repeats_zero_keeps_the_search_choice(noisy_table):
    model = StructuredDataClassifier(ensemble_size=0, confirm_repeats=0, **FAST).fit(*noisy_table)
    assert not any(t.confirmed for t in model.trials_)
    assert model.best_trial_.score == max(t.score for t in model.trials_ if t.ok)
    assert "confirmed_score" not in model.leaderboard_.columns


def test_confirm_repeats_is_checked():
    with pytest.raises(ValueError, match="confirm_repeats must be an integer >= 0"):
        StructuredDataClassifier(confirm_repeats=-1, max_trials=2).fit(np.ones((10, 1)),
                                                                      [0, 1] * 5)
