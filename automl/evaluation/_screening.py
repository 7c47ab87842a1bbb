"""Multi-fidelity screening: asynchronous successive halving inside each evaluation.

On a large table a candidate is first fitted on a third of its first fold's training rows
(on a ninth before that, ... while a rung keeps ``MIN_RUNG_ROWS``), scored on the fold's
validation rows, and goes on to its full evaluation only while its score at each rung is among
the best ``1 / ETA`` of the scores seen at that rung so far (ASHA, Li et al. 2020). A candidate
stopped so is a ``SCREENED`` trial: not successful, so its scores at lower fidelity are never
ranked beside full ones (choice, leaderboard, ensemble, Pareto front).

The search (parent) keeps the rungs' scores and hands each candidate its bars
(``Rungs.candidate``); the worker compares (``CrossValidation``), so no candidate waits for
another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from automl.evaluation._trial import Status, Trial
from automl.genome import Genome

#: Each rung fits on this factor fewer rows than the one above it, and lets on a ``1 / ETA``
#: share of the candidates.
ETA = 3
#: Fewest training rows at a rung: with fewer, a score ranks how models cope with little data
#: more than how they will do on all of it.
MIN_RUNG_ROWS = 1_500
#: Rungs below the full evaluation at most.
MAX_RUNGS = 3
#: Scores a rung has seen before it turns candidates away: the first candidates (each model's
#: defaults, the portfolio) all go on to their full evaluation.
MIN_RUNG_SCORES = 2 * ETA


def rung_fractions(training_rows: int) -> tuple[float, ...]:
    """The shares of ``training_rows`` (the first scored fold's) the rungs fit on, smallest
    first; empty when even the first rung would have fewer than ``MIN_RUNG_ROWS``."""
    fractions = [ETA ** -level for level in range(1, MAX_RUNGS + 1)
                 if training_rows * ETA ** -level >= MIN_RUNG_ROWS]
    return tuple(sorted(fractions))


def rung_rows(rows: np.ndarray, fraction: float, seed: int,
              labels: np.ndarray | None = None) -> np.ndarray:
    """``fraction`` of ``rows`` (ascending), drawn by ``seed``; per class of ``labels`` when
    given (each class keeps one row at least). A smaller fraction's rows are among a larger
    one's."""
    order = np.random.default_rng(seed).permutation(rows)
    if labels is None:
        return np.sort(order[:max(1, round(fraction * len(order)))])
    ordered = labels[order]
    kept = [members[:max(1, math.ceil(fraction * len(members)))]
            for members in (order[ordered == label] for label in np.unique(ordered))]
    return np.sort(np.concatenate(kept))


@dataclass(frozen=True)
class Candidate:
    """A genome with the score it must reach at each rung to go on (``-inf``: no bar yet)."""

    genome: Genome
    bars: tuple[float, ...]


def genome_of(item) -> Genome:
    """The genome an executor's item evaluates: a genome, a ``Candidate``, or the
    confirmation's ``(genome, split)``."""
    if isinstance(item, Candidate):
        return item.genome
    return item[0] if isinstance(item, tuple) else item


def screened_out(rung: Trial, share: float) -> Trial:
    """``rung`` (the candidate's trial on ``share`` of the training rows) as the trial of a
    candidate stopped there: its score is kept in ``rung_scores``, not as a trial's score."""
    return replace(rung, status=Status.SCREENED, objectives=None, fold_scores=(),
                   output_scores=(), costs=(),
                   reason=f"screened out on 1/{round(1 / share)} of the training rows")


class Rungs:
    """The scores seen at each rung of a search, and the bars they set."""

    def __init__(self, n_rungs: int):
        self.scores: list[list[float]] = [[] for _ in range(n_rungs)]

    def record(self, trial: Trial) -> None:
        for scores, score in zip(self.scores, trial.rung_scores):
            scores.append(score)

    def bars(self) -> tuple[float, ...]:
        """Per rung, the score among the best ``1 / ETA`` of those seen (``-inf`` until
        ``MIN_RUNG_SCORES`` were)."""
        return tuple(float(np.quantile(scores, 1 - 1 / ETA))
                     if len(scores) >= MIN_RUNG_SCORES else -math.inf
                     for scores in self.scores)

    def candidate(self, genome: Genome) -> Candidate:
        return Candidate(genome, self.bars())

    @staticmethod
    def failed(item: Candidate, status: Status, reason: str, **where) -> Trial:
        """An executor's record of a candidate it stopped or lost (``Trial.failed``)."""
        return Trial.failed(genome_of(item), status, reason, **where)
