"""Actions on a fitted search: ``select`` refits another trial in place of the served model
(by number, or the best within latency, size and refit-time limits), ``distill`` trains a
small network that imitates the served model."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

from threadpoolctl import threadpool_limits

from automl.execution import refit_threads
from automl.export import Student, distill_pipeline
from automl.fitting import (
    chosen_trial,
    load_data,
    model_writer,
    refit_pipeline,
    refit_seconds,
    save_student,
    saved_model_file,
    selection_record,
    serving_model,
)
from automl.runtime import deadline_scope
from automl.search import CostLimits
from automl.tasks._parameters import Seconds
from automl.trials import SELECTION_FILE, Project


class AfterFitActions:
    """``AutoModel``'s ``select`` and ``distill`` (on the attributes fit sets)."""

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_training_data", None)  # fit's data, kept for select() and distill()
        return state

    def select(self, x=None, y=None, *, trial: int | None = None,
               max_latency_ms: float | None = None, max_size_mb: float | None = None,
               time_budget: float | None = None):
        """Refits another trial of the search in place of the served model: trial number
        ``trial``, or the best-scoring trial whose first-fold model predicted one row within
        ``max_latency_ms`` and saved within ``max_size_mb`` (see ``pareto_front_``) and whose
        refit is expected within ``time_budget``. Then
        ``costs_`` is what the refit model costs (measured again), ``best_trial_`` the trial,
        ``ensemble_`` ``None``; a project folder gets the new model (``model.joblib``).

        Args:
            x: the training data as given to ``fit``; ``None``: the data of this session's
                ``fit`` (it is not pickled: after loading a model, pass it again).
            y: the targets as given to ``fit`` (``None`` with ``x``).
            trial: the number of a successful trial (``leaderboard_["trial"]``).
            max_latency_ms: a limit on the trial's measured milliseconds to predict one row.
            max_size_mb: a limit on the trial's measured megabytes saved.
            time_budget: seconds the refit may take (``None``: no limit), estimated from the
                trial's cross-validated fits; a ``trial`` expected to take longer is refused
                before any work. A network's refit stops itself when they are spent.

        Returns:
            self, refit.
        """
        self._fitted().check_supports("select")
        limits = CostLimits(max_latency_ms, max_size_mb)
        Seconds().check("time_budget", time_budget)
        chosen = chosen_trial(self.trials_, trial, limits, time_budget,
                              lambda t: refit_seconds(t, self.search_space_, self.cv, None))
        data = self._selection_data(x, y)
        with (deadline_scope(None if time_budget is None else time.monotonic() + time_budget),
              threadpool_limits(refit_threads(self.n_jobs, self.scheduler))):
            estimator = refit_pipeline(chosen.genome, self.search_space_, data, self.seed_)
        fitted, costs = serving_model(estimator, data, self.objective_, type(self).__name__,
                                      self.seed_)
        self.fitted_model_, self.best_trial_, self.ensemble_ = fitted, chosen, None
        self.costs_ = costs
        folder = self.project_folder
        if folder is not None and saved_model_file(folder) is not None:
            with Project(folder) as project:
                unsaved = project.save({
                    **model_writer(fitted),
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
        fitted.check_supports("distill")
        if x is None:
            if getattr(self, "_training_data", None) is None:
                raise ValueError("distill() needs the rows to imitate the model on: pass x, "
                                 "the training table (a loaded model does not keep it).")
            x = self._training_data.x
        student = distill_pipeline(fitted.pipeline, fitted.features(x), self.data_spec_, self.costs_,
                                   time_budget=time_budget, tolerance=tolerance,
                                   synthetic=synthetic, seed=self.seed_,
                                   say=print if self.verbose else None)
        self.student_ = student
        folder = self.project_folder
        if folder is not None and folder.is_dir():
            save_student(folder, student)
        return student

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
