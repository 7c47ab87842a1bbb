"""``AutoModel.fit`` for a graph of one input and one head: load the data by the input's
kind, search the graph's pipelines, refit the best on all rows (or an ensemble of the best,
see ``automl.fitting._ensembling``)."""

from __future__ import annotations

import time

import numpy as np
from threadpoolctl import threadpool_limits

from automl.checks import profile, run_checks, sample
from automl.data import (
    Task,
    load_image_data,
    load_text_data,
    load_training_data,
    row_hashes,
    with_groups,
)
from automl.evaluation import (
    CrossValidation,
    Rungs,
    make_folds,
    measure_costs,
    resolve_objective,
    rung_fractions,
    validation_rows,
)
from automl.execution import refit_threads
from automl.fitting._confirmation import Confirmer
from automl.fitting._ensembling import (
    PredictionPool,
    choose_ensemble,
    ensemble_candidates,
    ensemble_reserve,
    seconds_left,
)
from automl.fitting._fitted import PipelineModel
from automl.fitting._session import SearchOutcome, SearchSession
from automl.fitting._settings import SearchSettings
from automl.graph import Graph, Head, ImageInput, StructuredDataInput, TextInput
from automl.pipeline import WeightedEnsemble, build_pipeline, taking_images
from automl.runtime import deadline_scope
from automl.search import POOL_SIZE, nothing_within
from automl.space import MODEL_SLOT, build_space
from automl.trials import MetaStore

#: Training rows predicted for the profile of predictions that drift compares with.
PROFILE_ROWS = 2_000


def load_data(input_node, x, y, task, groups=None, time_column=None):
    """The training data of ``input_node``'s kind (a table, images or documents), with the
    user's ``groups`` or ``time_column`` (see ``AutoModel.fit``)."""
    if time_column is not None and not isinstance(input_node, StructuredDataInput):
        raise ValueError("time_column names a column of a table; images and documents have "
                         "none: leave it out (groups= takes one label per image or document).")
    if isinstance(input_node, ImageInput):
        return with_groups(load_image_data(x, y, task), groups)
    if isinstance(input_node, TextInput):
        return with_groups(load_text_data(x, y, task), groups)
    if isinstance(input_node, StructuredDataInput):
        return load_training_data(x, y, task, column_names=input_node.column_names,
                                  column_types=input_node.column_types, groups=groups,
                                  time_column=time_column)
    raise ValueError(f"{input_node.label} is not supported: use StructuredDataInput, "
                     "ImageInput or TextInput.")


def _profile(data, estimator) -> dict:
    """The training profile drift compares with: the columns, and the refit model's predictions
    on a sample of the training rows (a few thousand tell their distribution)."""
    x, _ = sample(data.x, data.y, PROFILE_ROWS)
    return profile(data.x, data.spec.column_kinds, estimator.predict(x),
                   classification=data.spec.task is Task.CLASSIFICATION)


def refit_pipeline(genome, space, data, seed: int):
    """``genome``'s pipeline fitted on all of ``data``."""
    return build_pipeline(genome, space, data.spec, seed=seed, final=True).fit(data.x, data.y)


def serving_model(estimator, data, objective: str, owner: str, seed: int
                  ) -> tuple[PipelineModel, dict[str, float]]:
    """The refit ``estimator`` as the model served (taking images, for images), and what it
    costs to ship (``COSTS``, measured on training rows)."""
    costs = measure_costs(estimator, estimator.predict, data.x.iloc.__getitem__,
                          np.arange(len(data.y)), seed)
    if data.spec.image_shape is not None:  # the exported pipeline takes the images
        estimator = taking_images(estimator, data.spec.image_shape)
    tables = data.spec.image_shape is None and not data.spec.is_text
    return PipelineModel(estimator, data.spec, objective, data.target_column, owner=owner,
                         training_rows=row_hashes(data.x) if tables else None,
                         profile=_profile(data, estimator) if tables else None), costs


def _refit(best, ensemble, space, data, objective: str, seed: int):
    """The served estimator fitted on all rows: ``best``'s pipeline, or ``ensemble``'s members
    (then the ensemble with its refit time); and the summary line."""
    if ensemble is None:
        return (refit_pipeline(best.genome, space, data, seed), None,
                f"best: {best.genome.describe()[MODEL_SLOT]} with CV {objective} "
                f"{best.choice_score:.4f}")
    tic = time.monotonic()
    estimator = WeightedEnsemble(
        [refit_pipeline(trial.genome, space, data, seed) for trial in ensemble.members],
        ensemble.weights,
        data.spec.classes if data.spec.task is Task.CLASSIFICATION else None)
    ensemble = ensemble.refit_in(time.monotonic() - tic)
    return estimator, ensemble, (
        f"best: an ensemble of {len(ensemble.members)} pipelines with nested CV {objective} "
        f"{ensemble.score:.4f} (best pipeline {best.genome.describe()[MODEL_SLOT]}: "
        f"{best.choice_score:.4f})")


def _splits(cv: int, groups, time_column) -> str:
    """How the search splits the rows, in words (the report shows it)."""
    if time_column is not None:
        return f"{cv} forward-chaining splits in the time order of {time_column!r}"
    if groups is not None:
        return f"{cv}-fold, grouped by " + (repr(groups) if isinstance(groups, str)
                                            else "the labels given")
    return f"{cv}-fold"


def search_pipelines(settings: SearchSettings, graph: Graph, x, y, started: float,
                     groups=None, time_column=None) -> SearchOutcome:
    """Searches ``graph``'s pipelines for ``x`` -> ``y`` as ``settings`` ask and refits the
    best on all rows, or the ensemble of the best that ``ensemble_size`` asks for when its
    refit fits in the time left. ``groups``, ``time_column``: see ``AutoModel.fit``."""
    input_node, chain = graph.chain()
    head: Head = chain[-1]
    data = load_data(input_node, x, y, head.task, groups, time_column)
    settings.check_rows(len(data.y), data.groups, data.times)
    objective = resolve_objective(settings.objective, head.task, data.y)
    checks = run_checks(data, settings.checks, objective=objective, cv=settings.cv,
                        say=(lambda line: print(line, flush=True)) if settings.verbose else None)
    secondary = settings.secondary_objectives
    space = build_space(graph, data.spec)
    # A group or time column's name is kept so that `automl select` can resume with it.
    resumable = settings.resumable(head.task.value, objective, data, space, data.target_column,
                                   splits=_splits(settings.cv, groups, time_column),
                                   **({"groups_column": groups} if isinstance(groups, str)
                                      else {}),
                                   **({"time_column": time_column} if time_column else {}))
    meta_store = None if settings.meta_store is None else MetaStore(settings.meta_store)
    # A warm start changes what is tried first (the portfolio), not the space; random and
    # grid search take no portfolio.
    if meta_store is not None and settings.strategy not in ("random", "grid"):
        space, used = meta_store.warm_start(space, data.spec)
        if settings.verbose and used:
            print(f"warm start: the best pipelines of {used} similar earlier searches in "
                  f"{str(settings.meta_store)!r}", flush=True)
    ensembling = settings.ensemble_size > 0
    limits = settings.limits
    # The rungs are shares of the first fold's training rows.
    fractions = rung_fractions(len(data.y) * (settings.cv - 1) // settings.cv) \
        if settings.screens(input_node) else ()

    with SearchSession(settings, space, objective, resumable, started) as session:
        pool = PredictionPool(POOL_SIZE, session.store) if ensembling else None

        def evaluation(folds, seed: int) -> CrossValidation:
            return CrossValidation(data, space, folds, objective, seed, secondary,
                                   network_folds=settings.network_folds,
                                   keep_predictions=ensembling, rung_fractions=fractions)

        def cross_validation(seed: int):
            folds = settings.scored_folds(make_folds(data, settings.cv, seed))
            if pool is not None:
                pool.score_on(validation_rows(folds))
            return confirmer.splits(evaluation(folds, seed), seed)

        def members_reserve() -> float:
            return 0.0 if pool is None else ensemble_reserve(pool, session.refit_estimate,
                                                             settings.time_budget)

        # Rescored: trials scored on every fold (not a large table's holdout, not a network on
        # its 2 folds) and within the cost limits.
        # Time order has one set of forward-chaining splits: no fresh ones to confirm on.
        confirm_repeats = 0 if data.times is not None else settings.confirm_repeats
        confirmer = Confirmer(session, evaluation, data, settings.cv, confirm_repeats,
                              settings.workers, settings.time_budget,
                              lambda trial: len(trial.fold_scores) == settings.cv
                              and (not limits or limits.allows(dict(trial.costs))),
                              members_reserve)
        result = session.run(cross_validation,
                             listeners=[confirmer.top] + ([pool] if pool else []),
                             then=confirmer if confirm_repeats else None,
                             kept_after=(lambda: members_reserve() + confirmer.reserve())
                             if settings.plans_time else None,
                             rungs=Rungs(len(fractions)) if fractions else None)
        # A confirmed choice is within the limits already.
        best = (result.best if not limits or result.best.confirmed
                else limits.best(result.trials))
        if best is None:
            raise nothing_within(limits, result.trials)
        ensemble = None
        if pool is not None and not result.interrupted:
            candidates, repeats = ensemble_candidates(pool, confirmer.found)
            together = data.split_groups()
            ensemble, note = choose_ensemble(
                candidates, data.y[pool.rows], objective, data.spec.task, data.spec.classes,
                settings.ensemble_size, session.refit_estimate, seconds_left(session.deadline),
                session.seed, limits, repeats,
                None if together is None else together[pool.rows],
                None if data.times is None else data.times[pool.rows])
            if note:
                session.progress.line(note)
        # A network refit stops itself (and ends its learning-rate schedule) by the fit's
        # deadline.
        with (deadline_scope(session.refit_deadline(best)),
              threadpool_limits(refit_threads(settings.n_jobs, settings.scheduler))):
            estimator, ensemble, summary = _refit(best, ensemble, space, data, objective,
                                                  session.seed)
        fitted, costs = serving_model(estimator, data, objective, settings.owner,
                                      session.seed)
        if meta_store is not None:
            meta_store.add(data.spec, result.trials, objective, data.fingerprint())
        return session.finish(fitted, summary, ensemble, checks, costs=costs, data=data,
                              best=best, limits=limits)
