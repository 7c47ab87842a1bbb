"""The search loop shared by all strategies: ask a batch, evaluate it through the executor,
record the trials, tell the strategy; stop when the budget is spent or on Ctrl-C."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from deap import tools

from automl.evaluation import Rungs, Status, Trial
from automl.execution import Executor, InProcessExecutor
from automl.genome import Genome
from automl.search._budget import Budget
from automl.search._ctrl_c import CtrlC
from automl.search._strategy import Strategy


@dataclass
class SearchResult:
    """All trials of a search in completion order (earlier runs' first), per-generation
    statistics of this run, whether Ctrl-C ended it, and the trial to refit.

    ``best`` is the trial to refit: the best one whose refit still fits before the deadline
    (see ``affordable_best``); ``top`` is the best score of all.
    """

    trials: list[Trial]
    logbook: tools.Logbook
    interrupted: bool = False
    chosen: Trial | None = None

    @property
    def top(self) -> Trial | None:
        return best_trial(self.trials)

    @property
    def best(self) -> Trial | None:
        return self.chosen if self.chosen is not None else self.top

    def no_best_error(self, what: str = "candidates") -> Exception:
        """What to raise when no trial succeeded: Ctrl-C's KeyboardInterrupt, or an error
        naming the first few failure reasons."""
        if self.interrupted:
            return KeyboardInterrupt()
        reasons = sorted({trial.reason for trial in self.trials})[:3]
        timed_out = bool(self.trials) and all(trial.status is Status.TIMEOUT
                                              for trial in self.trials)
        return RuntimeError(
            f"none of the {len(self.trials)} {what} could be evaluated"
            + (f"; reasons: {reasons}" if reasons else " within the budget")
            + (". Every one ran out of time: give a larger max_eval_time (a network's first "
               "fit on a worker also imports TensorFlow, several seconds) or time_budget."
               if timed_out else ". Give a larger time_budget/max_trials, or check the data."))


def best_trial(trials: list[Trial]) -> Trial | None:
    """The successful trial with the highest score; ties go to the faster fit."""
    finished = [trial for trial in trials if trial.ok]
    if not finished:
        return None
    return max(finished, key=lambda trial: (trial.score, -trial.fit_seconds))


#: Time is kept for the refit of any of this many top trials: one of them may well end up the
#: best, and a costly one (a network) that became the best late would find too little kept.
TOP_TRIALS_RESERVED = 5


def _reserve(trials: list[Trial], reserve_seconds: Callable[[Trial | None], float]) -> float:
    """Seconds to keep for the refit: the most any of the top trials would need (before any
    trial finished, what ``reserve_seconds(None)`` says)."""
    finished = sorted((trial for trial in trials if trial.ok),
                      key=lambda trial: (trial.score, -trial.fit_seconds), reverse=True)
    if not finished:
        return reserve_seconds(None)
    return max(reserve_seconds(trial) for trial in finished[:TOP_TRIALS_RESERVED])


#: The share of the search's time by which a refit may overrun what is left: the last trials
#: finish a little after the search stops, eating into the time kept for the refit, and the
#: top trial, whose refit that time was kept for, must not lose to a cheaper, worse one.
REFIT_GRACE_SHARE = 0.02


def affordable_best(trials: list[Trial], budget: Budget,
                    refit_seconds: Callable[[Trial | None], float],
                    grace: float = 0.0) -> Trial | None:
    """The best trial whose refit (``refit_seconds(trial)``) still fits before the budget's
    deadline (give or take ``grace`` seconds); the best of all without a deadline, or when none
    fits.

    The search keeps time for the refit of its top trials, but a candidate that becomes the
    best late (a network after gradient boosting) may cost far more to refit than the time
    kept: refitting it would overrun the time budget.
    """
    best = best_trial(trials)
    if budget.deadline is None or best is None:
        return best
    left = budget.seconds_left() + grace
    return best_trial([trial for trial in trials
                       if trial.ok and refit_seconds(trial) <= left]) or best


#: Under a time budget, when the user set no ``max_eval_time``, one candidate may take this
#: share of the budget, or ``CANDIDATE_SLOWDOWN`` times the best trial's fit if that is more.
#: Without it a slow, poor candidate (a forest behind a Nystroem map on 5,000 rows: 47 s of a
#: 60 s search) holds a worker for most of the budget; the slowdown keeps the rule harmless
#: where every good candidate is slow.
CANDIDATE_SHARE = 0.25
CANDIDATE_SLOWDOWN = 3.0


def candidate_limit(time_budget: float) -> Callable[[list[Trial]], float | None]:
    """``trials -> max_eval_time`` for the next candidate of a search under ``time_budget``
    (``None`` until a trial has finished: the first candidates are each model's defaults; a
    steady-state search gives those still running the limit once one has)."""
    def limit(trials: list[Trial]) -> float | None:
        best = best_trial(trials)
        if best is None:
            return None
        return max(CANDIDATE_SHARE * time_budget, CANDIDATE_SLOWDOWN * best.fit_seconds)
    return limit


#: After this many trials with none successful, something systematic is wrong: stop and say so.
FAILURES_BEFORE_GIVING_UP = 20


def _hopeless(trials: list[Trial]) -> bool:
    return len(trials) >= FAILURES_BEFORE_GIVING_UP and not any(trial.ok for trial in trials)


class _Recorder:
    """Numbers finished trials, hands each to ``on_trial`` at once, and keeps it without its
    out-of-fold predictions (listeners keep those they need); raises a Ctrl-C that was lost.
    With screening, its rungs learn every trial's rung scores, and set the bars of the
    candidates handed out (``item``)."""

    def __init__(self, previous: Sequence[Trial], on_trial: Callable[[Trial], None] | None,
                 ctrl_c: CtrlC | None = None, rungs: Rungs | None = None):
        self.trials: list[Trial] = list(previous)
        self.evaluated = {trial.genome for trial in previous}
        self.on_trial = on_trial
        self.ctrl_c = ctrl_c
        self.rungs = rungs
        self.failure = Trial.failed if rungs is None else rungs.failed
        if rungs is not None:
            for trial in previous:
                rungs.record(trial)

    def item(self, genome: Genome):
        """What the executor evaluates for ``genome``."""
        return genome if self.rungs is None else self.rungs.candidate(genome)

    def __call__(self, result: Trial, generation: int) -> Trial:
        trial = dataclasses.replace(result, number=len(self.trials), generation=generation)
        kept = trial.without_predictions()
        self.trials.append(kept)
        self.evaluated.add(kept.genome)
        if self.rungs is not None:
            self.rungs.record(kept)
        if self.on_trial is not None:
            self.on_trial(trial)
        if self.ctrl_c is not None and self.ctrl_c.pressed:
            raise KeyboardInterrupt
        return kept


def _generation_record(generation: int, batch: list[Trial], trials: list[Trial],
                       started: float) -> dict:
    scores = [trial.score for trial in batch if trial.ok]
    best = best_trial(trials)
    return {
        "generation": generation,
        "evaluations": len(batch),
        "failed": sum(not trial.ok and trial.status is not Status.SCREENED for trial in batch),
        "screened": sum(trial.status is Status.SCREENED for trial in batch),
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
    refit_seconds: Callable[[Trial | None], float] | None = None,
    on_generation: Callable[[dict], None] | None = None,
    on_trial: Callable[[Trial], None] | None = None,
    previous: Sequence[Trial] = (),
    steady_state: bool = False,
    limit_candidates: Callable[[list[Trial]], float | None] | None = None,
    rungs: Rungs | None = None,
) -> SearchResult:
    """Runs ``strategy`` until ``budget`` is spent.

    Args:
        strategy: proposes genomes and learns from trials.
        evaluate: ``evaluate(genome, deadline=...) -> Trial | None`` (``None``: not started).
        budget: trials, deadline and generations allowed.
        executor: where a batch is evaluated (default: in this process).
        batch_size: genomes per generation, or a callable giving it.
        reserve_seconds: time to keep for work after the search (the final refit) if a given
            trial wins (``None``: none finished yet). The search keeps the most any of its
            top trials would need, and refits the best whose refit still fits
            (``affordable_best``).
        refit_seconds: what the refit of a trial alone takes, when ``reserve_seconds`` keeps
            more (time for an ensemble's other members, which can do without them): judges
            which trials are affordable. Defaults to ``reserve_seconds``.
        on_generation: called with each generation's logbook record.
        on_trial: called with each trial as soon as it is recorded (e.g. to store it).
        previous: trials of earlier runs of this search (a resumed search): their genomes are
            not evaluated again, they count towards ``max_trials``, and the strategy must
            already know them (``Strategy.restore``).
        steady_state: start a new candidate whenever a worker is free and tell the strategy
            each trial as it finishes (no idle workers at generation ends; the order of trials
            then depends on timing). Otherwise whole generations are evaluated and told at
            once: the same seed gives the same trials for any number of workers.
        limit_candidates: ``trials -> seconds`` the candidates started next may take (the
            executor's ``max_eval_time``; see ``candidate_limit``); ``None``: the executor's
            own limit holds throughout.
        rungs: multi-fidelity screening's rungs (``evaluate`` then takes a ``Candidate``);
            ``None``: none.

    Ctrl-C (``KeyboardInterrupt``) ends the search cleanly: the result holds every trial
    finished so far and ``interrupted`` is set.
    """
    ctrl_c = CtrlC()
    record = _Recorder(previous, on_trial, ctrl_c, rungs)
    logbook = _new_logbook()
    grace = REFIT_GRACE_SHARE * max(budget.seconds_left(), 0.0) if budget.deadline else 0.0
    loop = _run_steady_state if steady_state else _run_generations
    executor = executor or InProcessExecutor()
    fixed = executor.max_eval_time
    limit = limit_candidates or (lambda trials: fixed)
    try:
        with ctrl_c:
            loop(strategy, evaluate, budget, executor, limit, batch_size, reserve_seconds,
                 on_generation, record, logbook)
    except KeyboardInterrupt:
        return SearchResult(record.trials, logbook, interrupted=True)
    return SearchResult(record.trials, logbook,
                        chosen=affordable_best(record.trials, budget,
                                               refit_seconds or reserve_seconds, grace))


def _first_generation(previous: list[Trial]) -> int:
    return max((trial.generation for trial in previous), default=-1) + 1


def _run_generations(strategy, evaluate, budget, executor, limit, batch_size, reserve_seconds,
                     on_generation, record: _Recorder, logbook) -> None:
    trials, evaluated = record.trials, record.evaluated
    started = time.monotonic()
    generation = _first_generation(trials)
    while True:
        reserve = _reserve(trials, reserve_seconds)
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
        executor.max_eval_time = limit(trials)
        results = executor.map(evaluate, [record.item(genome) for genome in genomes],
                               deadline=deadline, failure=record.failure)
        batch = [record(result, generation) for result in results if result is not None]
        if not batch:
            break  # the deadline cut every candidate of this generation
        strategy.tell(batch)
        _log_generation(logbook, on_generation, generation, batch, trials, started)
        generation += 1


def _log_generation(logbook, on_generation, generation, batch, trials, started) -> None:
    entry = _generation_record(generation, batch, trials, started)
    logbook.record(**entry)
    if on_generation is not None:
        on_generation(entry)


def _new_logbook() -> tools.Logbook:
    logbook = tools.Logbook()
    logbook.header = ["generation", "evaluations", "failed", "screened", "best", "median",
                      "elapsed"]
    return logbook


def _run_steady_state(strategy, evaluate, budget, executor, limit, batch_size, reserve_seconds,
                      on_generation, record: _Recorder, logbook) -> None:
    """Keeps every worker busy: a finished trial is told at once and replaced by a new
    candidate. A "generation" here is a block of ``batch_size`` consecutive trials (logging)."""
    trials, evaluated = record.trials, record.evaluated
    in_flight: dict[int, Genome] = {}
    started = time.monotonic()
    first = _first_generation(trials)
    block: list[Trial] = []
    executor.start(evaluate, failure=record.failure)
    while True:
        reserve = _reserve(trials, reserve_seconds)
        deadline = None if budget.deadline is None else budget.deadline - reserve
        executor.max_eval_time = limit(trials)
        # The candidates in flight stop by the time now kept for the refit, and the first
        # ones, started before any limit was known, by the limit learnt since.
        executor.tighten(deadline=deadline, max_eval_time=executor.max_eval_time)
        room = min(executor.capacity - len(in_flight),
                   budget.trials_left(len(trials)) - len(in_flight))
        generation = first + len(logbook)
        if budget.max_generations is not None and generation >= budget.max_generations:
            room = 0
        if room > 0 and budget.seconds_left(reserve) > 0 and not _hopeless(trials):
            busy = set(in_flight.values())
            genomes = strategy.ask(int(room), lambda g, busy=busy: g not in evaluated
                                   and g not in busy)
            for genome in genomes:
                in_flight[executor.submit(record.item(genome), deadline=deadline)] = genome
        if not in_flight:
            break
        for ticket, result in executor.collect():
            in_flight.pop(ticket)
            if result is None:
                continue
            trial = record(result, generation)
            strategy.tell([trial])
            block.append(trial)
            size = batch_size() if callable(batch_size) else batch_size
            if len(block) >= size:
                _log_generation(logbook, on_generation, generation, block, trials, started)
                block = []
                generation += 1
    if block:
        _log_generation(logbook, on_generation, first + len(logbook), block, trials, started)
