"""Trials as a DataFrame: the leaderboard the fitted object, the report and the CLI show."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from automl.evaluation import Trial


def leaderboard(trials: Sequence[Trial], extra_rows: Sequence[dict] = ()) -> pd.DataFrame:
    """One row per trial, best first (failed trials last): rank, score, spread over folds,
    each output's score (``<output>_score``, networks with several outputs), the pipeline's
    choices and hyperparameters (``genome.describe()``), timings, what the model costs to
    ship (``COSTS``: ``latency_ms``, ``batch_latency_ms``, ``model_size``), status;
    ``extra_rows`` (an ensemble of trials) are ranked among them.

    After a confirmation (``automl.search.confirm``) the rescored trials come first, ranked
    by their ``score`` over every fold, with ``search_score`` (the search's folds) and
    ``confirmed_score`` (the fresh folds') beside it; the others follow by their search score:
    the best of hundreds of scores on the same folds is the luckiest as much as the best."""
    confirming = any(trial.confirmed for trial in trials)
    rows = [{**row, "_confirmed": True} for row in extra_rows]
    for trial in trials:
        rows.append({
            "trial": trial.number,
            "generation": trial.generation,
            "status": trial.status.value,
            "score": trial.choice_score,
            **({"search_score": trial.score, "confirmed_score": trial.confirmed_score}
               if confirming else {}),
            "_confirmed": trial.confirmed,
            "score_std": float(np.std(trial.fold_scores + trial.confirmed_scores))
            if trial.fold_scores else math.nan,
            **{f"{output}_score": score for output, score in trial.output_scores},
            **trial.genome.describe(),
            "fit_seconds": trial.fit_seconds,
            "predict_seconds": trial.predict_seconds,
            **dict(trial.costs),
            "reason": trial.reason,
            "worker": trial.worker,
            "finished_at": trial.finished_at,
            "key": trial.genome.key,
        })
    board = pd.DataFrame(rows)
    if board.empty:
        return board
    per_output = list(dict.fromkeys(f"{output}_score" for trial in trials
                                    for output, _ in trial.output_scores))
    if per_output:  # right after the score, whichever trial first had them
        rest = [column for column in board.columns if column not in per_output]
        at = rest.index("score_std") + 1
        board = board[rest[:at] + per_output + rest[at:]]
    first = board.pop("_confirmed").fillna(False).astype(bool) & confirming
    board = board.assign(_first=first).sort_values(
        ["_first", "score", "fit_seconds"], ascending=[False, False, True], na_position="last",
        kind="stable").drop(columns="_first").reset_index(drop=True)
    board.insert(0, "rank", np.arange(1, len(board) + 1))
    return board
