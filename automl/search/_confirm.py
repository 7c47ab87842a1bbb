"""Confirmation: the search's best few candidates rescored on fresh folds before the choice.

Hundreds of candidates scored on the same ``cv`` folds: the best score belongs as much to the
luckiest candidate as to the best one, most of all on small tables (on a 398-row table the
chosen pipeline's CV R² 0.879 scored 0.841 on new rows, below a default forest). So, where
candidates are cheap, the top ones are scored again on ``repeats`` new splits (other fold
seeds), and the final choice ranks them by the mean over all their folds
(``Trial.choice_score``), as repeated k-fold would, at the cost of a few candidates instead of
all of them. Their out-of-fold predictions on the new splits let the ensemble be chosen on
every split too.

The time is planned: while the search runs, ``ConfirmationPlan.seconds`` says what the
confirmation of the current top candidates will take, and the search keeps it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from automl.evaluation import Trial
from automl.space import MODEL_SLOT

#: Fresh splits the top candidates are rescored on by default (``confirm_repeats``).
DEFAULT_CONFIRM_REPEATS = 2
#: The most candidates rescored, and the fewest worth it (fewer: the search's choice stands).
CONFIRM_TOP, CONFIRM_LEAST = 10, 3
#: The most trials of one model among those rescored.
CONFIRM_PER_MODEL = 3
#: The share of the time budget the confirmation may take, at most.
CONFIRM_SHARE = 0.15
#: A rescoring costs this much more than the trial's own fit and predict seconds: on new folds
#: the column steps (imputer, encoder) are fitted again, not taken from the search's cache.
RESCORE_OVERHEAD = 1.25


@dataclass(frozen=True)
class ConfirmationPlan:
    """The trials to rescore (best first) on how many fresh splits, and the seconds that takes
    on ``workers`` workers (from the trials' own measured fit and predict times)."""

    trials: tuple[Trial, ...]
    repeats: int
    seconds: float


def _cost(trial: Trial) -> float:
    return RESCORE_OVERHEAD * (trial.fit_seconds + trial.predict_seconds)


def plan_confirmation(top: Sequence[Trial], repeats: int, workers: int,
                      seconds: float | None) -> ConfirmationPlan | None:
    """The most of ``top`` (the best eligible trials, best first) rescored on the most
    repeats (up to ``repeats``) that fit in ``seconds`` (``None``: no limit); ``None`` when
    fewer than ``CONFIRM_LEAST`` would be."""
    top = tuple(top[:CONFIRM_TOP])
    for count in range(repeats, 0, -1):
        cumulative = np.cumsum([_cost(trial) for trial in top]) * count / max(workers, 1)
        fits = len(top) if seconds is None else int(np.searchsorted(cumulative, seconds,
                                                                    side="right"))
        if fits >= CONFIRM_LEAST:
            return ConfirmationPlan(top[:fits], count, float(cumulative[fits - 1]))
    return None


class TopTrials:
    """Callback: keeps the best ``size`` successful trials that ``eligible`` admits (those
    scored on every fold; a network scored on fewer is not rescored), at most ``per_model``
    of each model: an evolved search's best are often near-copies of one pipeline, which tell
    the choice and the ensemble the same thing ``size`` times."""

    def __init__(self, eligible: Callable[[Trial], bool], size: int = CONFIRM_TOP,
                 per_model: int = CONFIRM_PER_MODEL):
        self.eligible, self.size, self.per_model = eligible, size, per_model
        self._by_model: dict[str, list[Trial]] = {}

    def __call__(self, trial: Trial) -> None:
        if trial.ok and self.eligible(trial):
            kept = self._by_model.setdefault(trial.genome[MODEL_SLOT][0].block, [])
            kept.append(trial.without_predictions())
            kept.sort(key=_rank, reverse=True)
            del kept[self.per_model:]

    @property
    def trials(self) -> list[Trial]:
        """The kept trials, best first."""
        return sorted((t for kept in self._by_model.values() for t in kept), key=_rank,
                      reverse=True)[:self.size]


def _rank(trial: Trial) -> tuple[float, float]:
    return trial.score, -trial.fit_seconds


@dataclass(frozen=True)
class Confirmation:
    """What the rescoring found: the confirmed trials (``confirmed_scores`` set), best
    ``choice_score`` first, and each one's out-of-fold predictions on every fresh split
    (by genome key; empty without predictions)."""

    trials: tuple[Trial, ...]
    predictions: dict[str, tuple[np.ndarray, ...]]
    repeats: int

    def best(self, affordable: Callable[[Trial], bool] = lambda trial: True) -> Trial | None:
        """The confirmed trial with the best ``choice_score`` that ``affordable`` admits."""
        return next((trial for trial in self.trials if affordable(trial)), None)


@dataclass(frozen=True)
class SplitEvaluation:
    """Picklable: a genome's trial on the search's folds (``evaluations[0]``), or, for an item
    ``(genome, split)``, on fresh split ``split`` (``evaluations[split]``). One function for
    the search and its confirmation, so that the workers get it once (a new function would
    start new worker processes: seconds the confirmation does not have)."""

    evaluations: tuple[Callable[..., Trial | None], ...]

    def __call__(self, item, deadline: float | None = None) -> Trial | None:
        genome, split = item if isinstance(item, tuple) else (item, 0)
        return self.evaluations[split](genome, deadline=deadline)


def confirm(plan: ConfirmationPlan, evaluate: SplitEvaluation, executor,
            deadline: float | None) -> Confirmation:
    """Rescores ``plan``'s trials on its fresh splits (``evaluate``'s, from 1) through
    ``executor`` by ``deadline``. A trial is confirmed when every split finished; the others
    keep the search's score alone."""
    items = [(trial.genome, repeat) for repeat in range(1, plan.repeats + 1)
             for trial in plan.trials]
    executor.max_eval_time = None  # the deadline bounds them
    results = executor.map(evaluate, items, deadline=deadline,
                           failure=lambda *failed, **where: None)
    found: dict[str, list[Trial]] = {}
    for (genome, _), result in zip(items, results):
        if result is not None and result.ok:
            found.setdefault(genome.key, []).append(result)
    confirmed, predictions = [], {}
    for trial in plan.trials:
        splits = found.get(trial.genome.key, [])
        if len(splits) != plan.repeats:
            continue
        scores = tuple(score for split in splits for score in split.fold_scores)
        confirmed.append(dataclasses.replace(trial, confirmed_scores=scores))
        if all(split.predictions is not None for split in splits):
            predictions[trial.genome.key] = tuple(split.predictions for split in splits)
    confirmed.sort(key=lambda t: (t.choice_score, -t.fit_seconds), reverse=True)
    return Confirmation(tuple(confirmed), predictions, plan.repeats)


def with_confirmed(trials: Sequence[Trial], confirmation: Confirmation) -> list[Trial]:
    """``trials`` with the confirmed ones replaced by their confirmed versions."""
    by_key = {trial.genome.key: trial for trial in confirmation.trials}
    return [by_key.get(trial.genome.key, trial) for trial in trials]


def confirmation_reserve(top: TopTrials, repeats: int, workers: int,
                         time_budget: float | None) -> float:
    """Seconds to keep for the confirmation of the current top trials: what its plan takes
    within ``CONFIRM_SHARE`` of the budget (0 when none would fit)."""
    if time_budget is None or repeats == 0:
        return 0.0
    plan = plan_confirmation(top.trials, repeats, workers, CONFIRM_SHARE * time_budget)
    return 0.0 if plan is None else plan.seconds
