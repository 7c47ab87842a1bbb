"""AutoModel: search a graph's pipelines by evolution, refit the best, predict with it."""

from __future__ import annotations

import copy
import math
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from automl.data import (
    ImageFlattener,
    Task,
    load_image_data,
    load_text_data,
    load_training_data,
    read_csv,
    validate_target,
)
from automl.evaluation import (
    CrossValidation,
    Trial,
    check_secondary_objectives,
    describe_error,
    evaluation_scores,
    make_folds,
    resolve_objective,
)
from automl.execution import make_executor, resolve_n_jobs
from automl.export import NotTranslatableError, has_keras_model, to_keras
from automl.graph import Graph, Head, ImageInput, StructuredDataInput, TextInput
from automl.pipeline import build_pipeline
from automl.search import Budget, Evolution, SearchResult, run_search
from automl.space import build_space
from automl.tasks._multi_io import MultiIOModel, fit_multi_io, is_multi_io
from automl.tasks._progress import Progress
from automl.tasks._settings import NETWORK_FOLDS, draw_seed, memory_bytes
from automl.trials import (
    MlflowLogger,
    Project,
    check_mlflow,
    leaderboard,
    trial_importance,
    write_report,
)


def _check_positive_int(value, name: str, *, allow_none: bool = True, minimum: int = 1):
    if value is None and allow_none:
        return
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}"
                         f"{' or None' if allow_none else ''}; received {value!r}.")


_EVOLUTION_MODES = ("steady_state", "generational")
#: Seconds to import TensorFlow and Keras in a process (5-8 s measured on 2 CPU cores).
KERAS_STARTUP_SECONDS = 8.0

@dataclass(frozen=True)
class _Search:
    """What ``AutoModel._search`` hands to the refit that follows it."""

    result: SearchResult
    seed: int
    progress: Progress
    run: int | None
    n_previous: int
    search_seconds: float

class AutoModel(BaseEstimator):
    """Searches the pipelines a graph describes and keeps the best, refit on all the data.

    Args:
        inputs: the input node (e.g. ``StructuredDataInput()``), or a list of them.
        outputs: the output of a head (e.g. ``ClassificationHead()(...)``), or a list with one;
            or, as in AutoKeras, heads themselves (``[ClassificationHead(), RegressionHead()]``):
            then one Keras network with a branch per input and a head per output is searched
            (the IO API: ``fit``, ``predict`` and ``evaluate`` take lists, one entry per input
            and per output; see ``automl.tasks._multi_io``).
        objective: metric to maximise, a scikit-learn scorer name (``"balanced_accuracy"`` for
            classification and ``"r2"`` for regression by default; ``"val_"`` prefixes are
            accepted). With several outputs the search maximises the mean of the outputs'
            metrics: one name for every output, or ``{output name: scorer name}`` (outputs
            left out keep their default).
        max_trials: evaluated candidates at most (``None``: only the time budget limits).
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
            timed out (``None``: only the time budget limits it).
        memory_limit: memory per local worker, in bytes or as text (``"4GB"``); a candidate
            that needs more is recorded as out of memory. Some native code (OpenBLAS) spins
            instead of failing at the limit: set ``max_eval_time`` too.
        seed: the one source of randomness (``None``: drawn at fit and kept in ``seed_``).
        population_size: candidates kept per generation (also the first generation's size).
        evolution: ``"steady_state"`` starts a new candidate whenever a worker is free (no
            idle workers; which candidates are tried depends on timing when ``n_jobs > 1``);
            ``"generational"`` evaluates whole generations: the same seed then gives the same
            candidates for any ``n_jobs`` or scheduler (up to where a time budget cuts).
        max_generations: generations at most (``None``: until another budget ends).
        secondary_objectives: costs minimised alongside the score (Pareto selection with
            NSGA-II): any of ``"fit_seconds"``, ``"predict_seconds_per_row"``, ``"model_size"``.
        directory: where to keep the project: every trial in ``trials.sqlite`` as it finishes,
            then ``best_pipeline.joblib`` and ``leaderboard.csv`` (``None``: nothing is written).
        project_name: sub-folder of ``directory`` for this search, a plain folder name
            (``None``: the task's name, e.g. ``"image"``).
        overwrite: start afresh, removing an earlier search of the same project; with
            ``False`` a stored search on the same data and space is resumed.
        mlflow: also log every trial to MLflow (needs ``mlflow`` or ``mlflow-skinny``):
            ``True`` for MLflow's default tracking URI, or a tracking URI such as
            ``"file:///tmp/mlruns"`` or ``"http://host:5000"``. One run per fit in the
            experiment ``project_name``, one nested run per trial.
        verbose: 0 is silent; 1 shows live progress in a terminal (one line per generation
            otherwise); 2 adds a line per trial.

    Attributes:
        best_trial_: the winning trial, the one refit (see ``time_budget``). ``trials_``:
            every trial, in completion order (earlier runs' first when resumed).
            ``interrupted_``: whether Ctrl-C ended the search.
        leaderboard_: the trials as a DataFrame, best first.
        pipeline_: the refit winning scikit-learn pipeline (see ``export_model``).
        data_spec_, search_space_, objective_, seed_, logbook_: what the search used and did.
        search_seconds_, fit_seconds_: wall time of the search, and of the whole fit.
    """

    def __init__(
        self,
        inputs=None,
        outputs=None,
        *,
        objective: str | None = None,
        max_trials: int | None = 100,
        time_budget: float | None = None,
        cv: int = 5,
        n_jobs: int | None = -1,
        scheduler=None,
        max_eval_time: float | None = None,
        memory_limit: int | str | None = None,
        seed: int | None = None,
        population_size: int = 20,
        evolution: str = "steady_state",
        max_generations: int | None = None,
        secondary_objectives: tuple[str, ...] = (),
        directory: str | os.PathLike | None = None,
        project_name: str = "auto_model",
        overwrite: bool = False,
        mlflow: bool | str = False,
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
        self.evolution = evolution
        self.max_generations = max_generations
        self.secondary_objectives = secondary_objectives
        self.directory = directory
        self.project_name = project_name
        self.overwrite = overwrite
        self.mlflow = mlflow
        self.verbose = verbose

    def __sklearn_clone__(self):
        # Inputs and outputs share nodes: copy them together so the copy stays one graph.
        params = self.get_params(deep=False)
        params["inputs"], params["outputs"] = copy.deepcopy((self.inputs, self.outputs))
        return type(self)(**params)

    # --- building blocks of fit ---------------------------------------------------------

    def _graph(self) -> Graph:
        if self.inputs is None or self.outputs is None:
            raise ValueError("AutoModel needs inputs and outputs, e.g. inp = "
                             "StructuredDataInput(); AutoModel(inputs=inp, outputs="
                             "ClassificationHead()(StructuredDataBlock()(inp))).")
        return Graph(self.inputs, self.outputs)

    def _project_name(self) -> str:
        return self.project_name or getattr(self, "_default_project_name", "auto_model")

    def _check_settings(self) -> None:
        name = self.project_name
        if name is not None and (not isinstance(name, str) or name in ("", ".", "..")
                                 or Path(name).name != name or "\\" in name):
            raise ValueError(f"project_name must be a plain folder name (no '/', '..' or "
                             f"absolute path); received {name!r}. Put the parent folders in "
                             "directory=.")
        _check_positive_int(self.max_trials, "max_trials")
        _check_positive_int(self.max_generations, "max_generations")
        _check_positive_int(self.population_size, "population_size", allow_none=False, minimum=2)
        _check_positive_int(self.cv, "cv", allow_none=False, minimum=2)
        _check_positive_int(self.seed, "seed", minimum=0)
        for name in ("time_budget", "max_eval_time"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, int | float) or isinstance(value, bool)
                or not value > 0 or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a positive number of seconds or None; "
                                 f"received {value!r}.")
        memory_bytes(self.memory_limit)
        if self.max_trials is None and self.time_budget is None and self.max_generations is None:
            raise ValueError("max_trials, time_budget and max_generations are all None, so the "
                             "search would never end: set at least one.")
        if self.evolution not in _EVOLUTION_MODES:
            raise ValueError(f"evolution must be one of {_EVOLUTION_MODES}; received "
                             f"{self.evolution!r}.")
        resolve_n_jobs(self.n_jobs)
        check_secondary_objectives(self.secondary_objectives)
        check_mlflow(self.mlflow)

    @property
    def project_folder(self) -> Path | None:
        """Where this search keeps its project (``directory/project_name``), or ``None``
        without a ``directory``."""
        if self.directory is None:
            return None
        return Path(self.directory) / self._project_name()

    def _open_project(self) -> Project | None:
        if self.directory is None:
            return None
        return Project(self.project_folder, overwrite=self.overwrite)

    def fit(self, x, y=None, *, epochs: int | None = None):
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

        Returns:
            self, fitted.
        """
        if is_multi_io(self.inputs, self.outputs):
            return fit_multi_io(self, x, y, epochs=epochs)
        if epochs is not None:
            raise ValueError("epochs applies when the outputs are heads (the IO API); in a "
                             "graph, fix a network block's max_epochs instead, e.g. "
                             "DenseNetwork(max_epochs=20).")
        started = time.monotonic()
        self._check_settings()
        graph = self._graph()
        input_node, chain = graph.chain()
        head: Head = chain[-1]
        if isinstance(input_node, ImageInput):
            data = load_image_data(x, y, head.task)
        elif isinstance(input_node, TextInput):
            data = load_text_data(x, y, head.task)
        elif isinstance(input_node, StructuredDataInput):
            data = load_training_data(x, y, head.task, column_names=input_node.column_names,
                                      column_types=input_node.column_types)
        else:
            raise ValueError(f"{input_node.label} is not supported: use StructuredDataInput, "
                             "ImageInput or TextInput.")
        if len(data.y) < 2 * self.cv:
            raise ValueError(f"x has {len(data.y)} rows, too few for cv={self.cv}: pass at least "
                             f"{2 * self.cv} rows or a smaller cv.")
        objective = resolve_objective(self.objective, head.task, data.y)
        secondary = check_secondary_objectives(self.secondary_objectives)
        space = build_space(graph, data.spec)
        settings = {"task": head.task.value, "objective": objective, "cv": self.cv,
                    "secondary_objectives": list(secondary), "seed": self.seed,
                    "data_fingerprint": data.fingerprint(),
                    "space_fingerprint": space.fingerprint(),
                    "target_column": data.target_column}
        project = self._open_project()
        try:
            return self._fit(data, graph, space, objective, secondary, settings, project, started)
        finally:
            if project is not None:
                project.close()

    def _fit(self, data, graph, space, objective, secondary, settings, project, started):
        def cross_validation(seed: int) -> CrossValidation:
            # Under a time budget a network is scored on 2 folds, not cv: one network fit often
            # costs as much as dozens of scikit-learn candidates, and 2 folds keep it
            # comparable.
            return CrossValidation(data, space, make_folds(data, self.cv, seed), objective, seed,
                                   secondary, network_folds=(
                                       NETWORK_FOLDS if self.time_budget is not None else None))

        search = self._search(space, objective, settings, project, started, cross_validation)
        result, best = search.result, search.result.best
        self.data_spec_ = data.spec
        self._keep_search(result, space, objective, search.seed)
        self.target_column_ = data.target_column
        self.pipeline_ = build_pipeline(best.genome, space, data.spec, seed=search.seed,
                                        final=True)
        self.pipeline_.fit(data.x, data.y)
        if data.spec.image_shape is not None:  # the exported pipeline takes the images
            self.pipeline_ = Pipeline([("images", ImageFlattener(data.spec.image_shape)),
                                       ("pipeline", self.pipeline_)])
        self._finish_search(search, project, started,
                            f"best: {best.genome.describe()['model']} with CV {objective} "
                            f"{best.score:.4f}")
        return self

    def _search(self, space, objective: str, settings: dict, project: Project | None,
                started: float, evaluator: Callable[[int], Callable],
                what: str = "candidates") -> _Search:
        """The search every fit runs, whatever it evaluates: the seed (kept with a project),
        the resume from stored trials, the budget, progress, MLflow, the executor, and every
        trial stored as it finishes. ``evaluator(seed)`` makes the picklable evaluation of a
        genome. Raises the search's error when no candidate succeeded."""
        previous: list[Trial] = []
        spent = 0.0
        seed = self.seed
        run = None
        if project is not None:
            if seed is None and not project.store.project():
                settings["seed"] = seed = draw_seed()
            seed = project.check_resumable(settings)["seed"]
            previous, spent = project.store.trials(), project.store.spent_seconds()
            run = project.store.start_run(self._run_settings())
        elif seed is None:
            seed = draw_seed()
        evaluate = evaluator(seed)
        # A resumed run draws new candidates: its generator differs from the first run's.
        rng = np.random.default_rng([seed, len(previous)] if previous else seed)
        strategy = Evolution(space, rng, population_size=self.population_size)
        strategy.restore(previous)
        deadline = None if self.time_budget is None else started + self.time_budget - spent
        budget = Budget(self.max_trials, deadline, self.max_generations)
        progress = Progress(self.verbose, objective, self.time_budget, self.max_trials)
        progress.start(previous, spent)
        mlflow = None
        if self.mlflow:
            mlflow = MlflowLogger(None if self.mlflow is True else self.mlflow,
                                  self._project_name(), {**self._run_settings(), "seed": seed})

        def on_trial(trial: Trial) -> None:
            nonlocal mlflow
            if project is not None:
                project.store.add_trial(trial, run=run, seed=seed,
                                        data_fingerprint=settings["data_fingerprint"],
                                        space_fingerprint=settings["space_fingerprint"])
                project.store.update_run(run, time.monotonic() - started)
            if mlflow is not None:
                try:
                    mlflow.log_trial(trial)
                except Exception as error:  # the search matters more than its mirror
                    warnings.warn(f"MLflow logging stopped: {describe_error(error)}",
                                  stacklevel=2)
                    mlflow = None
            progress.on_trial(trial)

        def reserve(best: Trial | None) -> float:
            return self._refit_estimate(best, space)

        gpu_blocks = {option.block for slot in space.slots for option in slot.options
                      if option.block_class.tags.uses_gpu}

        def needs_gpu(genome) -> bool:
            return any(gene.block in gpu_blocks for _, genes in genome.slots for gene in genes)

        try:
            with make_executor(self.n_jobs, scheduler=self.scheduler,
                               max_eval_time=self.max_eval_time,
                               memory_limit=memory_bytes(self.memory_limit),
                               needs_gpu=needs_gpu if gpu_blocks else None) as executor:
                result: SearchResult = run_search(
                    strategy, evaluate, budget, executor=executor,
                    batch_size=(self.population_size if self.evolution == "steady_state"
                                else lambda: strategy.batch_size),
                    reserve_seconds=reserve, on_generation=progress.on_generation,
                    on_trial=on_trial, previous=previous,
                    steady_state=self.evolution == "steady_state")
        finally:
            progress.stop()
        if project is not None:  # a trial recorded while Ctrl-C struck is not lost either
            project.store.add_trials(result.trials, run=run, seed=seed, skip_stored=True,
                                     data_fingerprint=settings["data_fingerprint"],
                                     space_fingerprint=settings["space_fingerprint"])
        search_seconds = time.monotonic() - started
        if mlflow is not None:
            mlflow.finish(result.best, "KILLED" if result.interrupted else
                          "FINISHED" if result.best is not None else "FAILED")
        if result.best is None:
            if project is not None:
                project.store.update_run(run, search_seconds, "failed")
            raise result.no_best_error(what)
        if result.interrupted:
            progress.line(f"interrupted: refitting the best of {len(result.trials)} trials")
        progress.refit_choice(result, reserve)
        return _Search(result, seed, progress, run, len(previous), search_seconds)

    def _finish_search(self, search: _Search, project: Project | None, started: float,
                       summary: str) -> None:
        """After the refit: timings, the closing progress line, and with a project the saved
        model and leaderboard and the run's status."""
        result = search.result
        self.search_seconds_ = search.search_seconds
        self.fit_seconds_ = time.monotonic() - started
        new = len(result.trials) - search.n_previous
        search.progress.line(f"{summary} after {new} new candidates"
                             + (f" ({len(result.trials)} in all)" if search.n_previous else "")
                             + f" in {self.fit_seconds_:.1f} s")
        if project is not None:
            self._save(project.folder)
            project.store.update_run(search.run, self.fit_seconds_,
                                     "interrupted" if result.interrupted else "finished")

    def _keep_search(self, result: SearchResult, space, objective: str, seed: int) -> None:
        """What the search used and did, as fitted attributes."""
        self.search_space_ = space
        self.objective_ = objective
        self.seed_ = seed
        self.trials_ = result.trials
        self.logbook_ = result.logbook
        self.best_trial_ = result.best
        self.interrupted_ = result.interrupted

    def _run_settings(self) -> dict:
        """This fit's arguments, as stored with its run (the graph is not)."""
        return {key: value for key, value in self.get_params(deep=False).items()
                if key not in ("inputs", "outputs")}

    def _refit_estimate(self, best: Trial | None, space) -> float:
        """Seconds to keep for the final refit: the best candidate's mean fold fit time, scaled
        to all the rows, times the cost factor of its model (e.g. SVC probabilities), plus
        TensorFlow's start-up for a network when this process has not imported it. Before any
        candidate has finished nothing is known: keep a tenth of the time budget."""
        if best is None:
            return 0.1 * self.time_budget if self.time_budget else 0.0
        per_fold = best.fit_seconds / max(len(best.fold_scores), 1)
        model = space.slot("model").option(best.genome["model"][0].block).block_class
        # A network refit here first imports TensorFlow, if this process has not yet: its
        # workers paid that outside most trials' fit times.
        startup = KERAS_STARTUP_SECONDS if model.tags.imports_tensorflow and "tensorflow" not in sys.modules \
            else 0.0
        return 0.5 + startup + 1.3 * per_fold * self.cv / (self.cv - 1) * model.tags.refit_cost_factor

    def _save(self, project: Path) -> None:
        project.mkdir(parents=True, exist_ok=True)
        self.leaderboard_.to_csv(project / "leaderboard.csv", index=False)
        joblib.dump(self.pipeline_, project / "best_pipeline.joblib")

    # --- after fit -----------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(x, y) "
                                 "before predict, evaluate or export_model.")

    def _features(self, x):
        """``x`` as the fitted pipeline takes it: a CSV path is read, and its target column
        (when fit named one) dropped."""
        if isinstance(x, str | os.PathLike) and self._takes_tables():
            x = read_csv(x)
        if isinstance(x, pd.DataFrame) and self.target_column_ in x.columns:
            x = x.drop(columns=[self.target_column_])
        if len(x) == 0:
            raise ValueError("x has no rows: pass at least one row.")
        return x

    def _takes_tables(self) -> bool:
        return not self.data_spec_.is_text and self.data_spec_.image_shape is None

    def _targets(self, x, y):
        if isinstance(x, str | os.PathLike) and self._takes_tables():
            x = read_csv(x)
        if isinstance(y, str):
            if not isinstance(x, pd.DataFrame) or y not in x.columns:
                raise ValueError(f"y is the column name {y!r}, but x has no such column.")
            y = x[y]
        elif y is None:
            if self.target_column_ is None or not isinstance(x, pd.DataFrame):
                raise ValueError("y is required: pass the true targets.")
            y = x[self.target_column_]
        return self._features(x), y

    def predict(self, x) -> np.ndarray:
        """Predictions of the refit best pipeline for ``x`` (same columns as in fit); with
        several inputs or outputs, a list with one array per output."""
        self._check_fitted()
        if isinstance(self.pipeline_, MultiIOModel):
            return self.pipeline_.predict(x)
        return self.pipeline_.predict(self._features(x))

    def predict_proba(self, x) -> np.ndarray:
        """Class probabilities for ``x``, one column per class in the order of ``classes_``;
        with several outputs, a list with one array per classification output."""
        self._check_fitted()
        if isinstance(self.pipeline_, MultiIOModel):
            return self.pipeline_.predict_proba(x)
        if self.data_spec_.task is not Task.CLASSIFICATION:
            raise AttributeError(f"predict_proba is for classification, but this "
                                 f"{type(self).__name__} solves regression: use predict.")
        return self.pipeline_.predict_proba(self._features(x))

    @property
    def classes_(self) -> np.ndarray:
        """The class labels seen in fit (classification only); with several outputs, a list
        with each output's labels (``None`` for a regression output)."""
        self._check_fitted()
        if isinstance(self.pipeline_, MultiIOModel):
            return self.pipeline_.classes_
        if self.data_spec_.task is not Task.CLASSIFICATION:
            raise AttributeError("classes_ exists for classification only.")
        return np.asarray(self.data_spec_.classes)

    def score(self, x, y=None) -> float:
        """scikit-learn's convention: accuracy for classification, R² for regression; with
        several outputs, the search's objective (the mean of the outputs' metrics)."""
        if isinstance(getattr(self, "pipeline_", None), MultiIOModel):
            return self.pipeline_.score(x, y)
        scores = self.evaluate(x, y)
        return scores["accuracy" if self.data_spec_.task is Task.CLASSIFICATION else "r2"]

    def export_model(self, format: str = "auto"):
        """The refit best model, to ship.

        Args:
            format: ``"sklearn"``: the fitted scikit-learn ``Pipeline`` (takes the same
                DataFrames, arrays, images or documents as ``fit``; save it with
                ``joblib.dump``). ``"keras"``: when the best model is a Keras network, one
                ``keras.Model`` with the preprocessing inside (see ``automl.export``; save it
                with ``model.save("model.keras")``). ``"auto"`` (default): ``"keras"`` for a
                Keras winner whose steps all translate, else ``"sklearn"``. With several
                inputs or outputs it is always the ``keras.Model`` (feed it
                ``self.pipeline_.keras_inputs(x)``; see ``automl.tasks._multi_io``).
        """
        self._check_fitted()
        if format not in ("auto", "keras", "sklearn"):
            raise ValueError(f"format must be 'auto', 'keras' or 'sklearn'; received {format!r}.")
        if isinstance(self.pipeline_, MultiIOModel):
            if format == "sklearn":
                raise ValueError("format='sklearn' does not exist for several inputs or "
                                 "outputs: the model is one Keras network; use 'keras'.")
            return self.pipeline_.export_model()
        if format == "sklearn" or (format == "auto" and not has_keras_model(self.pipeline_)):
            return self.pipeline_
        try:
            return to_keras(self.pipeline_, self.data_spec_)
        except NotTranslatableError as error:
            if format == "keras":
                raise
            warnings.warn(f"exporting the scikit-learn pipeline: {error}", stacklevel=2)
            return self.pipeline_

    def evaluate(self, x, y=None) -> dict[str, float]:
        """Scores on ``x``/``y``: the objective first, then the usual metrics of the task;
        with several outputs, ``{output name: {metric: value}}``."""
        self._check_fitted()
        if isinstance(self.pipeline_, MultiIOModel):
            return self.pipeline_.evaluate(x, y)
        features, y = self._targets(x, y)
        y = validate_target(y, self.data_spec_.task, len(features),
                            classes=self.data_spec_.classes)
        score = metrics.get_scorer(self.objective_)(self.pipeline_, features, y)
        return evaluation_scores(self.objective_, score, self.data_spec_.task, y,
                                 self.pipeline_.predict(features))

    def importance(self, **options) -> pd.DataFrame:
        """Which hyperparameters mattered: a functional ANOVA of the trials' scores per model
        family (see ``automl.importance``); one row per hyperparameter and pair."""
        self._check_fitted()
        return trial_importance(self.trials_, **options)

    def report(self, path: str | os.PathLike | None = None) -> Path:
        """Writes the search's HTML report (plots embedded; see ``automl.report``) to ``path``,
        by default ``report.html`` in the project folder; returns its path."""
        self._check_fitted()
        return write_report(self, path)

    @property
    def leaderboard_(self) -> pd.DataFrame:
        """Every trial, best first: score, spread over folds, pipeline, timings, status."""
        self._check_fitted()
        return leaderboard(self.trials_)


__all__ = ["AutoModel"]
