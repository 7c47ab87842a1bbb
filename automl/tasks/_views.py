"""What a fitted search shows beside its model: the trials as a leaderboard, what mattered,
the report, and the Pareto front of score and costs."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from automl.evaluation import check_secondary_objectives
from automl.fitting import ensemble_rows
from automl.search import front_costs, pareto_front, trial_cost
from automl.space import MODEL_SLOT
from automl.trials import leaderboard, trial_importance, write_report


class SearchViews:
    """``AutoModel``'s views of its trials (on the attributes fit sets)."""

    def importance(self, **options) -> pd.DataFrame:
        """Which hyperparameters mattered: a functional ANOVA of the trials' scores per model
        family (see ``automl.importance``); one row per hyperparameter and pair."""
        self._fitted()
        return trial_importance(self.trials_, **options)

    def report(self, path: str | os.PathLike | None = None) -> Path:
        """Writes the search's HTML report (plots embedded; see ``automl.report``) to ``path``,
        by default ``report.html`` in the project folder; returns its path."""
        self._fitted()
        return write_report(self, path)

    @property
    def leaderboard_(self) -> pd.DataFrame:
        """Every trial, best first: score, spread over folds, pipeline, timings, status."""
        self._fitted()
        return leaderboard(self.trials_, ensemble_rows(self.ensemble_))

    @property
    def pareto_front_(self) -> pd.DataFrame:
        """The trials no other beats on the score and every cost at once, best score first:
        trial, model, score and each cost (those in ``secondary_objectives``, else
        ``latency_ms`` and ``model_size``; see ``automl.evaluation.COSTS``). ``select`` takes
        any of them."""
        self._fitted()
        costs = front_costs(check_secondary_objectives(self.secondary_objectives))
        return pd.DataFrame(
            [{"trial": t.number, MODEL_SLOT: t.genome.describe()[MODEL_SLOT], "score": t.choice_score,
              **{name: trial_cost(t, name) for name in costs}}
             for t in pareto_front(self.trials_, costs)],
            columns=["trial", MODEL_SLOT, "score", *costs])
