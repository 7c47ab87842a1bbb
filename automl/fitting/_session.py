"""One fit's search, whatever it evaluates (pipelines of one graph, or one network over several
inputs and outputs): the seed, the resume from stored trials, the budget, the executor, and the
listeners of every trial (the trial store, MLflow, progress) as callbacks of one loop.

    with SearchSession(settings, space, objective, resumable, started) as session:
        result = session.run(cross_validation)      # cross_validation(seed) -> evaluate(genome)
        fitted = refit(result.best, session.seed)
        outcome = session.finish(fitted, "best: ...")
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from automl.checks import findings_frame
from automl.evaluation import Rungs, Trial, describe_error, genome_of
from automl.execution import make_executor
from automl.fitting._ensembling import ensemble_rows
from automl.fitting._progress import Progress
from automl.fitting._refit_time import refit_estimate, refit_seconds
from automl.fitting._saved import model_writer
from automl.fitting._settings import SearchSettings, draw_seed
from automl.genome import Genome
from automl.search import Budget, SearchResult, make_strategy, run_search
from automl.space import SearchSpace
from automl.trials import (
    CHECKS_FILE,
    LEADERBOARD_FILE,
    SELECTION_FILE,
    MlflowLogger,
    Project,
    leaderboard,
)


@dataclass(frozen=True)
class SearchOutcome:
    """What a finished search hands to the estimator as fitted attributes."""

    fitted: object  # the FittedModel refit on all rows
    space: SearchSpace
    objective: str
    seed: int
    result: SearchResult
    search_seconds: float
    fit_seconds: float
    ensemble: object = None  # the Ensemble refit, if one was
    checks: pd.DataFrame = field(default_factory=lambda: findings_frame([]))
    costs: dict = field(default_factory=dict)  # what the refit model costs to ship (COSTS)
    data: object = None  # the training data, for a later select() (kept in memory only)
    best: Trial | None = None  # the best trial within the cost limits (None: result.best)


class StoreTrials:
    """Callback: writes each trial to the project's store as it finishes, with the run's
    elapsed time, so a killed fit loses at most the candidates still running."""

    def __init__(self, project: Project, run: int, seed: int, settings: dict, started: float):
        self.project, self.run, self.seed, self.started = project, run, seed, started
        self.fingerprints = {key: settings[key]
                             for key in ("data_fingerprint", "space_fingerprint")}

    def __call__(self, trial: Trial) -> None:
        self.project.store.add_trial(trial, run=self.run, seed=self.seed, **self.fingerprints)
        self.project.store.update_run(self.run, time.monotonic() - self.started)

    def catch_up(self, trials: list[Trial]) -> None:
        """Stores what the callback did not see (a trial recorded while Ctrl-C struck)."""
        self.project.store.add_trials(trials, run=self.run, seed=self.seed, skip_stored=True,
                                      **self.fingerprints)

    def end_run(self, seconds: float, status: str) -> None:
        self.project.store.update_run(self.run, seconds, status)


class MirrorToMlflow:
    """Callback: logs each trial as a nested MLflow run; a failing mirror is switched off with
    a warning, never the search."""

    def __init__(self, logger: MlflowLogger):
        self.logger: MlflowLogger | None = logger

    def __call__(self, trial: Trial) -> None:
        if self.logger is None:
            return
        try:
            self.logger.log_trial(trial)
        except Exception as error:  # the search matters more than its mirror
            warnings.warn(f"MLflow logging stopped: {describe_error(error)}", stacklevel=2)
            self.logger = None

    def finish(self, result: SearchResult) -> None:
        if self.logger is not None:
            self.logger.finish(result.best, "KILLED" if result.interrupted else
                               "FINISHED" if result.best is not None else "FAILED")


class SearchSession:
    """One search over ``space`` as ``settings`` ask (budgets, ``cv``, workers, ``seed``,
    strategy, project folder, MLflow, ``verbose``).

    Args:
        settings: the fit's ``SearchSettings``.
        space: the search space.
        objective: the score's name (for display and the report).
        resumable: what a stored search must match to be resumed (task, objective, cv, seed,
            data and space fingerprints, ...); its ``seed`` is set when drawn.
        started: ``time.monotonic()`` when ``fit`` began: the time budget counts from it.
    """

    def __init__(self, settings: SearchSettings, space: SearchSpace, objective: str,
                 resumable: dict, started: float):
        self.settings, self.space, self.objective = settings, space, objective
        self.resumable, self.started = resumable, started
        self.project: Project | None = (
            None if settings.project_folder is None
            else Project(settings.project_folder, overwrite=settings.overwrite))
        self.seed: int | None = None
        self.deadline: float | None = None
        self.result: SearchResult | None = None
        self.progress = Progress(settings.verbose, objective, settings.time_budget,
                                 settings.max_trials)
        self._store: StoreTrials | None = None
        self._mlflow: MirrorToMlflow | None = None
        self._n_previous = 0
        self._search_seconds = 0.0

    def __enter__(self) -> SearchSession:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def store(self):
        """The project's ``TrialStore`` (``None`` without a ``directory``)."""
        return None if self.project is None else self.project.store

    def close(self) -> None:
        if self.project is not None:
            self.project.close()

    def _resume(self) -> tuple[list[Trial], float]:
        """Sets the seed (kept with a project, else drawn when not given) and opens the run;
        returns the stored trials and the seconds earlier runs spent."""
        seed = self.settings.seed
        if self.project is None:
            self.seed = draw_seed() if seed is None else seed
            return [], 0.0
        store = self.project.store
        if seed is None and not store.project():
            self.resumable["seed"] = draw_seed()
        self.seed = self.project.check_resumable(self.resumable)["seed"]
        previous, spent = store.trials(), store.spent_seconds()
        run = store.start_run(self.settings.arguments)
        store.survive_write_errors = True  # from here on a full disk costs the store, not the fit
        self._store = StoreTrials(self.project, run, self.seed, self.resumable, self.started)
        return previous, spent

    def _callbacks(self, listeners) -> list[Callable[[Trial], None]]:
        callbacks: list[Callable[[Trial], None]] = []
        if self._store is not None:
            callbacks.append(self._store)
        if self.settings.mlflow:
            self._mlflow = MirrorToMlflow(MlflowLogger(
                None if self.settings.mlflow is True else self.settings.mlflow,
                self.settings.search_name, {**self.settings.arguments, "seed": self.seed}))
            callbacks.append(self._mlflow)
        callbacks.extend(listeners)
        callbacks.append(self.progress.on_trial)
        return callbacks

    def _needs_gpu(self) -> Callable[[Genome], bool] | None:
        gpu_blocks = {option.block for slot in self.space.slots for option in slot.options
                      if option.block_class.tags.uses_gpu}
        if not gpu_blocks:
            return None
        def needs_gpu(item) -> bool:
            return any(gene.block in gpu_blocks
                       for _, genes in genome_of(item).slots for gene in genes)
        return needs_gpu

    def run(self, evaluator: Callable[[int], Callable], what: str = "candidates",
            listeners: Sequence[Callable[[Trial], None]] = (),
            then: Callable[[SearchResult, object, Callable], SearchResult] | None = None,
            kept_after: Callable[[], float] | None = None,
            rungs: Rungs | None = None) -> SearchResult:
        """Searches until a budget ends; ``evaluator(seed)`` makes the picklable evaluation of
        a genome, and ``listeners`` are called with each trial (after the store and MLflow,
        before progress); ``then(result, executor, evaluate)``, on the search's workers and
        with its evaluation, may rescore candidates and returns the result to use;
        ``kept_after()``: seconds to keep beside the refit of the best for what follows the
        search (``then``, an ensemble's other members), asked as the search goes; ``rungs``:
        multi-fidelity screening's (the evaluation then takes a ``Candidate``). Raises the
        search's error when no candidate succeeded (Ctrl-C before any finished:
        ``KeyboardInterrupt``)."""
        settings = self.settings
        previous, spent = self._resume()
        self._n_previous = len(previous)
        evaluate = evaluator(self.seed)
        # A resumed run draws new candidates: its generator differs from the first run's.
        rng = np.random.default_rng([self.seed, len(previous)] if previous else self.seed)
        strategy = make_strategy(settings.strategy, self.space, rng,
                                 population_size=settings.population_size)
        strategy.restore(previous)
        self.deadline = settings.deadline(self.started, spent)
        budget = Budget(settings.max_trials, self.deadline, settings.max_generations)
        self.progress.start(previous, spent)
        callbacks = self._callbacks(listeners)

        def on_trial(trial: Trial) -> None:
            for callback in callbacks:
                callback(trial)

        steady_state = settings.evolution == "steady_state"

        def reserve(best: Trial | None) -> float:
            kept = 0.0 if kept_after is None or best is None else kept_after()
            return self.refit_estimate(best) + kept

        try:
            with make_executor(settings.n_jobs, scheduler=settings.scheduler,
                               max_eval_time=settings.max_eval_time,
                               memory_limit=settings.memory_limit,
                               needs_gpu=self._needs_gpu()) as executor:
                result = run_search(
                    strategy, evaluate, budget, executor=executor,
                    batch_size=(settings.population_size if steady_state
                                else lambda: strategy.batch_size or settings.population_size),
                    reserve_seconds=reserve, refit_seconds=self.refit_seconds,
                    on_generation=self.progress.on_generation, on_trial=on_trial,
                    previous=previous, steady_state=steady_state,
                    limit_candidates=settings.candidate_limit(), rungs=rungs)
                if then is not None and result.best is not None and not result.interrupted:
                    try:
                        result = then(result, executor, evaluate)
                    except KeyboardInterrupt:  # the search's result stands
                        result.interrupted = True
        finally:
            self.progress.stop()
        if self._store is not None:
            self._store.catch_up(result.trials)
        self._search_seconds = time.monotonic() - self.started
        if self._mlflow is not None:
            self._mlflow.finish(result)
        if result.best is None:
            if self._store is not None:
                self._store.end_run(self._search_seconds, "failed")
            raise result.no_best_error(what)
        if result.interrupted:
            self.progress.line(f"interrupted: refitting the best of {len(result.trials)} "
                               "trials")
        self.progress.refit_choice(result, self.refit_seconds)
        self.result = result
        return result

    def refit_estimate(self, best: Trial | None) -> float:
        """Seconds to keep for the final refit of ``best`` (see ``_refit_time``)."""
        return refit_estimate(best, self.space, self.settings.cv, self.settings.time_budget)

    def refit_seconds(self, best: Trial | None) -> float:
        """The least time the refit of ``best`` needs (see ``_refit_time``)."""
        return refit_seconds(best, self.space, self.settings.cv, self.settings.time_budget)

    def refit_deadline(self, best: Trial) -> float | None:
        """When the refit of ``best`` should stop (a network stops itself then): the end of the
        time budget, or ``refit_seconds`` from now if the search left less."""
        if self.deadline is None:
            return None
        return max(self.deadline, time.monotonic() + self.refit_seconds(best))

    def finish(self, fitted, summary: str, ensemble=None, checks: pd.DataFrame | None = None,
               *, costs: dict | None = None, data=None, best: Trial | None = None,
               limits=None) -> SearchOutcome:
        """After the refit: the closing progress line, and with a project the saved model,
        leaderboard, data checks and the model chosen (``selection_record``), and the run's
        status. ``ensemble``: the ``Ensemble`` refit, if one was; ``checks``: the data
        checks' findings; ``costs``: what the refit model costs to ship; ``best``: the best
        trial within the cost ``limits`` (``None``: the search's best)."""
        result = self.result
        fit_seconds = time.monotonic() - self.started
        new = len(result.trials) - self._n_previous
        self.progress.line(f"{summary} after {new} new candidates"
                           + (f" ({len(result.trials)} in all)" if self._n_previous else "")
                           + f" in {fit_seconds:.1f} s")
        if self.project is not None:
            table = leaderboard(result.trials, ensemble_rows(ensemble))
            unsaved = self.project.save({
                LEADERBOARD_FILE: lambda path: table.to_csv(path, index=False),
                **model_writer(fitted),
                **({} if checks is None else {
                    CHECKS_FILE: lambda path: checks.to_json(path, orient="records",
                                                             indent=1)}),
                SELECTION_FILE: lambda path: Path(path).write_text(json.dumps(
                    selection_record(None if ensemble else best or result.best, limits,
                                     costs or {}), indent=1))})
            if unsaved:
                warnings.warn(f"{unsaved} in {str(self.project.folder)!r}: the fitted model is "
                              "returned as usual (export_model() gives it to save elsewhere).",
                              RuntimeWarning, stacklevel=3)
            self._store.end_run(fit_seconds, "interrupted" if result.interrupted
                                else "finished")
        return SearchOutcome(fitted, self.space, self.objective, self.seed, result,
                             self._search_seconds, fit_seconds, ensemble,
                             findings_frame([]) if checks is None else checks, costs or {},
                             data, best)


def selection_record(chosen: Trial | None, limits, costs: dict) -> dict:
    """What a project keeps of the model it serves (``SELECTION_FILE``): the trial refit
    (``None``: an ensemble), the limits it was chosen under, and its measured costs."""
    return {"trial": None if chosen is None else chosen.number,
            "max_latency_ms": getattr(limits, "max_latency_ms", None),
            "max_size_mb": getattr(limits, "max_size_mb", None), "costs": costs}
