"""The suite's figures from its records (one per table, split and search seed): ranks, automl's
wins/ties/losses against each baseline, its shortfalls from the best default model, the gap
between the score it reported and its test score, and each table's mean and spread."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import rankdata

from _anytime import print_anytime

#: Scores this close count as a tie.
TIE = 1e-4
#: A run "misses" when automl scores below the best default model by more than this.
MISS = 0.01
BASELINES = ("hgb", "rf", "lgbm")


def read_records(path: Path) -> list[dict]:
    """The records of a suite run (JSON lines; the older one-JSON form is read too)."""
    text = path.read_text()
    if text.lstrip().startswith("{\n") or text.lstrip().startswith('{"summary"'):
        try:
            return json.loads(text)["records"]
        except (json.JSONDecodeError, KeyError):
            pass
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run_key(record: dict) -> tuple[str, int, int]:
    """Which run a record is: (table, split, seed)."""
    return record["table"], record.get("split", 0), record.get("seed", 0)


def rank_runs(records: list[dict]) -> list[str]:
    """Sets each record's ``ranks`` (higher score, better rank; within ``TIE``, shared);
    returns the systems, automl first."""
    systems = sorted({s for r in records for s in r["scores"]}, key=lambda s: s != "automl")
    for record in records:
        present = [s for s in systems if s in record["scores"]]
        rounded = [-round(record["scores"][s] / TIE) for s in present]
        record["ranks"] = {s: float(rank) for s, rank in
                           zip(present, rankdata(rounded, method="average"))}
    return systems


def summarize(records: list[dict], label: str = "") -> dict:
    """Mean rank of each system over runs, automl's wins/ties/losses per baseline, its misses
    (runs below the best default by more than ``MISS``), the mean gap between its reported
    CV score and its test score, and the budget's worst overshoot."""
    systems = rank_runs(records)
    versus = {s: [0, 0, 0] for s in systems if s != "automl"}
    for record in records:
        scores = record["scores"]
        for baseline in versus:
            if baseline in scores:
                difference = scores["automl"] - scores[baseline]
                versus[baseline][0 if difference > TIE else 1 if difference >= -TIE else 2] += 1
    misses = [run_key(r) for r in records
              if r["scores"]["automl"] < max(r["scores"][b] for b in BASELINES
                                             if b in r["scores"]) - MISS]
    gaps = [r["reported"] - r["scores"]["automl"] for r in records
            if r.get("reported") is not None]
    return {"label": label, "runs": len(records),
            "tables": len({r["table"] for r in records}),
            "mean_rank": {s: float(np.mean([r["ranks"][s] for r in records if s in r["ranks"]]))
                          for s in systems},
            "wins_ties_losses": {b: tuple(v) for b, v in versus.items()},
            "misses": misses,
            "reported_minus_test": float(np.mean(gaps)) if gaps else None,
            "reported_minus_test_std": float(np.std(gaps)) if gaps else None,
            "overshoot_max": max((r["overshoot"] for r in records if "overshoot" in r),
                                 default=None),
            "candidates_median": float(np.median([r["candidates"] for r in records
                                                  if "candidates" in r] or [np.nan]))}


def per_table(records: list[dict]) -> dict[str, dict]:
    """Per table: each system's mean and standard deviation over its runs, and automl's mean
    rank, worst overshoot and median candidates."""
    grouped = defaultdict(list)
    for record in records:
        grouped[record["table"]].append(record)
    table = {}
    for name, runs in grouped.items():
        systems = sorted({s for r in runs for s in r["scores"]}, key=lambda s: s != "automl")
        table[name] = {
            "rows": runs[0]["rows"], "runs": len(runs),
            "scores": {s: (float(np.mean([r["scores"][s] for r in runs])),
                           float(np.std([r["scores"][s] for r in runs]))) for s in systems},
            "rank": float(np.mean([r["ranks"]["automl"] for r in runs])),
            "overshoot": max(r.get("overshoot", np.nan) for r in runs),
            "candidates": float(np.median([r.get("candidates", np.nan) for r in runs])),
            "best": sorted({r.get("best", "") for r in runs})}
    return table


def print_report(records: list[dict], summary: dict, note: str = "") -> None:
    """Per table mean ± std over runs (and automl's mean rank), then the summary."""
    systems = list(summary["mean_rank"])
    print(f"{'table':<34} {'rows':>6} {'n':>2} " + " ".join(f"{s:>16}" for s in systems)
          + f" {'rank':>5} {'over':>6} {'cands':>6}  best")
    for name, row in per_table(records).items():
        cells = " ".join(f"{row['scores'][s][0]:8.4f}±{row['scores'][s][1]:.4f}"
                         if s in row["scores"] else f"{'-':>16}" for s in systems)
        print(f"{name[:34]:<34} {row['rows']:>6} {row['runs']:>2} {cells} {row['rank']:5.2f} "
              f"{row['overshoot']:+6.1%} {row['candidates']:>6.0f}  {', '.join(row['best'])[:60]}")
    print(f"{summary['runs']} runs on {summary['tables']} tables{note}")
    print("mean rank: " + ", ".join(f"{s} {v:.2f}" for s, v in summary["mean_rank"].items()))
    print("automl wins/ties/losses: " + ", ".join(
        f"vs {b} {w}/{t}/{lo}" for b, (w, t, lo) in summary["wins_ties_losses"].items()))
    print(f"runs below the best default model by more than {MISS}: {len(summary['misses'])} "
          f"{summary['misses']}")
    if summary["reported_minus_test"] is not None:
        print(f"mean (reported CV score - test score) of automl's model: "
              f"{summary['reported_minus_test']:+.4f} (std "
              f"{summary['reported_minus_test_std']:.4f})")
    if summary["overshoot_max"] is not None:
        print(f"budget overshoot at most {summary['overshoot_max']:+.1%}; median candidates "
              f"{summary['candidates_median']:.0f}")


def compare(paths: list[Path]) -> None:
    """automl's mean score per table in each run, then each run's summary over the runs
    (table, split, seed) that every file holds, so that a run still going is compared on what
    it has done."""
    runs = [read_records(path) for path in paths]
    common = set.intersection(*({run_key(r) for r in records} for records in runs))
    if not common:
        sys.exit("--compare: the files hold no run (table, split, seed) in common.")
    tables = list(dict.fromkeys(r["table"] for records in runs for r in records))
    print(f"{'table':<40} " + " ".join(f"{path.stem[:22]:>22}" for path in paths))
    for name in tables:
        cells = []
        for records in runs:
            found = [r["scores"]["automl"] for r in records
                     if r["table"] == name and run_key(r) in common]
            cells.append(f"{np.mean(found):>14.4f}±{np.std(found):.4f}" if found
                         else f"{'-':>22}")
        print(f"{name[:40]:<40} " + " ".join(cells))
    first = {run_key(r): r["scores"]["automl"] for r in runs[0]}
    for path, records in zip(paths[1:], runs[1:]):
        paired = [r["scores"]["automl"] - first[run_key(r)] for r in records
                  if run_key(r) in common]
        print(f"{path.stem} against {paths[0].stem} (same table, split and seed): better "
              f"{sum(d > TIE for d in paired)}, tied {sum(abs(d) <= TIE for d in paired)}, "
              f"worse {sum(d < -TIE for d in paired)}; mean difference {np.mean(paired):+.4f}")
    by_run = [{run_key(r): r["scores"]["automl"] for r in records} for records in runs]
    ranks = rankdata([[scores[key] for scores in by_run] for key in sorted(common)],
                     axis=1).mean(axis=0)  # rank 1: the lowest score, so reversed below
    print("mean rank among the files (1: best): " + ", ".join(
        f"{path.stem} {len(paths) + 1 - rank:.2f}" for path, rank in zip(paths, ranks)))
    print(f"over the {len(common)} runs every file holds:")
    for path, records in zip(paths, runs):
        summary = summarize([r for r in records if run_key(r) in common])
        print(f"{path.stem}: mean rank " + ", ".join(
            f"{s} {v:.2f}" for s, v in summary["mean_rank"].items()) + "; automl W/T/L "
            + ", ".join(f"vs {b} {'/'.join(map(str, v))}"
                        for b, v in summary["wins_ties_losses"].items())
            + f"; misses {len(summary['misses'])}; reported - test "
            + (f"{summary['reported_minus_test']:+.4f} (std "
               f"{summary['reported_minus_test_std']:.4f})"
               if summary["reported_minus_test"] is not None else "-")
            + ("" if summary["overshoot_max"] is None else
               f"; overshoot at most {summary['overshoot_max']:+.1%}, median candidates "
               f"{summary['candidates_median']:.0f}"))
    print_anytime(paths, runs, run_key)


def with_peers(path: Path, peers: Path) -> None:
    """A stored run's records on split 0 (the peers' split) with the peers' scores (the JSON
    lines of ``../shared/peers``, same budget) added as systems: ranks per run, mean over
    runs."""
    records = [r for r in read_records(path) if r.get("split", 0) == 0]
    budget = records[0]["budget"]
    found: dict[str, dict[str, float]] = {}
    for line in peers.read_text().splitlines():
        peer = json.loads(line)
        if peer.get("metrics") and peer["budget"] == budget:
            metric = "r2" if peer["task"] == "regression" else "balanced_accuracy"
            found.setdefault(peer["dataset"], {})[peer["system"]] = peer["metrics"][metric]
    joined = [{**r, "scores": {**r["scores"], **found[r["table"]]}} for r in records
              if r["table"] in found]
    if not joined:
        raise SystemExit(f"no table of {path} is in {peers} at budget {budget}")
    print_report(joined, summarize(joined), f" (split 0, with {peers})")
