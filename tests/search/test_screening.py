"""Multi-fidelity screening (screening=True): successive halving over shares of a fold's
training rows, inside each evaluation."""

import math

import numpy as np
import pandas as pd
import pytest

import automl
from automl.data import Task, load_training_data
from automl.evaluation import (
    Candidate,
    CrossValidation,
    Rungs,
    Status,
    Trial,
    genome_of,
    make_folds,
    rung_fractions,
)
from automl.evaluation._screening import MIN_RUNG_SCORES, rung_rows
from automl.fitting import SearchSettings
from automl.genome import default_genomes
from automl.graph import ClassificationHead, Graph, ImageInput, StructuredDataInput, TextInput
from automl.space import build_space

QUIET = dict(n_jobs=1, scheduler="in-process", ensemble_size=0, confirm_repeats=0,
             checks="off", verbose=0)


def _table(rows=8_000, seed=0):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.normal(size=(rows, 4)), columns=list("abcd"))
    return x, ((x["a"] + x["b"] * x["c"] + rng.normal(scale=0.5, size=rows)) > 0).astype(int)


def test_rungs_are_shares_of_the_training_rows_of_1500_rows_at_least():
    assert rung_fractions(800_000) == (1 / 27, 1 / 9, 1 / 3)
    assert rung_fractions(12_000) == (1 / 3,)
    assert rung_fractions(4_499) == ()


def test_a_rungs_rows_keep_every_class_and_lie_within_the_larger_rungs():
    rows = np.arange(100, 1_000)
    labels = np.zeros(1_000, dtype=int)
    labels[500] = 1  # one row of a rare class
    small, large = (rung_rows(rows, share, 0, labels) for share in (1 / 9, 1 / 3))
    assert 500 in small and set(small) <= set(large) <= set(rows)
    assert len(small) == pytest.approx(900 / 9, abs=2) and np.all(np.diff(large) > 0)
    assert len(rung_rows(rows, 1 / 3, 0)) == 300


def test_a_rung_turns_candidates_away_only_once_it_has_seen_enough():
    rungs = Rungs(2)
    genome = default_genomes(_space())[0]
    for score in range(MIN_RUNG_SCORES - 1):
        rungs.record(Trial(genome, Status.OK, (1.0,), rung_scores=(score, 0.5)))
    assert rungs.bars() == (-math.inf, -math.inf)
    rungs.record(Trial(genome, Status.SCREENED, None, rung_scores=(MIN_RUNG_SCORES - 1,)))
    bar, above = rungs.candidate(genome).bars
    assert bar == pytest.approx(np.quantile(np.arange(MIN_RUNG_SCORES), 2 / 3))
    assert above == -math.inf  # the second rung has seen fewer
    assert genome_of(rungs.candidate(genome)) == genome == genome_of((genome, 1))
    failed = Rungs.failed(rungs.candidate(genome), Status.TIMEOUT, "stopped", worker="w")
    assert failed.genome == genome and failed.worker == "w"


def _space():
    x, y = _table(100)
    data = load_training_data(x, y, Task.CLASSIFICATION)
    inp = StructuredDataInput()
    block = automl.StructuredDataBlock(models=["LogisticRegression", "KNeighbors"],
                                       max_preprocessors=0)
    return build_space(Graph(inp, ClassificationHead()(block(inp))), data.spec)


def test_a_candidate_below_a_bar_stops_there_and_one_above_goes_on_to_all_folds():
    data = load_training_data(*_table(), Task.CLASSIFICATION)
    space = _space()
    folds = make_folds(data, 5, 0)
    shares = rung_fractions(len(folds[0][0]))
    assert shares == (1 / 3,)
    evaluate = CrossValidation(data, space, folds, "balanced_accuracy", 0,
                               rung_fractions=shares)
    genome = default_genomes(space)[0]
    full = evaluate(Candidate(genome, (-math.inf,)))
    assert full.ok and len(full.fold_scores) == 5 and len(full.rung_scores) == 1
    assert 0.5 < full.rung_scores[0] < 1 and full.fit_seconds > 0
    stopped = evaluate(Candidate(genome, (full.rung_scores[0] + 1e-6,)))
    assert stopped.status is Status.SCREENED and stopped.objectives is None
    assert stopped.rung_scores == full.rung_scores and not stopped.fold_scores
    assert stopped.reason == "screened out on 1/3 of the training rows"
    plain = evaluate(genome)  # a genome alone (the confirmation's) is not screened
    assert plain.rung_scores == () and plain.fold_scores == full.fold_scores


def test_a_screened_search_keeps_screened_trials_apart_and_stores_them(tmp_path):
    x, y = _table()
    inp = automl.StructuredDataInput()
    block = automl.StructuredDataBlock(models=["LogisticRegression"],
                                       preprocessors=["StandardScaler", "PCA"])
    options = dict(max_trials=16, seed=0, screening=True, directory=tmp_path, **QUIET)
    model = automl.AutoModel(inp, ClassificationHead()(block(inp)), **options).fit(x, y)
    screened = [trial for trial in model.trials_ if trial.status is Status.SCREENED]
    assert screened and all(len(trial.rung_scores) == 1 for trial in screened)
    assert all(len(trial.rung_scores) == 1 for trial in model.trials_ if trial.ok)
    assert model.best_trial_.ok
    assert sum(model.logbook_.select("screened")) == len(screened)
    board = model.leaderboard_
    assert list(board["status"].iloc[-len(screened):]) == ["screened"] * len(screened)
    # Resumed: the stored trials come back as they were, rung scores included.
    resumed = automl.AutoModel(inp, ClassificationHead()(block(inp)),
                               **{**options, "max_trials": 18}).fit(x, y)
    stored = {trial.genome: trial for trial in resumed.trials_}
    assert all(stored[trial.genome].rung_scores == trial.rung_scores
               and stored[trial.genome].status is trial.status for trial in model.trials_)


def test_by_default_a_table_search_under_a_time_budget_screens():
    def screens(node, **given):
        return SearchSettings.of(automl.StructuredDataClassifier(**given)).screens(node)

    table = StructuredDataInput()
    assert screens(table, time_budget=60)
    # Under max_trials alone a screened candidate only takes the place of a full one.
    assert not screens(table, max_trials=50)
    assert not screens(ImageInput(), time_budget=60) and not screens(TextInput(), time_budget=60)
    assert screens(ImageInput(), max_trials=50, screening=True)
    assert not screens(table, time_budget=60, screening=False)


def test_screening_is_auto_yes_or_no_and_refused_for_several_inputs():
    with pytest.raises(ValueError, match="screening must be one of"):
        automl.StructuredDataClassifier(max_trials=2, screening="yes", **QUIET).fit(
            *_table(40))
    model = automl.AutoModel(inputs=automl.StructuredDataInput(),
                             outputs=[automl.ClassificationHead(), automl.RegressionHead()],
                             max_trials=1, screening=True, **QUIET)
    x, y = _table(40)
    with pytest.raises(ValueError, match="screening= screens the pipelines of one input"):
        model.fit(x, [y, x["a"]])
    model.set_params(screening="auto")  # the default: such a search does not screen
    assert len(model.fit(x, [y, x["a"]], epochs=2).trials_) == 1
