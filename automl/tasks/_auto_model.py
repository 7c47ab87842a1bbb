"""AutoModel: search a graph's pipelines (or one network over several inputs and outputs) by
evolution, refit the best, and serve it."""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.utils import ClassifierTags, RegressorTags

from automl.data import Task
from automl.fitting import (
    SearchOutcome,
    SearchSettings,
    is_multi_io,
    search_network,
    search_pipelines,
    upgraded_state,
)
from automl.graph import Graph
from automl.search import DEFAULT_CONFIRM_REPEATS, DEFAULT_ENSEMBLE_SIZE
from automl.tasks._after_fit import AfterFitActions
from automl.tasks._parameters import EPOCHS, validate_parameters
from automl.tasks._serving import FittedMethods
from automl.tasks._views import SearchViews


class AutoModel(AfterFitActions, SearchViews, FittedMethods, BaseEstimator):
    """Searches the pipelines a graph describes and keeps the best, refit on all the data.

    Args:
        inputs: the input node (e.g. ``StructuredDataInput()``), or a list of them.
        outputs: the output of a head (e.g. ``ClassificationHead()(...)``), or a list with one;
            or, as in AutoKeras, heads themselves (``[ClassificationHead(), RegressionHead()]``):
            then one Keras network with a branch per input and a head per output is searched
            (the IO API: ``fit``, ``predict`` and ``evaluate`` take lists, one entry per input
            and per output; see ``automl.fitting._multi_io``).
        objective: metric to maximise, a scikit-learn scorer name (``"balanced_accuracy"`` for
            classification and ``"r2"`` for regression by default; ``"val_"`` prefixes are
            accepted). With several outputs the search maximises the mean of the outputs'
            metrics: one name for every output, or ``{output name: scorer name}`` (outputs
            left out keep their default).
        max_trials: evaluated candidates at most: ``"auto"`` (default) sets no cap under a
            ``time_budget`` (the search uses the whole budget) and 100 without one (as
            AutoKeras); ``None``: only the other budgets limit.
        time_budget: seconds of wall-clock time for the whole ``fit``, final refit included.
            A candidate that would not be refit before it runs out (it became the best too
            late to keep time for it) is passed over for the best one that would.
        cv: number of cross-validation folds (stratified for classification). With a
            ``time_budget``, Keras network candidates are scored on the first 2 of them only:
            one network costs as much as dozens of scikit-learn candidates.
        n_jobs: local worker processes evaluating candidates in parallel (``-1``: one per core).
        scheduler: where candidates run: ``None`` for local worker processes, ``"in-process"``
            for this process (debugging; limits are then only checked between folds), or a
            Dask ``distributed.Client`` or scheduler address (``"tcp://host:8786"``).
        max_eval_time: seconds one candidate may take; a longer one is stopped and recorded as
            timed out. ``None``: under a ``time_budget``, a quarter of it, or 3 times the best
            candidate's fit if more (the first candidates get it, from their start, once one
            has finished); else no limit.
        memory_limit: memory per local worker, in bytes or as text (``"4GB"``); a candidate
            that needs more is recorded as out of memory. Some native code (OpenBLAS) spins
            instead of failing at the limit: set ``max_eval_time`` too.
        seed: the one source of randomness (``None``: drawn at fit and kept in ``seed_``).
        population_size: candidates kept per generation (also the first generation's size).
        strategy: what proposes the candidates: ``"evolution"`` (default: the (mu + lambda)
            evolution from defaults and the preset's portfolio, see ``evolution``),
            ``"random"`` (each model's default pipeline, then uniform samples of the space; it
            ignores the portfolio, and ``population_size`` is only its batch size),
            ``"grid"`` (the default pipelines, then each model's hyperparameters on a grid
            of 3 values per numeric range, the models taking turns: ``GridSearch``),
            ``"bayesian"`` (the evolution, with a random-forest surrogate of the score
            choosing which offspring are evaluated, by expected improvement per expected
            second: ``BayesianSearch``), or a
            callable ``(space, rng) -> automl.search.Strategy`` such as a ``Strategy``
            subclass (ask / tell; every random choice drawn from ``rng``), as Optuna takes
            ``sampler=``.
        evolution: ``"steady_state"`` starts a new candidate whenever a worker is free (no
            idle workers; which candidates are tried depends on timing when ``n_jobs > 1``);
            ``"generational"`` evaluates whole generations: the same seed then gives the same
            candidates for any ``n_jobs`` or scheduler (up to where a time budget cuts).
        max_generations: generations at most (``None``: until another budget ends).
        secondary_objectives: costs minimised alongside the score (Pareto selection with
            NSGA-II): any of ``"fit_seconds"``, ``"predict_seconds_per_row"``, and the costs
            every trial measures (``"latency_ms"``, ``"batch_latency_ms"``, ``"model_size"``;
            see ``automl.evaluation.COSTS``).
        max_latency_ms: a limit on the model served, as FLAML's ``pred_time_limit``:
            milliseconds to predict one row (each trial's first-fold model measured; an
            ensemble's costs are its members' sums). Candidates over it are kept but never
            chosen; ``None``: no limit.
        max_size_mb: a limit on the model served: megabytes saved, measured and applied as
            ``max_latency_ms``.
        directory: where to keep the project: every trial in ``trials.sqlite`` as it finishes,
            then the model (``model.joblib``, read by ``automl.load_model``) and
            ``leaderboard.csv`` (``None``: nothing is written).
        project_name: sub-folder of ``directory`` for this search, a plain folder name
            (``None``: the task's name, e.g. ``"image"``).
        overwrite: start afresh, removing an earlier search of the same project; with
            ``False`` a stored search on the same data and space is resumed.
        mlflow: also log every trial to MLflow (needs ``mlflow`` or ``mlflow-skinny``):
            ``True`` for MLflow's default tracking URI, or a tracking URI such as
            ``"file:///tmp/mlruns"`` or ``"http://host:5000"``. One run per fit in the
            experiment ``project_name``, one nested run per trial.
        meta_store: a file of your own earlier searches (JSON lines; created when missing),
            for warm starts: the search seeds its first generation with the best pipelines
            of the 3 most similar earlier tables (by size, column kinds, classes, missing
            values) ahead of the preset's portfolio, and adds its own best pipelines when it
            ends. It keeps meta-features and pipelines, nothing of the data. A missing or
            damaged store is a warning, not an error. Single-input searches only.
        screening: multi-fidelity screening on large tables (successive halving): each
            candidate is first fitted on a third of its fold's training rows (on larger
            tables on a ninth before that, and a 27th before that; 1,500 rows at least), and
            goes on only while its score is among the best third seen at that share; the
            others are recorded as ``"screened"`` trials, never chosen or ensembled. More
            candidates where each fit is costly; nothing changes on tables below 5,625 rows
            (with ``cv=5``). ``"auto"``: on for a table (one ``StructuredDataInput``) under a
            ``time_budget``, off otherwise. ``True`` screens any single-input search.
        ensemble_size: rounds of post-hoc ensemble selection (Caruana et al. 2004) over the
            out-of-fold predictions of the best 50 pipelines; the members are refit and
            averaged with the chosen weights (``0``: no ensemble, the best pipeline alone).
            See ``ensemble_``.
        confirm_repeats: after the search, its best few pipelines (up to 10) are scored again
            on this many fresh ``cv``-fold splits, and the choice (the pipeline refit, the
            ensemble) is made on all their folds: on small tables the best of hundreds of
            scores on the same folds is partly luck. Under a ``time_budget`` the time is kept
            from the start (at most 15 % of it, fewer pipelines or splits where it is short),
            and tables scored on a holdout (``automl.evaluation.VALIDATION_ROWS``) are not
            rescored. ``0``: the search's own scores decide. The leaderboard shows
            ``search_score`` and ``confirmed_score`` (the fresh folds') beside ``score``.
        checks: the data checks before a search of one input (``automl.checks``: leaks, ids,
            duplicates, constant columns, imbalance, an index or date as target): ``"warn"``
            reports each finding (``checks_``, progress, a ``DataCheckWarning`` per warning),
            ``"raise"`` stops ``fit`` at a warning (``DataCheckError``), ``"off"`` skips them.
        verbose: 0 is silent; 1 shows live progress in a terminal (one line per generation
            otherwise); 2 adds a line per trial.

    Attributes:
        best_trial_: the winning trial, the one refit (see ``time_budget``). ``trials_``:
            every trial, in completion order (earlier runs' first when resumed).
            ``interrupted_``: whether Ctrl-C ended the search.
        leaderboard_: the trials as a DataFrame, best first (with the ensemble's row: its
            honest score, see ``ensemble_``).
        ensemble_: the refit ensemble (``automl.fitting._ensembling.Ensemble``: member trials,
            weights, ``score`` by nested selection, ``selection_score`` on the rows it was
            chosen on, ``refit_seconds``), or ``None`` when the best pipeline serves alone.
        fitted_model_: the refit winner (``automl.tasks.FittedModel``: a scikit-learn
            pipeline, or one network over several inputs and outputs); ``pipeline_``: what a
            project saves of it (the fitted scikit-learn ``Pipeline``, or the network's
            ``MultiIOModel``; see ``export_model``).
        data_spec_, search_space_, objective_, seed_, logbook_: what the search used and did
            (``data_spec_`` is ``None`` for several inputs or outputs).
        search_seconds_, fit_seconds_: wall time of the search, and of the whole fit.
        checks_: the data checks' findings (``check``, ``severity``, ``columns``, ``rows``,
            ``message``), warnings first.
        costs_: what the served model costs to ship (``latency_ms``, ``batch_latency_ms``,
            ``model_size``), measured on it after the refit. ``pareto_front_``: the trials
            that trade score for cost best; ``select`` refits another one. ``student_``: the
            network ``distill`` trained last.
    """

    def __init__(
        self,
        inputs=None,
        outputs=None,
        *,
        objective: str | None = None,
        max_trials: int | str | None = "auto",
        time_budget: float | None = None,
        cv: int = 5,
        n_jobs: int | None = -1,
        scheduler=None,
        max_eval_time: float | None = None,
        memory_limit: int | str | None = None,
        seed: int | None = None,
        population_size: int = 20,
        strategy="evolution",
        evolution: str = "steady_state",
        max_generations: int | None = None,
        secondary_objectives: tuple[str, ...] = (),
        max_latency_ms: float | None = None,
        max_size_mb: float | None = None,
        directory: str | os.PathLike | None = None,
        project_name: str = "auto_model",
        overwrite: bool = False,
        mlflow: bool | str = False,
        meta_store: str | os.PathLike | None = None,
        screening: bool | str = "auto",
        ensemble_size: int = DEFAULT_ENSEMBLE_SIZE,
        confirm_repeats: int = DEFAULT_CONFIRM_REPEATS,
        checks: str = "warn",
        verbose: int = 1,
    ):
        self.inputs = inputs
        self.outputs = outputs
        self.objective = objective
        self.max_trials = max_trials
        self.time_budget = time_budget
        self.cv = cv
        self.n_jobs = n_jobs
        self.scheduler = scheduler
        self.max_eval_time = max_eval_time
        self.memory_limit = memory_limit
        self.seed = seed
        self.population_size = population_size
        self.strategy = strategy
        self.evolution = evolution
        self.max_generations = max_generations
        self.secondary_objectives = secondary_objectives
        self.max_latency_ms = max_latency_ms
        self.max_size_mb = max_size_mb
        self.directory = directory
        self.project_name = project_name
        self.overwrite = overwrite
        self.mlflow = mlflow
        self.meta_store = meta_store
        self.screening = screening
        self.ensemble_size = ensemble_size
        self.confirm_repeats = confirm_repeats
        self.checks = checks
        self.verbose = verbose

    #: The head of the task classes' graph (``None``: the graph given as outputs says).
    _head = None

    def __sklearn_tags__(self):
        """scikit-learn's tags: a task class is a classifier or a regressor (its head's task);
        what its input accepts is for the task class to add (see the structured tasks)."""
        tags = super().__sklearn_tags__()
        task = None if self._head is None else self._head.task
        if task is Task.CLASSIFICATION:
            tags.estimator_type, tags.classifier_tags = "classifier", ClassifierTags()
        elif task is Task.REGRESSION:
            tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        tags.target_tags.required = True
        return tags

    def __sklearn_clone__(self):
        # Inputs and outputs share nodes: copy them together so the copy stays one graph.
        params = self.get_params(deep=False)
        params["inputs"], params["outputs"] = copy.deepcopy((self.inputs, self.outputs))
        return type(self)(**params)

    def _graph(self) -> Graph:
        """The graph of one input and one head that ``fit`` searches (task classes build
        their default one)."""
        if self.inputs is None or self.outputs is None:
            raise ValueError("AutoModel needs inputs and outputs, e.g. inp = "
                             "StructuredDataInput(); AutoModel(inputs=inp, outputs="
                             "ClassificationHead()(StructuredDataBlock()(inp))).")
        return Graph(self.inputs, self.outputs)

    @property
    def search_name(self) -> str:
        """The project's folder name and MLflow's experiment: ``project_name``, or the task's
        default (e.g. ``"image"``)."""
        return self.project_name or getattr(self, "_default_project_name", "auto_model")

    @property
    def project_folder(self) -> Path | None:
        """Where this search keeps its project (``directory/project_name``), or ``None``
        without a ``directory``."""
        if self.directory is None:
            return None
        return Path(self.directory) / self.search_name

    def fit(self, x, y=None, *, epochs: int | None = None, groups=None,
            time_column: str | None = None):
        """Searches pipelines for ``x`` -> ``y`` and refits the best on all the data.

        With a ``directory``, every trial is stored as it finishes, and a later ``fit`` on the
        same data and project (``overwrite=False``) resumes the search: stored trials are not
        run again and the budgets (``time_budget``, ``max_trials``, ``max_generations``) count
        what earlier runs spent. Ctrl-C stops the search; the best pipeline found so far is
        still refit and returned.

        Args:
            x: a DataFrame, a 2-D array, or the path of a CSV file; with several inputs, a
                list with one entry per input, in order.
            y: the targets (array, list, Series), or the name of the target column of ``x``;
                with several outputs, a list with one target per output, in order.
            epochs: with heads as outputs (the IO API), fixes each network's maximum number
                of epochs (early stopping still applies); ``None`` searches it.
            groups: rows that belong together (a patient's visits, a customer's orders): one
                group label per row, or the name of a column of ``x`` holding them (then not
                a feature). Each group stays on one side of every split the search makes
                (the cross-validation folds, the fresh folds of the confirmation, the
                ensemble's nested estimate), so scores are those of groups never seen, as
                new ones will be. ``None``: rows are independent (copies of one record are
                still kept together).
            time_column: the column of ``x`` (dates, date strings or numbers; then not a
                feature) that orders the rows in time: every split chains forward (trains on
                the past, validates on what follows: ``cv`` splits of ``cv + 1`` blocks, the
                confirmation's fresh folds left out), so scores are those of the future; the
                final model is fitted on all rows.

        Returns:
            self, fitted.
        """
        started = time.monotonic()
        validate_parameters(self.get_params(deep=False))
        settings = SearchSettings.of(self)
        if is_multi_io(self.inputs, self.outputs):
            if groups is not None or time_column is not None:
                raise ValueError("groups and time_column apply to a search of one input (a "
                                 "table, images or documents); with several inputs or outputs "
                                 "they are not supported yet: leave them out.")
            EPOCHS.check("epochs", epochs)
            outcome = search_network(settings, self.inputs, self.outputs, x, y, epochs, started)
        elif epochs is not None:
            raise ValueError("epochs applies when the outputs are heads (the IO API); in a "
                             "graph, fix a network block's max_epochs instead, e.g. "
                             "DenseNetwork(max_epochs=20).")
        else:
            outcome = search_pipelines(settings, self._graph(), x, y, started, groups,
                                       time_column)
        self._keep(outcome)
        return self

    def _keep(self, outcome: SearchOutcome) -> None:
        """What the search used and did, as fitted attributes."""
        self.fitted_model_ = outcome.fitted
        self.data_spec_ = outcome.fitted.spec
        self.target_column_ = outcome.fitted.target_column
        self.search_space_ = outcome.space
        self.objective_ = outcome.objective
        self.seed_ = outcome.seed
        self.trials_ = outcome.result.trials
        self.logbook_ = outcome.result.logbook
        self.best_trial_ = outcome.best or outcome.result.best
        self.interrupted_ = outcome.result.interrupted
        self.search_seconds_ = outcome.search_seconds
        self.fit_seconds_ = outcome.fit_seconds
        self.ensemble_ = outcome.ensemble
        self.checks_ = outcome.checks
        self.costs_ = outcome.costs
        self._training_data = outcome.data  # for select() and distill(); never pickled

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(upgraded_state(state, type(self).__name__))


__all__ = ["AutoModel"]
