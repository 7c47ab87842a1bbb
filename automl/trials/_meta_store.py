"""Warm starts from the user's own earlier searches (``meta_store=``): a JSON-lines file of
past searches — each table's meta-features and its best pipelines with their scores, nothing
of the data itself — from which a new search seeds its first generation with the pipelines
that did best on the most similar earlier tables (as auto-sklearn warm-starts from similar
datasets, Feurer et al. 2015, but learned from the user's own tables)."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np

from automl.data import ColumnKind, DataSpec
from automl.evaluation import Trial
from automl.genome import genome_in, pipeline_of
from automl.space import MODEL_SLOT, SearchSpace

#: Earlier searches a new search takes pipelines from: the most similar tables.
SIMILAR_SEARCHES = 3
#: Pipelines taken from each, and kept of each search: the best, at most two per model.
PIPELINES_PER_SEARCH = 3
PER_MODEL = 2
FORMAT_VERSION = 1


def meta_features(spec: DataSpec) -> dict[str, float]:
    """What a table is like, from its spec alone: its size (log10 rows and columns), the share
    of categorical and of text columns, log2 of its classes (0 for a regression), and whether
    values are missing."""
    kinds = spec.column_kinds
    columns = max(len(kinds), 1)
    return {"log_rows": math.log10(max(spec.n_rows, 1)), "log_columns": math.log10(columns),
            "categorical": sum(kind is ColumnKind.CATEGORICAL for kind in kinds) / columns,
            "text": sum(kind is ColumnKind.TEXT for kind in kinds) / columns,
            "log_classes": math.log2(len(spec.classes)) if spec.classes else 0.0,
            "missing": float(spec.has_missing)}


def check_meta_store(path) -> None:
    """Raises a ``ValueError`` unless ``path`` is ``None`` or a file path (it need not exist)."""
    if path is None:
        return
    if not isinstance(path, str | os.PathLike) or str(path) == "":
        raise ValueError(f"meta_store must be a file path (str or os.PathLike) or None; "
                         f"received {path!r}.")
    if Path(path).expanduser().is_dir():
        raise ValueError(f"meta_store {str(path)!r} is a folder: name a file in it, e.g. "
                         f"{str(Path(path) / 'searches.jsonl')!r}.")


class MetaStore:
    """The store at ``path``: read for a warm start, added to when a search ends."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser()

    def searches(self) -> list[dict]:
        """The stored searches; a missing store, or unreadable lines of it, are left out with
        a warning (the search goes on without them)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            warnings.warn(f"meta_store {str(self.path)!r} does not exist yet: this search "
                          "starts without a warm start and creates it when it ends.",
                          UserWarning, stacklevel=2)
            return []
        except (OSError, UnicodeDecodeError) as error:
            warnings.warn(f"meta_store {str(self.path)!r} cannot be read ({error}): this "
                          "search starts without a warm start.", UserWarning, stacklevel=2)
            return []
        searches, unreadable = [], 0
        for line in filter(str.strip, lines):
            try:
                search = json.loads(line)
                _check_search(search)
            except (ValueError, TypeError, KeyError, AttributeError):
                unreadable += 1
                continue
            searches.append(search)
        if unreadable:
            warnings.warn(f"meta_store {str(self.path)!r}: {unreadable} unreadable entr"
                          f"{'y' if unreadable == 1 else 'ies'} ignored.", UserWarning,
                          stacklevel=2)
        return searches

    def warm_start(self, space: SearchSpace, spec: DataSpec) -> tuple[SearchSpace, int]:
        """``space`` with the best pipelines of the ``SIMILAR_SEARCHES`` most similar stored
        searches of the same task put in front of its portfolio (those the space can hold),
        and how many searches they came from."""
        features = meta_features(spec)
        # the latest search of each training set: fitting one table again replaces its entry
        latest = {search.get("data_fingerprint") or index: search
                  for index, search in enumerate(self.searches())}
        same_task = [search for search in latest.values() if search["task"] == spec.task.value]
        same_task.sort(key=lambda search: _distance(features, search["meta_features"]))
        pipelines, used = [], 0
        for search in same_task[:SIMILAR_SEARCHES]:
            held = [json.dumps(entry["pipeline"], sort_keys=True)
                    for entry in search["pipelines"][:PIPELINES_PER_SEARCH]
                    if _holds(space, entry["pipeline"])]
            pipelines.extend(held)
            used += bool(held)
        portfolio = tuple(dict.fromkeys(pipelines + list(space.portfolio)))
        return dataclasses.replace(space, portfolio=portfolio), used

    def add(self, spec: DataSpec, trials: list[Trial], objective: str,
            data_fingerprint: str) -> None:
        """Appends this search (its best pipelines by score, at most ``PER_MODEL`` per model);
        a store that cannot be written is a warning, never the fit's failure."""
        best = sorted((trial for trial in trials if trial.ok and math.isfinite(trial.score)),
                      key=lambda trial: trial.choice_key, reverse=True)
        kept, per_model = [], {}
        for trial in best:
            model = trial.genome[MODEL_SLOT][0].block
            if per_model.get(model, 0) < PER_MODEL:
                per_model[model] = per_model.get(model, 0) + 1
                kept.append({"pipeline": pipeline_of(trial.genome),
                             "score": float(trial.choice_score)})
            if len(kept) == PIPELINES_PER_SEARCH:
                break
        if not kept:
            return
        record = {"version": FORMAT_VERSION, "task": spec.task.value,
                  "meta_features": meta_features(spec), "objective": objective,
                  "data_fingerprint": data_fingerprint, "pipelines": kept,
                  "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as store:
                store.write(json.dumps(record) + "\n")
        except OSError as error:
            warnings.warn(f"meta_store {str(self.path)!r} could not be written ({error}): "
                          "this search is not added to it.", UserWarning, stacklevel=2)


def _check_search(search) -> None:
    if not isinstance(search, dict) or search.get("version") != FORMAT_VERSION:
        raise ValueError("another format")
    features = search["meta_features"]
    if not isinstance(search["task"], str) or not isinstance(features, dict) or not all(
            isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) for value in features.values()):
        raise ValueError("malformed")
    if not isinstance(search["pipelines"], list) or not all(
            isinstance(entry["pipeline"], dict) for entry in search["pipelines"]):
        raise ValueError("malformed")


def _holds(space: SearchSpace, pipeline: dict) -> bool:
    """Whether ``space`` can hold ``pipeline`` (a damaged one it cannot)."""
    try:
        return genome_in(pipeline, space) is not None
    except (TypeError, ValueError, AttributeError):
        return False


def _distance(features: dict[str, float], other: dict) -> float:
    return float(np.sqrt(sum((value - float(other.get(key, 0.0))) ** 2
                             for key, value in features.items())))
