"""The anytime curve of a search: its best CV score so far at fractions of the budget, and
the comparison of those curves across runs of the suite (strategies at equal time)."""

from __future__ import annotations

import warnings

import numpy as np

#: When the curve is read, as fractions of the time budget.
FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)


def anytime_curve(model, budget: float) -> list[float | None]:
    """The best CV score among ``model``'s trials scored on every fold that had finished at
    each of ``FRACTIONS`` of ``budget`` seconds after the first trial started (``None`` before
    any had)."""
    trials = [t for t in model.trials_ if t.ok and t.finished_at > 0]
    if not trials:
        return [None] * len(FRACTIONS)
    folds = max(len(t.fold_scores) for t in trials)
    complete = [t for t in trials if len(t.fold_scores) == folds]
    start = min(t.started_at for t in model.trials_ if t.started_at > 0)
    curve = []
    for fraction in FRACTIONS:
        done = [t.score for t in complete if t.finished_at - start <= fraction * budget]
        curve.append(max(done) if done else None)
    return curve


def print_anytime(paths, runs: list[list[dict]], key) -> None:
    """For each file, the mean over the runs every file holds of how far its best CV score so
    far lies below the best final one of all files on that run (0: as good as the best)."""
    with_curves = [{key(r): r["anytime"] for r in records if r.get("anytime")}
                   for records in runs]
    common = set.intersection(*(set(curves) for curves in with_curves))
    if not common:
        return
    print(f"anytime: mean shortfall of the best CV score so far from the best final one "
          f"({len(common)} runs), at " + ", ".join(f"{f:.0%}" for f in FRACTIONS)
          + " of the budget (missing: nothing finished yet)")
    for path, curves in zip(paths, with_curves):
        shortfalls = []
        for run in sorted(common):
            best = max(c[-1] for c in (other[run] for other in with_curves) if c[-1] is not None)
            shortfalls.append([np.nan if v is None else best - v for v in curves[run]])
        shortfalls = np.asarray(shortfalls, dtype=float)
        with warnings.catch_warnings():  # a fraction at which no run had finished: nan
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(shortfalls, axis=0)
        missing = np.isnan(shortfalls).sum(axis=0)
        print(f"  {path.stem}: " + ", ".join(
            f"{m:.4f}" + (f" ({k} missing)" if k else "") for m, k in zip(means, missing)))
