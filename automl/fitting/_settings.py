"""What a fit was asked for, read once from the estimator's parameters and passed down
(``SearchSettings``), with the budget policy — what a time budget changes — in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from automl.evaluation import check_secondary_objectives, scored_folds
from automl.execution import resolve_n_jobs
from automl.graph import StructuredDataInput
from automl.search import CostLimits, candidate_limit

#: Folds a Keras network candidate is scored on when a time budget is set (see fit).
NETWORK_FOLDS = 2
#: Trials a search without a time budget evaluates when ``max_trials`` is ``"auto"``
#: (AutoKeras's default).
DEFAULT_MAX_TRIALS = 100


def draw_seed() -> int:
    return int(np.random.SeedSequence().entropy % 2**31)


def memory_bytes(limit) -> int | None:
    """``memory_limit`` in bytes: an integer, or text such as ``"4GB"`` / ``"512 MiB"``."""
    if limit is None:
        return None
    if isinstance(limit, str):
        from dask.utils import parse_bytes

        try:
            limit = parse_bytes(limit)
        except ValueError:
            raise ValueError(f"memory_limit {limit!r} is not a size: use bytes or text like "
                             "'4GB' or '512MiB'.") from None
    if not isinstance(limit, int | np.integer) or isinstance(limit, bool) or limit < 2**26:
        raise ValueError(f"memory_limit must be at least 64 MiB (a worker needs that much to "
                         f"start); received {limit!r}.")
    return int(limit)


def trial_cap(max_trials, time_budget: float | None) -> int | None:
    """``max_trials``, with ``"auto"`` resolved: no cap under a ``time_budget`` (the budget is
    the budget), else ``DEFAULT_MAX_TRIALS``."""
    if max_trials != "auto":
        return max_trials
    return None if time_budget is not None else DEFAULT_MAX_TRIALS


@dataclass(frozen=True)
class SearchSettings:
    """An ``AutoModel``'s parameters as one fit uses them (see its docstring for each), checked
    and resolved: ``max_trials`` without ``"auto"``, ``memory_limit`` in bytes, the cost
    limits as ``CostLimits``. ``owner`` is the estimator's class name (for messages) and
    ``arguments`` its parameters as a run of the project records them."""

    time_budget: float | None
    max_trials: int | None
    max_generations: int | None
    max_eval_time: float | None
    cv: int
    objective: object
    secondary_objectives: tuple[str, ...]
    seed: int | None
    n_jobs: int | None
    scheduler: object
    memory_limit: int | None
    strategy: object
    evolution: str
    population_size: int
    confirm_repeats: int
    ensemble_size: int
    limits: CostLimits
    checks: str
    verbose: int
    mlflow: object
    meta_store: Path | None
    screening: bool | str
    project_folder: Path | None
    overwrite: bool
    search_name: str
    owner: str
    arguments: dict

    @classmethod
    def of(cls, model) -> SearchSettings:
        """The settings of ``model``'s next fit (its parameters already validated)."""
        return cls(
            time_budget=model.time_budget,
            max_trials=trial_cap(model.max_trials, model.time_budget),
            max_generations=model.max_generations, max_eval_time=model.max_eval_time,
            cv=model.cv, objective=model.objective,
            secondary_objectives=check_secondary_objectives(model.secondary_objectives),
            seed=model.seed, n_jobs=model.n_jobs, scheduler=model.scheduler,
            memory_limit=memory_bytes(model.memory_limit), strategy=model.strategy,
            evolution=model.evolution, population_size=model.population_size,
            confirm_repeats=model.confirm_repeats, ensemble_size=model.ensemble_size,
            limits=CostLimits(model.max_latency_ms, model.max_size_mb), checks=model.checks,
            verbose=model.verbose, mlflow=model.mlflow,
            meta_store=None if model.meta_store is None
            else Path(model.meta_store).expanduser(),
            screening="auto" if model.screening == "auto" else bool(model.screening),
            project_folder=model.project_folder,
            overwrite=model.overwrite, search_name=model.search_name,
            owner=type(model).__name__,
            arguments={key: value for key, value in model.get_params(deep=False).items()
                       if key not in ("inputs", "outputs")})

    @property
    def workers(self) -> int:
        """Candidates evaluated at once."""
        return resolve_n_jobs(self.n_jobs)

    def check_rows(self, n_rows: int, groups=None, times=None) -> None:
        """Each of the ``cv`` folds needs two rows at least, a group of its own, and with time
        order a time of its own and one before the first."""
        if n_rows < 2 * self.cv:
            raise ValueError(f"x has {n_rows} rows (n_samples={n_rows}), too few for "
                             f"cv={self.cv}: pass at least {2 * self.cv} rows or a smaller cv.")
        count = 0 if groups is None else len(np.unique(groups))
        if groups is not None and count < self.cv:
            raise ValueError(f"groups has {count} distinct groups, too few for cv={self.cv}: "
                             "each fold validates on groups of its own; pass a cv of at most "
                             f"{count}, or finer groups.")
        count = 0 if times is None else len(np.unique(times))
        if times is not None and count < self.cv + 1:
            raise ValueError(f"the time column has {count} distinct times, too few for "
                             f"cv={self.cv}: forward-chaining splits need cv + 1 of them (the "
                             f"first trains only); pass a cv of at most {max(count - 1, 1)}.")

    def resumable(self, task: str, objective: str, data, space, target_column: str | None,
                  **more) -> dict:
        """What a stored search must match for this fit to resume it (``Project``'s
        ``check_resumable``): ``data`` and ``space`` by their fingerprints."""
        return {"task": task, "objective": objective, "cv": self.cv,
                "secondary_objectives": list(self.secondary_objectives), "seed": self.seed,
                "data_fingerprint": data.fingerprint(), "space_fingerprint": space.fingerprint(),
                "target_column": target_column, **more}

    # The budget policy: what a time budget changes.

    @property
    def plans_time(self) -> bool:
        """Whether the search keeps time for what follows it (refit, confirmation, ensemble):
        only a time budget ends it early enough to need to."""
        return self.time_budget is not None

    def deadline(self, started: float, spent: float) -> float | None:
        """When the whole fit must end: ``time_budget`` from ``started``, less what earlier
        runs of a resumed search ``spent``."""
        return None if self.time_budget is None else started + self.time_budget - spent

    @property
    def network_folds(self) -> int | None:
        """Folds a Keras network is scored on (``None``: all ``cv``): under a time budget 2,
        since one network fit often costs as much as dozens of scikit-learn candidates."""
        return NETWORK_FOLDS if self.time_budget is not None else None

    def scored_folds(self, folds: tuple) -> tuple:
        """The folds a candidate is scored on: under a time budget, on a large table, those
        that hold enough validation rows (a short budget still compares dozens); else all."""
        return scored_folds(folds) if self.time_budget is not None else folds

    def screens(self, input_node) -> bool:
        """Whether a search of ``input_node`` screens its candidates: as ``screening`` says,
        and with ``"auto"`` when the input is a table and the search has a time budget (where
        it was measured ahead: docs/results.md, multi-fidelity screening; under
        ``max_trials`` alone a screened candidate would only take a full one's place)."""
        if self.screening == "auto":
            return self.time_budget is not None and isinstance(input_node, StructuredDataInput)
        return self.screening

    def candidate_limit(self):
        """``trials -> seconds`` one candidate may run: the user's ``max_eval_time`` holds as
        given (``None`` here); without one, a search under a time budget still stops any one
        candidate from taking most of it."""
        if self.time_budget is None or self.max_eval_time is not None:
            return None
        return candidate_limit(self.time_budget)
