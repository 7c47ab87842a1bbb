"""What ``fit`` shows while it searches: a live status line in a terminal (rich), plain lines
otherwise (CI logs, files, notebooks' captured output), nothing with ``verbose=0``."""

from __future__ import annotations

import math
import sys
import time

from automl.evaluation import Status, Trial


def _apart(failed: int, screened: int) -> str:
    """``"2 failed"``, or ``"2 failed, 9 screened"`` when screening stopped some."""
    return f"{failed} failed" + (f", {screened} screened" if screened else "")


class Progress:
    """Follows a search: elapsed and remaining budget, evaluations, failures, best score,
    generation.

    Args:
        verbose: 0 silent; 1 a live line in a terminal, else one line per generation; 2 also a
            line per trial.
        objective: the metric's name, for display.
        time_budget: seconds for the whole fit (``None``: no time limit).
        max_trials: trials allowed (``None``: no limit).
        stream: where to write (standard output by default).
    """

    def __init__(self, verbose: int, objective: str, time_budget: float | None,
                 max_trials: int | None, stream=None):
        self.verbose = verbose
        self.objective = objective
        self.time_budget = time_budget
        self.max_trials = max_trials
        self.stream = stream if stream is not None else sys.stdout
        self.started = time.monotonic()
        self.evaluated = self.failed = self.screened = 0
        self.best = -math.inf
        self.generation = 0
        self._live = None
        self._task = None

    @property
    def interactive(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def start(self, previous: list[Trial], spent_seconds: float = 0.0) -> None:
        """Begins the display; ``previous`` are the trials of earlier runs (resuming)."""
        self.started = time.monotonic() - spent_seconds
        for trial in previous:
            self._count(trial)
        if previous:
            self.line(f"resuming: {len(previous)} trials stored, best {self.objective} "
                      f"{self.best:.4f}, {spent_seconds:.1f} s of the budget used")
        if self.verbose and self.interactive:
            from rich.console import Console
            from rich.progress import BarColumn, ProgressColumn, TextColumn
            from rich.progress import Progress as RichProgress
            from rich.text import Text

            status = self._status

            class StatusColumn(ProgressColumn):  # recomputed at every refresh: the clock ticks
                def render(self, task):
                    return Text(status())

            self._live = RichProgress(
                TextColumn("[bold]search[/bold]"), BarColumn(), StatusColumn(),
                console=Console(file=self.stream), transient=True, refresh_per_second=4)
            self._task = self._live.add_task("search", total=self._total())
            self._live.start()

    def _total(self) -> float | None:
        return self.time_budget if self.time_budget else self.max_trials

    def _count(self, trial: Trial) -> None:
        self.evaluated += 1
        screened = trial.status is Status.SCREENED
        self.screened += screened
        self.failed += not trial.ok and not screened
        if trial.ok and trial.score > self.best:
            self.best = trial.score
        self.generation = max(self.generation, trial.generation)

    def _status(self, *, generation: bool = True) -> str:
        elapsed = time.monotonic() - self.started
        left = "" if not self.time_budget else f", {max(self.time_budget - elapsed, 0):.0f} s left"
        best = "-" if self.best == -math.inf else f"{self.best:.4f}"
        return ((f"generation {self.generation} · " if generation else "")
                + f"{self.evaluated} evaluated ({_apart(self.failed, self.screened)}) · best "
                f"{self.objective} "
                f"{best} · {elapsed:.0f} s elapsed{left}")

    def on_trial(self, trial: Trial) -> None:
        self._count(trial)
        if self.verbose >= 2:
            result = f"{trial.score:.4f}" if trial.ok else f"{trial.status.value}: {trial.reason}"
            self.line(f"trial {trial.number}: {trial.genome.describe().get('model')} -> {result}")
        self._refresh()

    def on_generation(self, record: dict) -> None:
        if self._live is None:
            self.line(f"generation {record['generation']}: {record['evaluations']} new "
                      f"({_apart(record['failed'], record['screened'])}) · "
                      f"{self._status(generation=False)}")

    def _refresh(self) -> None:
        if self._live is not None:
            done = (time.monotonic() - self.started if self.time_budget else self.evaluated)
            self._live.update(self._task, completed=done)

    def refit_choice(self, result, refit_seconds) -> None:
        """Says so when the top trial is passed over because its refit would overrun the
        time budget (``automl.search.affordable_best``)."""
        top, chosen = result.top, result.best
        if top is not None and chosen is not top and not chosen.confirmed:
            self.line(f"the top candidate (CV {top.score:.4f}) would take about "
                      f"{refit_seconds(top):.0f} s to refit, more than the time budget leaves: "
                      f"refitting the best one that fits (CV {chosen.score:.4f})")

    def line(self, message: str) -> None:
        """A line of its own (above the live line in a terminal)."""
        if not self.verbose:
            return
        if self._live is not None:
            self._live.console.print(message, highlight=False, markup=False)
        else:
            print(message, file=self.stream, flush=True)

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
