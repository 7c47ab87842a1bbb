"""The confirmation of a pipeline search (``automl.search.confirm``): which trials may be
rescored, the time kept for it while the search runs, and the rescoring on the search's
workers once it ends."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from automl.evaluation import make_folds
from automl.fitting._ensembling import seconds_left
from automl.search import (
    Confirmation,
    SearchResult,
    SplitEvaluation,
    TopTrials,
    confirm,
    confirmation_reserve,
    plan_confirmation,
    with_confirmed,
)
from automl.space import MODEL_SLOT


class Confirmer:
    """Confirms the top trials of ``session``'s search on up to ``repeats`` fresh splits.

    Args:
        session: the ``SearchSession`` (its seed, deadline, refit estimates, progress).
        evaluation: ``evaluation(folds, seed) -> CrossValidation`` on those folds.
        data: the training data (its folds are drawn anew for each split).
        cv, repeats, workers, time_budget: the fit's settings.
        eligible: which trials may be rescored (scored on every fold, within the limits).
        kept_after: seconds the work after the confirmation needs beside the refit of the
            best (an ensemble's other members).
    """

    def __init__(self, session, evaluation: Callable, data, cv: int, repeats: int,
                 workers: int, time_budget: float | None, eligible: Callable,
                 kept_after: Callable[[], float]):
        self.session, self.evaluation, self.data = session, evaluation, data
        self.cv, self.repeats, self.workers = cv, repeats, workers
        self.time_budget, self.kept_after = time_budget, kept_after
        self.top = TopTrials(eligible)
        for trial in () if session.store is None else session.store.trials():
            self.top(trial)  # a resumed search's earlier trials
        self.found: Confirmation | None = None

    def splits(self, search, seed: int) -> SplitEvaluation:
        """The search's evaluation ``search`` with the fresh splits' beside it (seeds
        ``seed + 1``, ...): one function for the workers."""
        return SplitEvaluation((search, *(
            self.evaluation(make_folds(self.data, self.cv, seed + split), seed)
            for split in range(1, self.repeats + 1))))

    def reserve(self) -> float:
        """Seconds the search keeps for the confirmation of its current top trials."""
        return confirmation_reserve(self.top, self.repeats, self.workers, self.time_budget)

    def __call__(self, result: SearchResult, executor, evaluate: SplitEvaluation
                 ) -> SearchResult:
        """The search's ``result`` with its top trials confirmed (those whose splits all
        finished in the time left for them) and the best confirmed one chosen."""
        session = self.session
        left = seconds_left(session.deadline)
        usable = None if left is None else (
            left - session.refit_estimate(result.best) - self.kept_after())
        top = TopTrials(self.top.eligible)
        for trial in result.trials:
            top(trial)
        plan = plan_confirmation(top.trials, self.repeats, self.workers, usable)
        if plan is None:
            return result
        found = confirm(plan, evaluate, executor,
                        None if usable is None else time.monotonic() + usable)
        if not found.trials:
            return result
        self.found = found
        left = seconds_left(session.deadline)
        chosen = found.best(lambda trial: left is None or session.refit_seconds(trial) <= left)
        session.progress.line(describe(found, plan.trials, chosen))
        if chosen is None:  # none of them can be refit in time: the search's choice stands
            return dataclasses.replace(result, trials=with_confirmed(result.trials, found))
        return dataclasses.replace(result, trials=with_confirmed(result.trials, found),
                                   chosen=chosen)


def describe(found: Confirmation, planned, chosen) -> str:
    """``"confirmation: 10 best rescored on 2 fresh splits; chosen: SVM, 0.871 (search 0.879,
    fresh folds 0.867)"``."""
    line = (f"confirmation: {len(found.trials)} of the {len(planned)} best rescored on "
            f"{found.repeats} fresh split{'s' if found.repeats > 1 else ''}")
    if chosen is None:
        return line + "; none can be refit in the time left"
    return (line + f"; chosen: {chosen.genome.describe()[MODEL_SLOT]} (#{chosen.number}), "
            f"{chosen.choice_score:.4f} over all folds (search {chosen.score:.4f}, "
            f"fresh folds {chosen.confirmed_score:.4f})")
