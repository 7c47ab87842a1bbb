"""The search loop shared by all strategies: ask a batch, evaluate it through the executor's
``map``, record the trials, tell the strategy; stop when the budget is spent."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from deap import tools

from automl.evaluation import Trial
from automl.execution import Executor, InProcessExecutor
from automl.genome import Genome
from automl.search._budget import Budget
from automl.search._strategy import Strategy


@dataclass
class SearchResult:
    """All trials of a search in completion order, and per-generation statistics."""

    trials: list[Trial]
    logbook: tools.Logbook

    @property
    def best(self) -> Trial | None:
        return best_trial(self.trials)


def best_trial(trials: list[Trial]) -> Trial | None:
    """The successful trial with the highest score; ties go to the faster fit."""
    finished = [trial for trial in trials if trial.ok]
    if not finished:
        return None
    return max(finished, key=lambda trial: (trial.score, -trial.fit_seconds))


#: After this many trials with none successful, something systematic is wrong: stop and say so.
FAILURES_BEFORE_GIVING_UP = 20


def _hopeless(trials: list[Trial]) -> bool:
    return len(trials) >= FAILURES_BEFORE_GIVING_UP and not any(trial.ok for trial in trials)


def _record(trials, evaluated, result, generation) -> Trial:
    trial = dataclasses.replace(result, number=len(trials), generation=generation)
    trials.append(trial)
    evaluated.add(trial.genome)
    return trial


def _generation_record(generation: int, batch: list[Trial], trials: list[Trial],
                       started: float) -> dict:
    scores = [trial.score for trial in batch if trial.ok]
    best = best_trial(trials)
    return {
        "generation": generation,
        "evaluations": len(batch),
        "failed": sum(not trial.ok for trial in batch),
        "best": best.score if best else math.nan,
        "median": float(np.median(scores)) if scores else math.nan,
        "elapsed": time.monotonic() - started,
    }


def run_search(
    strategy: Strategy,
    evaluate: Callable[..., Trial | None],
    budget: Budget,
    *,
    executor: Executor | None = None,
    batch_size: int | Callable[[], int] = 20,
    reserve_seconds: Callable[[Trial | None], float] = lambda best: 0.0,
    on_generation: Callable[[dict], None] | None = None,
    steady_state: bool = False,
) -> SearchResult:
    """Runs ``strategy`` until ``budget`` is spent.

    Args:
        strategy: proposes genomes and learns from trials.
        evaluate: ``evaluate(genome, deadline=...) -> Trial | None`` (``None``: not started).
        budget: trials, deadline and generations allowed.
        executor: where a batch is evaluated (default: in this process).
        batch_size: genomes per generation, or a callable giving it.
        reserve_seconds: time to keep for work after the search (the final refit), given the
            best trial so far.
        on_generation: called with each generation's logbook record.
        steady_state: start a new candidate whenever a worker is free and tell the strategy
            each trial as it finishes (no idle workers at generation ends; the order of trials
            then depends on timing). Otherwise whole generations are evaluated and told at
            once: the same seed gives the same trials for any number of workers.
    """
    if steady_state:
        return _run_steady_state(strategy, evaluate, budget, executor or InProcessExecutor(),
                                 batch_size, reserve_seconds, on_generation)
    executor = executor or InProcessExecutor()
    trials: list[Trial] = []
    evaluated: set[Genome] = set()
    logbook = _new_logbook()
    started = time.monotonic()
    generation = 0
    while True:
        reserve = reserve_seconds(best_trial(trials))
        trials_left = budget.trials_left(len(trials))
        if trials_left <= 0 or budget.seconds_left(reserve) <= 0:
            break
        if budget.max_generations is not None and generation >= budget.max_generations:
            break
        if _hopeless(trials):
            break
        size = batch_size() if callable(batch_size) else batch_size
        genomes = strategy.ask(int(min(size, trials_left)), lambda g: g not in evaluated)
        if not genomes:
            break  # the space is exhausted
        deadline = None if budget.deadline is None else budget.deadline - reserve
        results = executor.map(evaluate, genomes, deadline=deadline, failure=Trial.failed)
        batch = [_record(trials, evaluated, result, generation)
                 for result in results if result is not None]
        if not batch:
            break  # the deadline cut every candidate of this generation
        strategy.tell(batch)
        record = _generation_record(generation, batch, trials, started)
        logbook.record(**record)
        if on_generation is not None:
            on_generation(record)
        generation += 1
    return SearchResult(trials, logbook)


def _new_logbook() -> tools.Logbook:
    logbook = tools.Logbook()
    logbook.header = ["generation", "evaluations", "failed", "best", "median", "elapsed"]
    return logbook


def _run_steady_state(strategy, evaluate, budget, executor, batch_size, reserve_seconds,
                      on_generation) -> SearchResult:
    """Keeps every worker busy: a finished trial is told at once and replaced by a new
    candidate. A "generation" here is a block of ``batch_size`` consecutive trials (logging)."""
    trials: list[Trial] = []
    evaluated: set[Genome] = set()
    in_flight: dict[int, Genome] = {}
    logbook = _new_logbook()
    started = time.monotonic()
    block: list[Trial] = []
    executor.start(evaluate, failure=Trial.failed)
    while True:
        reserve = reserve_seconds(best_trial(trials))
        room = min(executor.capacity - len(in_flight),
                   budget.trials_left(len(trials)) - len(in_flight))
        generation = len(logbook)
        if budget.max_generations is not None and generation >= budget.max_generations:
            room = 0
        if room > 0 and budget.seconds_left(reserve) > 0 and not _hopeless(trials):
            busy = set(in_flight.values())
            genomes = strategy.ask(int(room), lambda g, busy=busy: g not in evaluated
                                   and g not in busy)
            deadline = None if budget.deadline is None else budget.deadline - reserve
            for genome in genomes:
                in_flight[executor.submit(genome, deadline=deadline)] = genome
        if not in_flight:
            break
        for ticket, result in executor.collect():
            in_flight.pop(ticket)
            if result is None:
                continue
            trial = _record(trials, evaluated, result, generation)
            strategy.tell([trial])
            block.append(trial)
            size = batch_size() if callable(batch_size) else batch_size
            if len(block) >= size:
                record = _generation_record(generation, block, trials, started)
                logbook.record(**record)
                if on_generation is not None:
                    on_generation(record)
                block = []
                generation += 1
    if block:
        record = _generation_record(len(logbook), block, trials, started)
        logbook.record(**record)
        if on_generation is not None:
            on_generation(record)
    return SearchResult(trials, logbook)
