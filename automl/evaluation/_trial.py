"""Trials: the typed record of one genome's evaluation."""

from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

from automl.genome import Genome


def describe_error(error: BaseException) -> str:
    """``"ValueError: first line of the message"``, at most 300 characters."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


class Status(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out_of_memory"
    #: Stopped by multi-fidelity screening: its score on part of the rows was below the bar.
    SCREENED = "screened"


@dataclass(frozen=True)
class Trial:
    """One evaluated genome.

    Attributes:
        genome: the candidate.
        status: how the evaluation ended.
        objectives: the objective vector (the CV score first, then minimised costs), or ``None``
            when the trial did not finish.
        fold_scores: the score on each validation fold that finished.
        fit_seconds: total fit time over the folds.
        predict_seconds: total predict-and-score time over the folds.
        reason: one line on why a trial failed; empty when it succeeded.
        number: order of completion within the search (set by the search).
        generation: the generation that proposed it (set by the search).
        started_at, finished_at: wall-clock timestamps (seconds since the epoch).
        worker: the process that evaluated it (``"main"``, a local worker, a Dask worker).
        output_scores: for a network searched through the IO API, each output's mean validation
            score by its own metric, as ``(output name, score)`` pairs (empty otherwise).
        costs: what the first fold's model costs to ship (``COSTS``: latency for one row and
            per row of a batch, bytes saved), as ``(name, value)`` pairs (empty when the trial
            did not finish, or was stored before costs were measured).
        rung_scores: with multi-fidelity screening, its scores at the rungs it was fitted on
            (a share of the first fold's training rows each, smallest first; see
            ``automl.evaluation.rung_fractions``); empty otherwise.
        predictions: the out-of-fold predictions (class probabilities in the order of the
            data's classes, or values; float32, NaN on rows no fold predicted), for the
            ensemble; ``None`` when not kept. The search hands them to its listeners and keeps
            the trial without them.
        confirmed_scores: the scores on the folds of fresh splits the trial was rescored on
            after the search (``automl.search.confirm``; empty when it was not): the choice
            ranks it by ``choice_score``, the mean over every fold it was scored on.
    """

    genome: Genome
    status: Status
    objectives: tuple[float, ...] | None
    fold_scores: tuple[float, ...] = ()
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0
    reason: str = ""
    number: int = -1
    generation: int = -1
    started_at: float = 0.0
    finished_at: float = 0.0
    worker: str = "main"
    output_scores: tuple[tuple[str, float], ...] = ()
    costs: tuple[tuple[str, float], ...] = ()
    rung_scores: tuple[float, ...] = ()
    predictions: np.ndarray | None = field(default=None, compare=False, repr=False)
    # Not part of the evaluation's identity: the store keeps what the search measured, and a
    # resumed search confirms its top trials again.
    confirmed_scores: tuple[float, ...] = field(default=(), compare=False)

    @classmethod
    def failed(cls, genome: Genome, status: Status, reason: str, *, worker: str = "main",
               started_at: float | None = None) -> Trial:
        """A trial that was stopped or crashed outside the evaluation function, on ``worker``
        since ``started_at`` (wall clock; unknown: now)."""
        now = time.time()
        return cls(genome, status, None, reason=reason, worker=worker,
                   started_at=now if started_at is None else started_at, finished_at=now)

    def without_predictions(self) -> Trial:
        return self if self.predictions is None else replace(self, predictions=None)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def score(self) -> float:
        """The mean score over the search's folds."""
        return self.objectives[0] if self.objectives else math.nan

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_scores)

    @property
    def confirmed_score(self) -> float:
        """The mean score over the fresh folds of the confirmation (NaN: not confirmed)."""
        return float(np.mean(self.confirmed_scores)) if self.confirmed_scores else math.nan

    @property
    def choice_score(self) -> float:
        """What the final choice ranks the trial by: the mean over every fold it was scored
        on, the search's and the confirmation's."""
        if not self.confirmed_scores:
            return self.score
        return float(np.mean(self.fold_scores + self.confirmed_scores))

    @property
    def choice_key(self) -> tuple[bool, float]:
        """How choices order trials, as the leaderboard does: the confirmed first, by
        ``choice_score``, then the others by their search score."""
        return self.confirmed, self.choice_score
