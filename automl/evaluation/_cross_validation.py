"""k-fold cross-validation of one genome, in whatever process runs it."""

from __future__ import annotations

import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field, replace

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline

from automl.data import Task, TrainingData
from automl.evaluation._costs import measure_costs
from automl.evaluation._folds import cross_validate, current_worker
from automl.evaluation._objectives import score_predictions
from automl.evaluation._screening import Candidate, rung_rows, screened_out
from automl.evaluation._trial import Status, Trial, describe_error
from automl.genome import Genome
from automl.pipeline import after_prefix, build_pipeline, class_probabilities, prefix_steps
from automl.space import SearchSpace

#: Cached column-stage outputs per process (a fold's worth each); oldest dropped first.
CACHE_ENTRIES = 64
#: Validation rows that make a score precise enough to rank candidates (±1.5 % at worst for an
#: accuracy, less near 0 or 1): on tables large enough, candidates are scored on the first folds
#: that hold this many rows, not on all ``cv`` (a holdout above ``cv`` times this, as AutoGluon
#: does on large tables), so a short budget still compares dozens of them.
VALIDATION_ROWS = 4_000


def fold_indices(y: np.ndarray, n_splits: int, seed: int, *, stratify: bool,
                 groups: np.ndarray | None = None) -> tuple:
    """Shuffled k-fold splits of ``len(y)`` rows as index arrays, stratified on ``y`` (class
    labels) when ``stratify``. ``groups``: a group number per row; rows of one group fall in
    the same fold (copies of a row are never validated against themselves)."""
    # With groups, one row per group is split (labelled as that row) and its group follows it;
    # fewer groups than folds cannot be split so: then rows are.
    first = None
    if groups is not None:
        _, first, groups = np.unique(groups, return_index=True, return_inverse=True)
    if first is None or len(first) < n_splits:
        groups, first = None, np.arange(len(y))
    # Stratifying needs a class with a member per fold (scikit-learn refuses otherwise).
    stratify = stratify and np.unique(y[first], return_counts=True)[1].max() >= n_splits
    splitter = (StratifiedKFold if stratify else KFold)(n_splits=n_splits, shuffle=True,
                                                        random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class smaller than n_splits is allowed
        splits = tuple(splitter.split(np.zeros((len(first), 1)), y[first]))
    if groups is None:
        return splits
    fold_of_group = np.empty(len(first), dtype=int)
    for fold, (_, validation) in enumerate(splits):
        fold_of_group[validation] = fold
    fold_of_row = fold_of_group[groups]
    return tuple((np.flatnonzero(fold_of_row != fold), np.flatnonzero(fold_of_row == fold))
                 for fold in range(n_splits))


def forward_folds(times: np.ndarray, n_splits: int) -> tuple:
    """Forward-chaining splits of rows in time order (``times``: each row's place): the rows
    cut into ``n_splits + 1`` consecutive blocks of about equal size (rows of one time in one
    block); a split trains on every block before one and validates on that one. The latest
    split first: it trains on the most rows, and the search scores on the first splits of
    large tables (``scored_folds``) and screens on the first one's rows."""
    distinct, counts = np.unique(times, return_counts=True)
    earlier = np.cumsum(counts) - counts  # rows before each distinct time
    block_of_time = np.minimum(earlier * (n_splits + 1) // len(times), n_splits)
    if len(np.unique(block_of_time)) < n_splits + 1:  # a time holding many rows
        block_of_time = np.arange(len(distinct)) * (n_splits + 1) // len(distinct)
    block = block_of_time[np.searchsorted(distinct, times)]
    return tuple((np.flatnonzero(block < fold), np.flatnonzero(block == fold))
                 for fold in range(n_splits, 0, -1))


def make_folds(data: TrainingData, n_splits: int, seed: int) -> tuple:
    """Shuffled k-fold splits, stratified for classification, as index arrays; each of the
    user's groups, and the copies of one record (``copied_records``), stay in one fold, so
    that neither a patient seen twice nor a record entered twice inflates the score
    (``TrainingData.split_groups``). With time order, forward-chaining splits
    (``forward_folds``; ``seed`` changes nothing)."""
    if data.times is not None:
        return forward_folds(data.times, n_splits)
    return fold_indices(data.y, n_splits, seed, stratify=data.spec.task is Task.CLASSIFICATION,
                        groups=data.split_groups())


def scored_folds(folds: tuple, validation_rows: int = VALIDATION_ROWS) -> tuple:
    """The first of ``folds`` whose validation rows add up to ``validation_rows``; all of
    them on tables too small for that."""
    total = 0
    for count, (_, validation) in enumerate(folds, start=1):
        total += len(validation)
        if total >= validation_rows:
            return folds[:count]
    return folds


def validation_rows(folds: tuple) -> np.ndarray:
    """The rows ``folds`` score candidates on, in ascending order."""
    return np.sort(np.concatenate([validation for _, validation in folds]))


@dataclass(frozen=True)
class CrossValidation:
    """Scores genomes by k-fold cross-validation; picklable, so workers can run it.

    Calling it with a genome returns a ``Trial``, or ``None`` when the deadline had already
    passed before the first fold (then nothing was evaluated). Called with a ``Candidate``
    (multi-fidelity screening, ``automl.evaluation._screening``), the genome is first fitted
    on ``rung_fractions`` of the first fold's training rows in turn, and stops as a
    ``SCREENED`` trial at the first rung whose bar it misses.
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
    #: Keep each trial's out-of-fold predictions (``Trial.predictions``) for an ensemble.
    keep_predictions: bool = False
    #: Multi-fidelity screening's shares of the first fold's training rows (``rung_fractions``).
    rung_fractions: tuple[float, ...] = ()
    # Per process (each worker fills its own): (fold, share of its training rows, hash of the
    # unfitted column stage) -> that stage fitted, and its output on that fold's training and
    # validation rows. Those first two pipeline steps (table check + imputer/encoder, or
    # documents + vectorizer) depend on nothing else, so every candidate that shares them
    # reuses the work.
    _prefix_cache: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)

    def _prefix(self, fold: tuple[int, float], template, prefix_key: str, train, validation):
        """``(the fitted steps, train features, validation features)`` of the table and
        column steps: ``fit_transform`` on the training rows and ``transform`` on the
        validation rows, as ``Pipeline.fit`` and ``predict`` would do. ``fold``: its number
        and the share of its training rows."""
        key = (*fold, prefix_key)
        if self.cache_preprocessing and key in self._prefix_cache:
            self._prefix_cache.move_to_end(key)
            return self._prefix_cache[key]
        prefix = clone(prefix_steps(template))
        train_features = prefix.fit_transform(self.data.x.iloc[train], self.data.y[train])
        validation_features = prefix.transform(self.data.x.iloc[validation])
        if self.cache_preprocessing:
            self._prefix_cache[key] = (prefix, train_features, validation_features)
            while len(self._prefix_cache) > CACHE_ENTRIES:
                self._prefix_cache.popitem(last=False)
        return prefix, train_features, validation_features

    def _has_network(self, genome: Genome) -> bool:
        """Whether a block of ``genome`` is a Keras network (its tags say so)."""
        return any(self.space.slot(slot).option(gene.block).block_class.tags.keras_network
                   for slot, genes in genome.slots for gene in genes)

    def __call__(self, item: Genome | Candidate, deadline: float | None = None
                 ) -> Trial | None:
        if deadline is not None and time.monotonic() >= deadline:
            return None
        genome, bars = (item.genome, item.bars) if isinstance(item, Candidate) else (item, ())
        try:
            template = build_pipeline(genome, self.space, self.data.spec, seed=self.seed)
        except Exception as error:
            return Trial.failed(genome, Status.FAILED, describe_error(error),
                                worker=current_worker())
        scorer = get_scorer(self.scoring)
        y = self.data.y
        prefix_key = joblib.hash(prefix_steps(template))  # equal unfitted steps, equal output
        folds = self.folds
        if self.network_folds is not None and self._has_network(genome):
            folds = folds[:self.network_folds]

        def fitter(share: float):
            def fit(index: int, train, validation):
                prefix, train_features, validation_features = self._prefix(
                    (index, share), template, prefix_key, train, validation)
                return clone(after_prefix(template)).fit(train_features, y[train]), \
                    validation_features, prefix
            return fit

        def score(fitted, validation) -> tuple[tuple[float], np.ndarray | None]:
            rest, validation_features, _ = fitted
            if self.keep_predictions:
                answered = self._answers(rest, validation_features, y[validation])
                if answered is not None:
                    return answered
            return (float(scorer(rest, validation_features, y[validation])),), None

        def costs(fitted, validation) -> dict[str, float]:
            rest, _, prefix = fitted
            model = Pipeline(prefix.steps + rest.steps)  # what the fold's rows went through
            return measure_costs(model, model.predict, self.data.x.iloc.__getitem__,
                                 validation, self.seed)

        started_at = time.time()
        stopped, rung_scores = self._screen(genome, bars, deadline, fitter, score)
        if stopped is not None:
            return stopped
        trial = cross_validate(genome, folds, deadline, self.secondary_objectives, fitter(1.0),
                               score, costs, predictions_shape=self._predictions_shape())
        return replace(trial, rung_scores=rung_scores, started_at=started_at) if bars else trial

    def _screen(self, genome: Genome, bars: tuple[float, ...], deadline: float | None, fitter,
                score) -> tuple[Trial | None, tuple[float, ...]]:
        """Fits ``genome`` on each rung's rows in turn: ``(the trial that ended at a rung,
        ())`` when it missed a bar, failed or ran out of time, else ``(None, its rung
        scores)``."""
        train, validation = self.folds[0]
        labels = self.data.y if self.data.spec.task is Task.CLASSIFICATION else None
        started_at, scores, fit_seconds, predict_seconds = time.time(), [], 0.0, 0.0
        for share, bar in zip(self.rung_fractions, bars):
            rows = rung_rows(train, share, self.seed, labels)
            rung = cross_validate(genome, ((rows, validation),), deadline, (), fitter(share),
                                  score, lambda fitted, validation: {})
            fit_seconds += rung.fit_seconds
            predict_seconds += rung.predict_seconds
            if rung.ok:
                scores.append(rung.score)
                if rung.score >= bar:
                    continue
                rung = screened_out(rung, share)
            return replace(rung, started_at=started_at, fit_seconds=fit_seconds,
                           predict_seconds=predict_seconds, rung_scores=tuple(scores)), ()
        return None, tuple(scores)

    def _predictions_shape(self) -> tuple[int, ...] | None:
        if not self.keep_predictions:
            return None
        spec = self.data.spec
        if spec.task is Task.CLASSIFICATION:
            return (len(self.data.y), len(spec.classes))
        return (len(self.data.y),)

    def _answers(self, fitted, features, truth) -> tuple[tuple[float], np.ndarray] | None:
        """The fold's score computed from its predictions, and the predictions (class
        probabilities in the order of the data's classes, or values); ``None`` for a classifier
        without probabilities (an SVC in cross-validation), which the scorer then scores."""
        spec = self.data.spec
        if spec.task is not Task.CLASSIFICATION:
            values = np.asarray(fitted.predict(features), dtype="float64")
            return (score_predictions(self.scoring, spec.task, truth, values),), values
        if not hasattr(fitted, "predict_proba"):
            return None
        classes = np.asarray(spec.classes)
        # A fold's model knows the classes of its training rows only.
        probabilities = class_probabilities(fitted, features, classes)
        labels = classes[probabilities.argmax(axis=1)]
        return (score_predictions(self.scoring, spec.task, truth, labels, probabilities,
                                  classes),), probabilities
