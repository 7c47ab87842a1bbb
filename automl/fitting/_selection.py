"""Which trial ``select`` refits in place of the served model: one by number, or the best
within cost limits and a refit time."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from automl.evaluation import Trial
from automl.search import CostLimits, nothing_within


def trial_numbered(trials: Sequence[Trial], number: int) -> Trial:
    """The successful trial ``number`` of ``trials``; an error naming the choices if none."""
    found = [t for t in trials if t.number == number and t.ok]
    if not found:
        ok = sorted(t.number for t in trials if t.ok)
        raise ValueError(f"trial={number!r} is not a successful trial of this search; choose "
                         f"one of {ok[:20]}{' ...' if len(ok) > 20 else ''} (see "
                         "leaderboard_ or pareto_front_).")
    return found[0]


def chosen_trial(trials: Sequence[Trial], number: int | None, limits: CostLimits,
                 time_budget: float | None, refit_time: Callable[[Trial], float]) -> Trial:
    """What ``select`` refits: trial ``number``, or the best trial within the cost ``limits``
    whose refit is expected (``refit_time``) within ``time_budget``; an error naming the
    choices when there is none."""
    if number is not None:
        if limits:
            raise ValueError("select() takes trial= or limits (max_latency_ms, "
                             "max_size_mb), not both.")
        chosen = trial_numbered(trials, number)
        if time_budget is not None and refit_time(chosen) > time_budget:
            raise ValueError(f"trial {number}'s refit is expected to take "
                             f"{refit_time(chosen):.3g} s (from its cross-validated fits), "
                             f"over time_budget={time_budget:g}: pass a larger time_budget "
                             "or choose a quicker trial.")
        return chosen
    if not limits and time_budget is None:
        raise ValueError("select() needs trial= or a limit (max_latency_ms=, "
                         "max_size_mb=, time_budget=); pareto_front_ shows the choices.")
    within = [trial for trial in trials if trial.ok and limits.allows(dict(trial.costs))]
    if not within:
        raise nothing_within(limits, trials)
    chosen = limits.best([trial for trial in within
                          if time_budget is None or refit_time(trial) <= time_budget])
    if chosen is None:
        quickest = min(within, key=refit_time)
        raise ValueError(f"no candidate{' within ' + limits.describe() if limits else ''} "
                         f"is refit within time_budget={time_budget:g} (the quickest, "
                         f"trial {quickest.number}, is expected to take "
                         f"{refit_time(quickest):.3g} s): pass a larger time_budget.")
    return chosen
