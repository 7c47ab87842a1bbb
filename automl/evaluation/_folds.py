"""The fold loop every cross-validation shares, whatever is fitted on each fold: deadlines,
failures and scores that are not finite become the trial's status, and fit time, prediction
time and what the model costs to ship are measured alike."""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np

from automl.evaluation._objectives import objective_vector
from automl.evaluation._trial import Status, Trial, describe_error
from automl.genome import Genome
from automl.runtime import deadline_scope


def current_worker() -> str:
    """The name of the process running this code: a local worker, a Dask worker, or main."""
    if "AUTOML_WORKER" in os.environ:
        return os.environ["AUTOML_WORKER"]
    if "distributed" in sys.modules:
        try:
            return str(sys.modules["distributed"].get_worker().address)
        except ValueError:  # not inside a Dask worker
            pass
    return "main"


def run_folds(folds: Sequence, deadline: float | None,
              fit_and_score: Callable[[int, object, object], Sequence[float]],
              least_fold_seconds: Callable[[], float | None] = lambda: None
              ) -> tuple[Status, str, list[tuple[float, ...]]]:
    """Calls ``fit_and_score(index, train, validation)`` on each fold in turn; it returns the
    fold's scores (one per output). Returns ``(status, reason, the scores of each fold that
    finished)``, the status being:

    - ``TIMEOUT`` when a fold that the previous ones say cannot finish before ``deadline`` is
      not started (a fold is expected to take as long as the longest so far, or
      ``least_fold_seconds()`` when that is not ``None``: a fit that stops itself at its share
      of the time needs only what it costs beyond it), or when the deadline passed during a
      fold (networks stop themselves at it);
    - ``OUT_OF_MEMORY`` / ``FAILED`` when a fold raised (the reason names the error), or a
      score is not finite;
    - ``OK`` otherwise.

    Warnings raised while fitting (convergence chatter) are silenced: the score tells.
    """
    longest_fold = 0.0
    finished: list[tuple[float, ...]] = []
    for index, (train, validation) in enumerate(folds):
        least = least_fold_seconds()
        needed = longest_fold if least is None else least
        if deadline is not None and time.monotonic() + needed >= deadline:
            return Status.TIMEOUT, (f"stopped at its deadline (max_eval_time or the time "
                                    f"budget) after {index} of {len(folds)} folds"), finished
        fold_started = time.monotonic()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scores = fit_and_score(index, train, validation)
        except MemoryError as error:
            return Status.OUT_OF_MEMORY, describe_error(error), finished
        except Exception as error:
            return Status.FAILED, describe_error(error), finished
        if deadline is not None and time.monotonic() >= deadline:
            return Status.TIMEOUT, (f"stopped at its deadline during fold {index + 1} of "
                                    f"{len(folds)}"), finished
        if not all(math.isfinite(score) for score in scores):
            shown = scores[0] if len(scores) == 1 else list(scores)
            return Status.FAILED, f"the score on fold {index + 1} is {shown}", finished
        finished.append(tuple(float(score) for score in scores))
        longest_fold = max(longest_fold, time.monotonic() - fold_started)
    return Status.OK, "", finished


#: A fold's share of the time left is this fraction of an equal share: the margin covers what
#: a fit costs beyond its training steps (building, tracing, scoring), so the next fold still
#: starts (``run_folds`` starts none that the longest so far says cannot finish).
FOLD_SHARE = 0.8


def _fold_deadline(deadline: float | None, index: int, n_folds: int,
                   overrun: float = 0.0) -> float | None:
    """When fold ``index`` of ``n_folds`` should stop, given the candidate's ``deadline`` and
    ``overrun``, the longest a fold so far ran past its own stop (scoring, costs): twice that is
    kept back for each fold left, so on a slow machine the last one still ends in time (on a
    busy one, a network's time past its stop varied twofold from fold to fold)."""
    if deadline is None:
        return None
    now = time.monotonic()
    folds_left = n_folds - index
    return now + FOLD_SHARE * max(deadline - now - 2 * folds_left * overrun, 0.0) / folds_left


def cross_validate(genome: Genome, folds: Sequence, deadline: float | None,
                   secondary_objectives: Sequence[str],
                   fit: Callable[[int, object, object], object],
                   score: Callable[[object, object], tuple[Sequence[float], np.ndarray | None]],
                   costs: Callable[[object, object], dict[str, float]],
                   output_names: Sequence[str] = (),
                   predictions_shape: tuple[int, ...] | None = None) -> Trial:
    """One genome's trial by k-fold cross-validation, whatever the candidate is.

    Args:
        genome: the candidate.
        folds: ``(train, validation)`` index arrays.
        deadline: ``time.monotonic()`` by which to stop (``None``: no limit); each fold's fit
            runs in the ``deadline_scope`` of its share of the time left, so a network stops
            itself (its learning-rate schedule ended, its best weights kept) in time for the
            folds after it, and the candidate is scored rather than timed out.
        secondary_objectives: costs measured beside the score (``objective_vector``).
        fit: ``fit(index, train, validation)``: the fold's fitted candidate (timed as fit).
        score: ``score(fitted, validation)``: ``(its scores on the fold, one per output, its
            predictions on the fold's rows or None)`` (timed as prediction).
        costs: ``costs(fitted, validation)``: what the first fold's fitted candidate costs to
            ship (``COSTS``; see ``measure_costs``), timed as neither fit nor prediction.
        output_names: with several outputs, their names: each one's mean score is kept in
            ``Trial.output_scores``; a fold's score is the mean over outputs.
        predictions_shape: the shape of all rows' predictions, to keep them out of fold in
            ``Trial.predictions`` (``None``: not kept).
    """
    started_at = time.time()
    fit_seconds = predict_seconds = overrun = 0.0
    stops_itself = False
    measured: dict[str, float] = {}
    kept = None if predictions_shape is None else np.full(predictions_shape, np.nan, "float32")

    def fit_and_score(index: int, train, validation) -> Sequence[float]:
        nonlocal fit_seconds, predict_seconds, measured, overrun, stops_itself
        fold_deadline = _fold_deadline(deadline, index, len(folds), overrun)
        tic = time.perf_counter()
        with deadline_scope(fold_deadline) as scope:
            fitted = fit(index, train, validation)
        stops_itself = scope.heeded
        toc = time.perf_counter()
        scores, predictions = score(fitted, validation)
        predict_seconds += time.perf_counter() - toc
        if kept is not None and predictions is not None:
            kept[validation] = predictions
        fit_seconds += toc - tic
        if index == 0:
            measured = costs(fitted, validation)
        if fold_deadline is not None:
            overrun = max(overrun, time.monotonic() - fold_deadline)
        return scores

    def least_fold_seconds() -> float | None:
        # A fit that stops itself takes its share of the time left (``_fold_deadline``) and
        # what it costs past its stop; it needs at least as long again to train at all.
        return 2 * overrun if stops_itself else None

    status, reason, per_fold = run_folds(folds, deadline, fit_and_score, least_fold_seconds)
    fold_scores = tuple(float(np.mean(scores)) for scores in per_fold)
    ok = status is Status.OK
    objectives = objective_vector(
        np.mean(fold_scores), secondary_objectives, fit_seconds=fit_seconds,
        predict_seconds=predict_seconds, costs=measured,
        validation_rows=sum(len(validation) for _, validation in folds)) if ok else None
    output_scores = tuple((name, float(np.mean(scores))) for name, scores in
                          zip(output_names, zip(*per_fold))) if ok else ()
    return Trial(genome, status, objectives, fold_scores, fit_seconds, predict_seconds, reason,
                 started_at=started_at, finished_at=time.time(), worker=current_worker(),
                 output_scores=output_scores, costs=tuple(measured.items()) if ok else (),
                 predictions=kept if ok else None)
