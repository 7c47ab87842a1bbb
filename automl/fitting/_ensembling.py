"""Post-hoc ensembles of a pipeline search: the out-of-fold predictions of the best candidates
are kept as trials finish (in memory, and in the trial store so a resumed search ensembles too);
after the search, greedy selection (``automl.search.select``) weighs them, and the members are
refit within what is left of the time budget.

Which candidates may join: those with predictions on every row the search scores candidates on
(all rows; on large tables under a time budget, the first folds' validation rows, see
``automl.evaluation.scored_folds``), and the ensemble is chosen on those rows. A Keras network
under a time budget is scored on 2 of the ``cv`` folds only: where every fold is scored, its
predictions cover 2/``cv`` of the rows and averaging it with the others would score the ensemble
on other rows than its members, so it stays out (it can still win alone); where one or two
folds are scored, it covers them and joins.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from automl.data import Task
from automl.evaluation import Trial
from automl.search import Confirmation, CostLimits, nested_score, prediction_scorer, select
from automl.space import MODEL_SLOT

#: Seconds kept free after the ensemble's refit, for what fit does after it.
SAFETY_SECONDS = 1.0
#: The time kept for an ensemble's members beside the best: the refits of the next best
#: candidates, at most this share of the time budget (so a costly candidate near the top
#: does not end the search early; the ensemble then leaves it out).
RESERVE_MEMBERS, RESERVE_SHARE = 4, 0.1


class PredictionPool:
    """Callback: keeps the out-of-fold predictions of the best ``size`` trials on the rows
    every candidate is scored on (``score_on``; all rows until told), and mirrors them to
    ``store`` (a ``TrialStore``) when given; with a store, it starts from what earlier runs
    kept there."""

    def __init__(self, size: int, store=None):
        self.size = size
        self.store = store
        self.rows: np.ndarray | None = None
        self._kept: dict[str, tuple[Trial, np.ndarray]] = {}
        if store is not None:
            stored = store.predictions()
            for trial in store.trials():
                if trial.ok and trial.genome.key in stored:
                    self._kept[trial.genome.key] = (trial, stored[trial.genome.key])

    def score_on(self, rows: np.ndarray) -> None:
        """Keeps predictions on ``rows`` (ascending indices) only, from now on; what an earlier
        run kept on other rows leaves."""
        self.rows = rows
        self._kept = {key: kept for key, kept in self._kept.items() if len(kept[1]) == len(rows)}

    @staticmethod
    def _rank(trial: Trial) -> tuple[float, float]:
        return trial.score, -trial.fit_seconds

    def __call__(self, trial: Trial) -> None:
        predictions = trial.predictions
        if predictions is not None and self.rows is not None:
            predictions = predictions[self.rows]
        if not trial.ok or predictions is None or not np.isfinite(predictions).all():
            return
        key = trial.genome.key
        self._kept[key] = (trial.without_predictions(), predictions)
        if self.store is not None:
            self.store.put_predictions(key, predictions)
        while len(self._kept) > self.size:
            worst = min(self._kept, key=lambda k: self._rank(self._kept[k][0]))
            del self._kept[worst]
            if self.store is not None:
                self.store.drop_predictions(worst)

    def best_first(self) -> list[tuple[Trial, np.ndarray]]:
        return sorted(self._kept.values(), key=lambda kept: self._rank(kept[0]), reverse=True)


@dataclass(frozen=True)
class Ensemble:
    """A chosen ensemble: its members (trials, best first), their weights, its score on the
    out-of-fold rows it was chosen on (optimistic) and by nested selection (honest), and the
    seconds its refit is expected to take."""

    members: tuple[Trial, ...]
    weights: tuple[float, ...]
    selection_score: float
    score: float
    refit_seconds: float

    def refit_in(self, seconds: float) -> Ensemble:
        """This ensemble with the seconds its refit took."""
        return replace(self, refit_seconds=seconds)

    def describe(self) -> str:
        """``"0.60 HistGradientBoosting (#12) + 0.40 SVM (#3)"``."""
        return " + ".join(f"{weight:.2f} {trial.genome.describe()[MODEL_SLOT]} (#{trial.number})"
                          for trial, weight in zip(self.members, self.weights))


def ensemble_candidates(pool: PredictionPool, confirmation: Confirmation | None
                        ) -> tuple[list[tuple[Trial, np.ndarray]], int]:
    """What the ensemble is chosen from, best first: each candidate with its out-of-fold
    predictions, and how many splits of the rows those predictions hold one after the other.
    After a confirmation, its trials with predictions on the search's split and every fresh
    one (the choice then sees every split); otherwise the pool, on the search's split."""
    kept = dict((trial.genome.key, predictions) for trial, predictions in pool.best_first())
    if confirmation is not None:
        stacked = [(trial, np.concatenate([kept[trial.genome.key], *(
                    split[pool.rows] if pool.rows is not None else split
                    for split in confirmation.predictions[trial.genome.key])]))
                   for trial in confirmation.trials
                   if trial.genome.key in kept and trial.genome.key in confirmation.predictions]
        if len(stacked) >= 2:
            return stacked, 1 + confirmation.repeats
    return pool.best_first(), 1


def choose_ensemble(candidates: list[tuple[Trial, np.ndarray]], truth: np.ndarray, metric: str,
                    task: Task, classes, size: int, refit_seconds: Callable[[Trial], float],
                    seconds_left: float | None, seed: int,
                    limits: CostLimits | None = None, repeats: int = 1,
                    groups: np.ndarray | None = None, times: np.ndarray | None = None
                    ) -> tuple[Ensemble | None, str]:
    """The ensemble to refit, or ``None`` (the best single pipeline then), and a line saying
    what was chosen and why. ``candidates``: trials with their out-of-fold predictions, best
    first, on ``repeats`` splits of the rows of ``truth`` one after the other
    (``ensemble_candidates``); ``groups``: what the nested estimate keeps together, a group
    number per row of ``truth`` (``TrainingData.split_groups``); ``times``: each row's place
    in time, when the nested estimate must chain forward.

    Members must be refit in the ``seconds_left``: while the chosen ensemble's refit would not
    fit, its costliest member leaves the candidates and selection runs again. Likewise the
    ensemble must keep within ``limits``, its costs being the sums of its members' (each
    predicts every row). The ensemble is kept only when its nested score is at least that of
    picking the best pipeline alone.
    """
    limits = limits or CostLimits()
    candidates = [kept for kept in candidates
                  if not limits or limits.allows(dict(kept[0].costs))]
    if len(candidates) < 2:
        return None, "ensemble: fewer than 2 candidates with out-of-fold predictions"
    if task is Task.CLASSIFICATION:
        index = {label: i for i, label in enumerate(classes)}
        target = np.asarray([index[label] for label in truth])
    else:
        target = np.asarray(truth, dtype="float64")
    target = np.tile(target, repeats)
    scorer = prediction_scorer(metric, task, classes)
    why = ""
    while len(candidates) >= 2:
        predictions = [kept for _, kept in candidates]
        selection = select(predictions, target, scorer, size)
        members = selection.members
        costs = summed_costs([candidates[i][0] for i in members])
        if limits and len(members) > 1 and not limits.allows(costs):
            heaviest = max(members, key=lambda i: dict(candidates[i][0].costs)[
                "latency_ms" if limits.max_latency_ms else "model_size"])
            candidates = [c for i, c in enumerate(candidates) if i != heaviest]
            why = f"no ensemble keeps within {limits.describe()}"
            continue
        cost = sum(refit_seconds(candidates[i][0]) for i in members)
        if seconds_left is not None and cost > seconds_left - SAFETY_SECONDS:
            costliest = max(members, key=lambda i: refit_seconds(candidates[i][0]))
            why = (f"its refit would not fit in the time left ({seconds_left:.1f} s); "
                   "refitting the best pipeline alone")
            if len(members) == 1:
                break
            candidates = [c for i, c in enumerate(candidates) if i != costliest]
            continue
        if len(members) == 1:
            kept = candidates[members[0]][0].number
            return None, (f"ensemble: selection kept one pipeline (#{kept}) of the best "
                          f"{len(candidates)}")
        honest = nested_score(predictions, target, scorer, size, repeats=repeats,
                              stratify=task is Task.CLASSIFICATION, seed=seed, groups=groups,
                              times=times)
        # The same nested estimate for picking the best single pipeline (a selection of one):
        # the best pipeline's own CV score is as optimistic as the ensemble's selection score.
        single = nested_score(predictions, target, scorer, 1, repeats=repeats,
                              stratify=task is Task.CLASSIFICATION, seed=seed, groups=groups,
                              times=times)
        if honest < single:
            return None, (f"ensemble: its nested CV {metric} {honest:.4f} is below picking "
                          f"the best pipeline's {single:.4f}; refitting the best pipeline")
        ensemble = Ensemble(tuple(candidates[i][0] for i in members),
                            tuple(float(selection.weights[i]) for i in members),
                            selection.score, honest, cost)
        return ensemble, ""
    return None, f"ensemble: {why or 'fewer than 2 candidates within the limits'}"


def summed_costs(members) -> dict[str, float]:
    """An ensemble's costs from its member trials': each predicts every row and is saved."""
    return {name: sum(dict(trial.costs).get(name, np.nan) for trial in members)
            for name in ("latency_ms", "batch_latency_ms", "model_size")}


def ensemble_reserve(pool: PredictionPool | None, refit_seconds: Callable[[Trial], float],
                     time_budget: float) -> float:
    """Seconds to keep for the refit of an ensemble's members besides the best: the next
    ``RESERVE_MEMBERS`` candidates' refits, at most ``RESERVE_SHARE`` of the budget."""
    if pool is None:
        return 0.0
    others = pool.best_first()[1:1 + RESERVE_MEMBERS]
    return min(RESERVE_SHARE * time_budget, sum(refit_seconds(trial) for trial, _ in others))


def seconds_left(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


def ensemble_rows(ensemble: Ensemble | None) -> list[dict]:
    """The ensemble's row of the leaderboard (none without an ensemble): its honest score, and
    its members with their weights."""
    if ensemble is None:
        return []
    return [{"status": "ok", "score": ensemble.score, MODEL_SLOT: "Ensemble",
             "members": ensemble.describe(),
             "selection_score": ensemble.selection_score,
             "fit_seconds": ensemble.refit_seconds}]
