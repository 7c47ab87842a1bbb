"""The fold loop shared by both cross-validations (automl/evaluation/_folds.py)."""

import time

import pytest

from automl.evaluation import Status, cross_validate, run_folds
from automl.genome import Genome
from automl.runtime import training_deadline

FOLDS = [([0, 1], [2]), ([1, 2], [0]), ([0, 2], [1])]


def test_every_fold_scored():
    status, reason, scores = run_folds(FOLDS, None, lambda i, train, valid: (i / 10, 1.0))
    assert (status, reason, scores) == (Status.OK, "", [(0.0, 1.0), (0.1, 1.0), (0.2, 1.0)])


@pytest.mark.parametrize("error, status, reason", [
    (ValueError("bad fold"), Status.FAILED, "ValueError: bad fold"),
    (MemoryError("no room"), Status.OUT_OF_MEMORY, "MemoryError: no room"),
])
def test_a_fold_that_raises_ends_the_trial(error, status, reason):
    def fit_and_score(index, train, validation):
        if index == 1:
            raise error
        return (0.5,)

    assert run_folds(FOLDS, None, fit_and_score) == (status, reason, [(0.5,)])


def test_a_score_that_is_not_finite_fails_the_trial():
    status, reason, scores = run_folds(FOLDS, None, lambda i, t, v: (float("nan"),))
    assert (status, reason, scores) == (Status.FAILED, "the score on fold 1 is nan", [])


def test_no_fold_starts_that_cannot_finish_before_the_deadline():
    def slow(index, train, validation):
        time.sleep(0.3)
        return (1.0,)

    status, reason, scores = run_folds(FOLDS, time.monotonic() + 0.5, slow)
    assert (status, reason, scores) == (
        Status.TIMEOUT,
        "stopped at its deadline (max_eval_time or the time budget) after 1 of 3 folds",
        [(1.0,)])
    status, reason, _ = run_folds(FOLDS, time.monotonic() + 0.1, slow)
    assert (status, reason) == (Status.TIMEOUT, "stopped at its deadline during fold 1 of 3")


def test_a_fit_that_stops_itself_gets_its_next_fold_after_a_slow_first_one():
    # The first fold also pays for measuring the costs; a fit that stops at its own deadline
    # (as networks do) needs only that overhead again, not the whole first fold: without this
    # the second fold was never started on a slow machine (CI, stop 52).
    def fit(index, train, validation):
        time.sleep(max(training_deadline() - time.monotonic(), 0.0))
        return index

    def costs(fitted, validation):
        time.sleep(0.3)
        return {}

    def score(fitted, validation):
        return (1.0,), None

    # Fold 1 stops at 0.8 s and ends at 1.1 s: another 1.1 s would pass the deadline at 2 s.
    trial = cross_validate(Genome(()), FOLDS[:2], time.monotonic() + 2.0, (), fit,
                           score, costs)
    assert trial.ok and trial.fold_scores == (1.0, 1.0)
