"""What a fitted search offers beside its model: the trials as a leaderboard, what mattered, the
report, the Pareto front of score and costs, another trial refit in place of the best (by
number, or as the best within latency and size limits), and a small network distilled from
the served model."""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import pandas as pd
from threadpoolctl import threadpool_limits

from automl.evaluation import check_secondary_objectives
from automl.execution import refit_threads
from automl.export import Student, distill_pipeline
from automl.fitting import (
    MultiIOModel,
    ensemble_rows,
    load_data,
    refit_pipeline,
    refit_seconds,
    selection_record,
    serving_model,
)
from automl.runtime import deadline_scope
from automl.search import CostLimits, front_costs, nothing_within, pareto_front, trial_cost
from automl.space import MODEL_SLOT
from automl.tasks._parameters import Seconds
from automl.trials import (
    DISTILLATION_FILE,
    PIPELINE_FILE,
    SELECTION_FILE,
    STUDENT_FILE,
    Project,
    leaderboard,
    trial_importance,
    write_report,
)


def save_student(folder: Path, student: Student) -> Path:
    """Writes ``student.keras`` and ``distillation.json`` into a project folder; returns the
    first's path."""
    def save_keras(path) -> None:
        staged = f"{path}.keras"  # Keras saves to a name ending in .keras only
        student.save(staged)
        os.replace(staged, path)

    with Project(folder) as project:
        unsaved = project.save({STUDENT_FILE: save_keras,
                                DISTILLATION_FILE: lambda path: Path(path).write_text(
                                    json.dumps(student.summary, indent=1))})
    if unsaved:
        warnings.warn(f"{unsaved} in {str(folder)!r}: the student is in memory only.",
                      RuntimeWarning, stacklevel=3)
    return folder / STUDENT_FILE


def trial_numbered(trials, number: int):
    """The successful trial ``number`` of ``trials``; an error naming the choices if none."""
    found = [t for t in trials if t.number == number and t.ok]
    if not found:
        ok = sorted(t.number for t in trials if t.ok)
        raise ValueError(f"trial={number!r} is not a successful trial of this search; choose "
                         f"one of {ok[:20]}{' ...' if len(ok) > 20 else ''} (see "
                         "leaderboard_ or pareto_front_).")
    return found[0]


class SearchResults:
    """``AutoModel``'s views of its trials, ``select`` and ``distill`` (on the attributes fit
    sets)."""

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_training_data", None)  # fit's data, kept for select() and distill()
        return state

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
            [{"trial": t.number, MODEL_SLOT: t.genome.describe()[MODEL_SLOT], "score": t.score,
              **{name: trial_cost(t, name) for name in costs}}
             for t in pareto_front(self.trials_, costs)],
            columns=["trial", MODEL_SLOT, "score", *costs])

    def select(self, x=None, y=None, *, trial: int | None = None,
               max_latency_ms: float | None = None, max_size_mb: float | None = None,
               time_budget: float | None = None):
        """Refits another trial of the search in place of the served model: trial number
        ``trial``, or the best-scoring trial whose first-fold model predicted one row within
        ``max_latency_ms`` and saved within ``max_size_mb`` (see ``pareto_front_``) and whose
        refit is expected within ``time_budget``. Then
        ``costs_`` is what the refit model costs (measured again), ``best_trial_`` the trial,
        ``ensemble_`` ``None``; a project folder gets the new ``best_pipeline.joblib``.

        Args:
            x, y: the training data as given to ``fit``; ``None``: the data of this session's
                ``fit`` (it is not pickled: after loading a model, pass it again).
            trial: the number of a successful trial (``leaderboard_["trial"]``).
            max_latency_ms, max_size_mb: limits on the trial's measured costs.
            time_budget: seconds the refit may take (``None``: no limit), estimated from the
                trial's cross-validated fits; a ``trial`` expected to take longer is refused
                before any work. A network's refit stops itself when they are spent.

        Returns:
            self, refit.
        """
        if isinstance(self._fitted(), MultiIOModel):
            raise ValueError("select() chooses among pipelines of one input; a network over "
                             "several inputs or outputs is the search's only kind of model.")
        limits = CostLimits(max_latency_ms, max_size_mb)
        Seconds().check("time_budget", time_budget)
        chosen = self._chosen_trial(trial, limits, time_budget)
        data = self._selection_data(x, y)
        with (deadline_scope(None if time_budget is None else time.monotonic() + time_budget),
              threadpool_limits(refit_threads(self.n_jobs, self.scheduler))):
            estimator = refit_pipeline(chosen.genome, self.search_space_, data, self.seed_)
        fitted, costs = serving_model(estimator, data, self.objective_, type(self).__name__,
                                      self.seed_)
        self.fitted_model_, self.best_trial_, self.ensemble_ = fitted, chosen, None
        self.costs_ = costs
        folder = self.project_folder
        if folder is not None and (folder / PIPELINE_FILE).is_file():
            import joblib

            with Project(folder) as project:
                unsaved = project.save({
                    PIPELINE_FILE: lambda path: joblib.dump(fitted.pipeline, path),
                    SELECTION_FILE: lambda path: Path(path).write_text(json.dumps(
                        selection_record(chosen, limits, costs), indent=1))})
            if unsaved:
                warnings.warn(f"{unsaved} in {str(folder)!r}: the selected model is in "
                              "memory only.", RuntimeWarning, stacklevel=2)
        return self

    def distill(self, x=None, *, time_budget: float = 60.0, tolerance: float = 0.01,
                synthetic: bool = True) -> Student:
        """A small Keras network that imitates the served model, whatever it is (a forest, an
        ensemble, a pipeline with steps Keras cannot express): one ``.keras`` file that takes
        raw columns (see ``automl.export.distill``). Also kept as ``student_``; a project
        folder gets ``student.keras`` and ``distillation.json`` (its summary).

        Args:
            x: the rows to imitate the model on (the training table; ``None``: the data of
                this session's ``fit``).
            time_budget: seconds for the whole distillation.
            tolerance: the smallest student whose fidelity on held-out rows (agreement with
                the model's classes, or R² against its predictions) is within this of the
                best student's is kept.
            synthetic: also learn on MUNGE rows between neighbouring rows.

        Returns:
            the ``Student``: ``model`` (the ``keras.Model``), ``predict``/``predict_proba``
            on tables, ``save(path)``, and ``summary`` (fidelity, the shapes tried, size and
            latency against the served model's).
        """
        fitted = self._fitted()
        spec = self.data_spec_
        if isinstance(fitted, MultiIOModel) or spec.is_text or spec.image_shape is not None:
            raise ValueError("distill() imitates models of one table; this model takes "
                             "images, text or several inputs.")
        if x is None:
            if getattr(self, "_training_data", None) is None:
                raise ValueError("distill() needs the rows to imitate the model on: pass x, "
                                 "the training table (a loaded model does not keep it).")
            x = self._training_data.x
        student = distill_pipeline(fitted.pipeline, fitted.features(x), spec, self.costs_,
                                   time_budget=time_budget, tolerance=tolerance,
                                   synthetic=synthetic, seed=self.seed_,
                                   say=print if self.verbose else None)
        self.student_ = student
        folder = self.project_folder
        if folder is not None and folder.is_dir():
            save_student(folder, student)
        return student

    def _chosen_trial(self, number: int | None, limits: CostLimits,
                      time_budget: float | None):
        def refit_time(trial) -> float:
            return refit_seconds(trial, self.search_space_, self.cv, None)

        if number is not None:
            if limits:
                raise ValueError("select() takes trial= or limits (max_latency_ms, "
                                 "max_size_mb), not both.")
            chosen = trial_numbered(self.trials_, number)
            if time_budget is not None and refit_time(chosen) > time_budget:
                raise ValueError(f"trial {number}'s refit is expected to take "
                                 f"{refit_time(chosen):.3g} s (from its cross-validated fits), "
                                 f"over time_budget={time_budget:g}: pass a larger time_budget "
                                 "or choose a quicker trial.")
            return chosen
        if not limits and time_budget is None:
            raise ValueError("select() needs trial= or a limit (max_latency_ms=, "
                             "max_size_mb=, time_budget=); pareto_front_ shows the choices.")
        within = [trial for trial in self.trials_ if trial.ok and limits.allows(dict(
            trial.costs))]
        if not within:
            raise nothing_within(limits, self.trials_)
        chosen = limits.best([trial for trial in within
                              if time_budget is None or refit_time(trial) <= time_budget])
        if chosen is None:
            quickest = min(within, key=refit_time)
            raise ValueError(f"no candidate{' within ' + limits.describe() if limits else ''} "
                             f"is refit within time_budget={time_budget:g} (the quickest, "
                             f"trial {quickest.number}, is expected to take "
                             f"{refit_time(quickest):.3g} s): pass a larger time_budget.")
        return chosen

    def _selection_data(self, x, y):
        if x is None:
            if getattr(self, "_training_data", None) is None:
                raise ValueError("select() needs the training data: pass x and y as given "
                                 "to fit (a loaded model does not keep them).")
            return self._training_data
        input_node, chain = self._graph().chain()
        data = load_data(input_node, x, y, chain[-1].task)
        if data.spec.column_names != self.data_spec_.column_names:
            raise ValueError("x has other columns than the data of fit: pass the training "
                             "data as given to fit.")
        return data
