"""A search's report: one self-contained HTML file (plots embedded as PNG, no scripts, no
external files), readable offline and attachable to an e-mail or a ticket."""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from automl.evaluation import COSTS, Trial, check_secondary_objectives
from automl.search import front_costs, pareto_front, trial_cost
from automl.space import MODEL_SLOT
from automl.trials._frame import leaderboard
from automl.trials._importance import trial_importance
from automl.trials._project import (
    BEHAVIOUR_FILE,
    CHECKS_FILE,
    SELECTION_FILE,
    write_atomically,
)
from automl.trials._store import TrialStore

REPORT_NAME = "report.html"

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1f2328; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #57606a; } .cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; }
th { background: #f6f8fa; } img { max-width: 100%; } .row { display: flex; gap: 1rem; }
.row > div { flex: 1; min-width: 0; } .scroll { overflow-x: auto; }
"""


def _figure_tag(figure, alt: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _plots(trials: list[Trial], objective: str, costs: Sequence[str],
           importance: pd.DataFrame, chosen: int | None) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    ok = [t for t in trials if t.ok]
    start = min((t.started_at for t in trials if t.started_at), default=0.0)
    plots = {}

    # best score over evaluations and over time
    figure, (by_count, by_time) = plt.subplots(1, 2, figsize=(10, 3.4))
    ordered = sorted(trials, key=lambda t: t.number)
    best, curve = -math.inf, []
    for trial in ordered:
        if trial.ok:
            best = max(best, trial.score)
        curve.append(best if best > -math.inf else np.nan)
    by_count.scatter([t.number for t in ok], [t.score for t in ok], s=10, alpha=.35,
                     color="#8c959f", label="trial")
    by_count.step([t.number for t in ordered], curve, where="post", color="#0969da", label="best")
    by_count.set(xlabel="evaluations", ylabel=objective, title="Best score over evaluations")
    by_count.legend(loc="lower right")
    timed = sorted(ok, key=lambda t: t.finished_at)
    best, times, values = -math.inf, [], []
    for trial in timed:
        best = max(best, trial.score)
        times.append(trial.finished_at - start)
        values.append(best)
    by_time.step(times, values, where="post", color="#0969da")
    by_time.set(xlabel="seconds since the first trial (all runs)", ylabel=objective,
                title="Best score over time")
    plots["progress"] = _figure_tag(figure, "best score over evaluations and over time")

    # score distribution per generation
    generations = sorted({t.generation for t in ok})
    if generations:
        figure, axis = plt.subplots(figsize=(10, 3.2))
        data = [[t.score for t in ok if t.generation == g] for g in generations]
        axis.boxplot(data, positions=range(len(generations)), widths=.6)
        axis.set_xticks(range(len(generations)), [str(g) for g in generations])
        axis.set(xlabel="generation", ylabel=objective, title="Scores per generation")
        plots["generations"] = _figure_tag(figure, "score distribution per generation")

    # hyperparameter importance, one panel per family (the cross-family one first)
    families = list(dict.fromkeys(importance["family"])) if len(importance) else []
    if families:
        shown = families[:6]
        figure, axes = plt.subplots(len(shown), 1, figsize=(10, 1.0 + 0.32 * sum(
            min(8, int((importance["family"] == f).sum())) for f in shown) + 0.6 * len(shown)),
            squeeze=False)
        for axis, family in zip(axes[:, 0], shown):
            rows = importance[importance["family"] == family].head(8).iloc[::-1]
            colors = ["#0969da" if kind == "main" else "#bf8700" for kind in rows["kind"]]
            axis.barh(rows["hyperparameter"], rows["importance"], xerr=rows["std"],
                      color=colors, error_kw={"ecolor": "#afb8c1", "lw": 1})
            axis.set_xlim(0, min(1.0, max(0.05, float(rows["importance"].max()) * 1.25)))
            label = ("model and pipeline structure, across families" if family == "all"
                     else family)
            axis.set_title(f"{label} ({int(rows['trials'].iloc[0])} trials)", fontsize=10)
        axes[-1, 0].set_xlabel("fraction of score variance (blue: alone, amber: pair; grey: "
                               "spread over the surrogate's trees)")
        figure.tight_layout()
        plots["importance"] = _figure_tag(figure, "hyperparameter importance")

    # the score against each cost, with that pair's front and the model chosen
    measured = [name for name in costs if pareto_front(ok, (name,))]
    if measured:
        figure, axes = plt.subplots(1, len(measured), figsize=(4.6 * len(measured), 3.8),
                                    squeeze=False)
        for axis, name in zip(axes[0], measured):
            points = [t for t in ok if math.isfinite(trial_cost(t, name))]
            front = sorted(pareto_front(points, (name,)), key=lambda t: trial_cost(t, name))
            cost = np.array([trial_cost(t, name) for t in points])
            axis.scatter(cost, [t.choice_score for t in points], s=12, alpha=.4,
                         color="#8c959f",
                         label="trials")
            axis.plot([trial_cost(t, name) for t in front], [t.choice_score for t in front], "o-",
                      color="#cf222e", label="Pareto front")
            for trial in points:
                if trial.number == chosen:
                    axis.scatter([trial_cost(trial, name)], [trial.choice_score], s=160,
                                 marker="*",
                                 color="#0969da", zorder=3, label="chosen")
            axis.set(xlabel=name, ylabel=objective, title=f"Score against {name}")
            if np.all(cost > 0) and cost.max() / cost.min() > 100:
                axis.set_xscale("log")
            axis.legend(loc="lower right", fontsize=8)
        figure.tight_layout()
        plots["pareto"] = _figure_tag(figure, "score against each cost, with the Pareto fronts")
    return plots


def _front_table(trials: list[Trial], costs: Sequence[str], chosen: int | None) -> pd.DataFrame:
    return pd.DataFrame([{"trial": t.number, "chosen": "\u2605" if t.number == chosen else "",
                          "model": t.genome.describe()[MODEL_SLOT], "score": t.choice_score,
                          **{name: trial_cost(t, name) for name in costs}}
                         for t in pareto_front(trials, costs)])


def _table(frame: pd.DataFrame) -> str:
    table = frame.to_html(index=False, escape=True, border=0, na_rep="",
                          float_format=lambda v: f"{v:.4g}")
    return f"<div class='scroll'>{table}</div>"  # wide leaderboards scroll, the page does not


def render_report(trials: Sequence[Trial], *, objective: str = "score", title: str = "Search",
                  secondary_objectives: Sequence[str] = (), runs: Sequence[dict] = (),
                  importance: pd.DataFrame | None = None,
                  checks: pd.DataFrame | None = None,
                  behaviour: Sequence[dict] = (), chosen: int | None = None,
                  splits: str | None = None) -> str:
    """The report's HTML text (see ``write_report``); ``checks``: the data checks' findings
    (``None``: not known, no section); ``behaviour``: the summaries of the behaviour tests run
    on the model (``automl.checks.invariance``, ...); ``chosen``: the number of the trial that
    was refit, if one alone was; ``splits``: how the rows were split, in words."""
    trials = list(trials)
    if not trials:
        raise ValueError("the search has no trials yet: there is nothing to report.")
    if importance is None:
        importance = trial_importance(trials)
    costs = front_costs(secondary_objectives)
    plots = _plots(trials, objective, costs, importance, chosen)
    board = leaderboard(trials)
    ok = [t for t in trials if t.ok]
    best = max(ok, key=lambda t: t.score) if ok else None
    failures = Counter((t.status.value, t.reason) for t in trials if not t.ok)
    screened = sum(n for (status, _), n in failures.items() if status == "screened")
    failure_table = pd.DataFrame([{"status": s, "reason": r, "trials": n}
                                  for (s, r), n in failures.most_common()])
    columns = [c for c in board.columns if c not in ("key", "finished_at", "worker")]
    top = board[columns].head(20).dropna(axis=1, how="all")
    seconds = sum(run.get("elapsed", 0.0) for run in runs)
    cards = [("best " + objective, f"{best.score:.4f}" if best else "–"),
             ("best model", best.genome.describe()[MODEL_SLOT] if best else "–"),
             ("trials", str(len(trials))), ("failed", str(len(trials) - len(ok) - screened)),
             ("generations", str(len({t.generation for t in trials}))),
             ("runs", str(len(runs)) if runs else "1")]
    if screened:
        cards.insert(4, ("screened", str(screened)))
    if seconds:
        cards.append(("wall time", f"{seconds:.0f} s"))
    if splits:
        cards.append(("splits", splits))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}: automl report</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>automl search report, written {time.strftime('%Y-%m-%d %H:%M')}</p>",
        "<div class='cards'>" + "".join(f"<div class='card'>{html.escape(k)}<b>{html.escape(v)}"
                                        "</b></div>" for k, v in cards) + "</div>",
    ]
    if checks is not None:
        parts.append("<h2>Data checks</h2>" + (
            _table(checks[["severity", "check", "message"]]) if len(checks)
            else "<p>No finding: no leak, identifier, duplicate, constant column, severe "
                 "imbalance or index-like target was found.</p>"))
    if best:
        parts.append("<h2>Best pipeline</h2>" + _table(pd.DataFrame(
            [{"setting": k, "value": "" if v is None else str(v)}
             for k, v in best.genome.describe().items()])))
    parts.append("<h2>Progress</h2>" + plots["progress"])
    if "generations" in plots:
        parts.append(plots["generations"])
    parts.append("<h2>Leaderboard (top 20)</h2>" + _table(top))
    parts.append("<h2>Which hyperparameters mattered</h2>")
    if "importance" in plots:
        parts.append("<p class='meta'>Functional ANOVA (Hutter et al. 2014) of a random-forest "
                     "surrogate of the score: the share of the score's variance each "
                     "hyperparameter explains alone, and each pair together beyond that, "
                     "within each model family.</p>" + plots["importance"])
    else:
        parts.append("<p>Too few successful trials per model family to analyse (10 needed).</p>")
    if "pareto" in plots:
        parts.append("<h2>Score against costs</h2><p class='meta'>Each cost as measured on "
                     "the first fold's model: " + "; ".join(
                         f"{name}: {html.escape(COSTS.get(name, 'total fit time'))}"
                         for name in costs) + ". The table is the front over the score and "
                     "all of them at once; the star marks the model refit.</p>"
                     + plots["pareto"] + _table(_front_table(trials, costs, chosen)))
    if behaviour:
        parts.append("<h2>Behaviour tests</h2>" + _table(pd.DataFrame(list(behaviour))))
    parts.append("<h2>Failures</h2>" + (_table(failure_table) if len(failure_table)
                                        else "<p>No trial failed.</p>"))
    if runs:
        run_rows = pd.DataFrame([{
            "run": r["run"], "status": r["status"],
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["started_at"])),
            "seconds": r["elapsed"], "host": r.get("host"),
            "versions": ", ".join(f"{k} {v}" for k, v in r.get("versions", {}).items())}
            for r in runs])
        parts.append("<h2>Runs</h2>" + _table(run_rows))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(source, path: str | os.PathLike | None = None) -> Path:
    """Writes the HTML report of a search and returns its path.

    Args:
        source: a project folder (``directory/project_name``) or a fitted ``AutoModel``.
        path: where to write (default: ``report.html`` in the project folder; required for a
            fitted model that kept no project folder).
    """
    if isinstance(source, str | os.PathLike):
        folder = Path(source)
        with TrialStore.open_existing(folder) as store:
            trials, settings, runs = store.trials(), store.project(), store.runs()
        checks_file, behaviour_file = folder / CHECKS_FILE, folder / BEHAVIOUR_FILE
        selection_file = folder / SELECTION_FILE
        text = render_report(trials, objective=settings.get("objective", "score"),
                             title=folder.name, runs=runs,
                             secondary_objectives=settings.get("secondary_objectives", ()),
                             checks=(pd.read_json(checks_file, orient="records")
                                     if checks_file.is_file() else None),
                             behaviour=(json.loads(behaviour_file.read_text())
                                        if behaviour_file.is_file() else ()),
                             chosen=(json.loads(selection_file.read_text())["trial"]
                                     if selection_file.is_file() else None),
                             splits=settings.get("splits"))
        target = Path(path) if path is not None else folder / REPORT_NAME
    elif hasattr(source, "trials_"):
        folder = getattr(source, "project_folder", None)
        if folder is not None and TrialStore.exists_in(folder):
            return write_report(folder, path)  # the stored trials, runs included
        if path is None:
            raise ValueError("this model kept no project folder: pass path='report.html'.")
        text = render_report(source.trials_, objective=source.objective_,
                             title=type(source).__name__,
                             secondary_objectives=check_secondary_objectives(
                                 source.secondary_objectives),
                             checks=getattr(source, "checks_", None),
                             behaviour=getattr(source, "behaviour_tests_", ()),
                             chosen=(None if getattr(source, "ensemble_", None) is not None
                                     else source.best_trial_.number))
        target = Path(path)
    else:
        raise TypeError(f"write_report() takes a project folder or a fitted AutoModel; "
                        f"received {type(source).__name__}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda partial: partial.write_text(text, encoding="utf-8"))
    return target
