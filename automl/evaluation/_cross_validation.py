"""k-fold cross-validation of one genome, in whatever process runs it."""

from __future__ import annotations

import os
import pickle
import sys
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import KFold, StratifiedKFold

from automl.data import Task, TrainingData
from automl.evaluation._folds import run_folds
from automl.evaluation._objectives import objective_vector
from automl.evaluation._trial import Status, Trial, describe_error
from automl.genome import Genome
from automl.pipeline import build_pipeline
from automl.runtime import deadline_scope
from automl.space import SearchSpace

#: The pipeline's table check and column stage (imputer, encoder): see ``build_pipeline``.
PREFIX_STEPS = 2
#: Cached column-stage outputs per process (a fold's worth each); oldest dropped first.
CACHE_ENTRIES = 64


def fold_indices(y: np.ndarray, n_splits: int, seed: int, *, stratify: bool) -> tuple:
    """Shuffled k-fold splits of ``len(y)`` rows as index arrays, stratified on ``y`` (class
    labels) when ``stratify``."""
    splitter = (StratifiedKFold if stratify else KFold)(n_splits=n_splits, shuffle=True,
                                                        random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class smaller than n_splits is allowed
        return tuple(splitter.split(np.zeros((len(y), 1)), y))


def make_folds(data: TrainingData, n_splits: int, seed: int) -> tuple:
    """Shuffled k-fold splits, stratified for classification, as index arrays."""
    return fold_indices(data.y, n_splits, seed,
                        stratify=data.spec.task is Task.CLASSIFICATION)


def current_worker() -> str:
    """The name of the process running this code: a local worker, a Dask worker, or main."""
    if "AUTOML_WORKER" in os.environ:
        return os.environ["AUTOML_WORKER"]
    if "distributed" in sys.modules:
        try:
            return str(sys.modules["distributed"].get_worker().address)
        except ValueError:  # not inside a Dask worker
            pass
    return "main"


@dataclass(frozen=True)
class CrossValidation:
    """Scores genomes by k-fold cross-validation; picklable, so workers can run it.

    Calling it with a genome returns a ``Trial``, or ``None`` when the deadline had already
    passed before the first fold (then nothing was evaluated).
    """

    data: TrainingData
    space: SearchSpace
    folds: tuple
    scoring: str
    seed: int
    secondary_objectives: tuple[str, ...] = ()
    cache_preprocessing: bool = True
    #: Keras network candidates are scored on the first this many folds only (``None``: all).
    network_folds: int | None = None
    # Per process (each worker fills its own): (fold, hash of the unfitted column stage) -> its
    # output on that fold's training and validation rows. Those first two pipeline steps
    # (table check + imputer/encoder, or documents + vectorizer) depend on nothing else, so
    # every candidate that shares them reuses the work.
    _prefix_cache: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)

    def _prefix(self, fold: int, template, prefix_key: str, train, validation):
        """``(train features, validation features, seconds spent now)`` after the table and
        column steps: ``fit_transform`` on the training rows and ``transform`` on the
        validation rows, as ``Pipeline.fit`` and ``predict`` would do."""
        key = (fold, prefix_key)
        if self.cache_preprocessing and key in self._prefix_cache:
            self._prefix_cache.move_to_end(key)
            return (*self._prefix_cache[key], 0.0)
        tic = time.perf_counter()
        prefix = clone(template[:PREFIX_STEPS])
        train_features = prefix.fit_transform(self.data.x.iloc[train], self.data.y[train])
        validation_features = prefix.transform(self.data.x.iloc[validation])
        spent = time.perf_counter() - tic
        if self.cache_preprocessing:
            self._prefix_cache[key] = (train_features, validation_features)
            while len(self._prefix_cache) > CACHE_ENTRIES:
                self._prefix_cache.popitem(last=False)
        return train_features, validation_features, spent

    def _has_network(self, genome: Genome) -> bool:
        """Whether a block of ``genome`` is a Keras network (its tags say so)."""
        return any(self.space.slot(slot).option(gene.block).block_class.tags.keras_network
                   for slot, genes in genome.slots for gene in genes)

    def __call__(self, genome: Genome, deadline: float | None = None) -> Trial | None:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        started_at = time.time()
        scorer = get_scorer(self.scoring)
        fit_seconds, predict_seconds, model_size = 0.0, 0.0, 0
        scores: list[float] = []
        folds = self.folds

        def finish(status: Status, reason: str = "") -> Trial:
            objectives = None
            if status is Status.OK:
                objectives = objective_vector(
                    np.mean(scores), self.secondary_objectives, fit_seconds=fit_seconds,
                    predict_seconds=predict_seconds, model_size=model_size,
                    validation_rows=sum(len(validation) for _, validation in folds))
            return Trial(genome, status, objectives, tuple(scores), fit_seconds,
                         predict_seconds, reason, started_at=started_at,
                         finished_at=time.time(), worker=current_worker())

        try:
            template = build_pipeline(genome, self.space, self.data.spec, seed=self.seed)
        except Exception as error:
            return finish(Status.FAILED, describe_error(error))
        y = self.data.y
        prefix_key = joblib.hash(template[:PREFIX_STEPS])  # equal unfitted steps, equal output
        if self.network_folds is not None and self._has_network(genome):
            folds = folds[:self.network_folds]

        def fit_and_score(index: int, train, validation) -> tuple[float]:
            nonlocal fit_seconds, predict_seconds, model_size
            rest = clone(template[PREFIX_STEPS:])
            train_features, validation_features, spent = self._prefix(
                index, template, prefix_key, train, validation)
            tic = time.perf_counter()
            with deadline_scope(deadline):  # networks stop themselves at it
                rest.fit(train_features, y[train])
            toc = time.perf_counter()
            score = float(scorer(rest, validation_features, y[validation]))
            predict_seconds += time.perf_counter() - toc
            fit_seconds += toc - tic + spent
            if index == 0 and "model_size" in self.secondary_objectives:
                model_size = len(pickle.dumps(rest)) + len(pickle.dumps(template[:PREFIX_STEPS]))
            return (score,)

        status, reason, finished = run_folds(folds, deadline, fit_and_score)
        scores = [fold[0] for fold in finished]
        return finish(status, reason)
