"""The fold loop every cross-validation shares: deadlines, failures and scores that are not
finite become the trial's status, whatever is fitted on each fold."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence

from automl.evaluation._trial import Status, describe_error


def run_folds(folds: Sequence, deadline: float | None,
              fit_and_score: Callable[[int, object, object], Sequence[float]]
              ) -> tuple[Status, str, list[tuple[float, ...]]]:
    """Calls ``fit_and_score(index, train, validation)`` on each fold in turn; it returns the
    fold's scores (one per output). Returns ``(status, reason, the scores of each fold that
    finished)``, the status being:

    - ``TIMEOUT`` when a fold that the previous ones say cannot finish before ``deadline`` is
      not started, or when the deadline passed during a fold (networks stop themselves at it);
    - ``OUT_OF_MEMORY`` / ``FAILED`` when a fold raised (the reason names the error), or a
      score is not finite;
    - ``OK`` otherwise.

    Warnings raised while fitting (convergence chatter) are silenced: the score tells.
    """
    longest_fold = 0.0
    finished: list[tuple[float, ...]] = []
    for index, (train, validation) in enumerate(folds):
        if deadline is not None and time.monotonic() + longest_fold >= deadline:
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
