"""The search loop with a cheap synthetic objective: budgets, de-duplication, selection."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.evaluation import Status, Trial
from automl.execution import WorkerPoolExecutor
from automl.graph import Graph, RegressionHead, StructuredDataInput
from automl.search import (
    Budget,
    Evolution,
    RandomSearch,
    affordable_best,
    candidate_limit,
    run_search,
)
from automl.space import build_space


def synthetic(genome, deadline=None, costs=False):
    """Best: ExtraTrees with max_features 0.7 and min_samples_leaf 3, no feature steps."""
    model = genome["model"][0]
    values = model.values
    score = {"ExtraTrees": 1.0, "RandomForest": 0.6}.get(model.block, 0.0)
    if "max_features" in values:
        score -= abs(values["max_features"] - 0.7) + 0.05 * abs(values["min_samples_leaf"] - 3)
    score -= 0.2 * len(genome["preprocessing"])
    objectives = (score, float(len(genome["preprocessing"]))) if costs else (score,)
    return Trial(genome, Status.OK, objectives, fold_scores=(score,))


def test_max_trials_and_no_genome_twice(space):
    strategy = Evolution(space, np.random.default_rng(0), population_size=10)
    result = run_search(strategy, synthetic, Budget(max_trials=57), batch_size=10)
    assert len(result.trials) == 57
    assert len({trial.genome for trial in result.trials}) == 57
    assert [t.number for t in result.trials] == list(range(57))
    assert result.logbook.select("generation") == list(range(6))


def test_evolution_beats_random_on_a_synthetic_objective(space):
    def best_after(strategy_class, seed):
        strategy = strategy_class(space, np.random.default_rng(seed))
        return run_search(strategy, synthetic, Budget(max_trials=200), batch_size=20).best.score

    evolution = np.mean([best_after(Evolution, seed) for seed in range(5)])
    random = np.mean([best_after(RandomSearch, seed) for seed in range(5)])
    assert evolution > random
    assert evolution > 0.9


def test_same_seed_same_trials(space):
    def genomes(seed):
        strategy = Evolution(space, np.random.default_rng(seed), population_size=8)
        return [t.genome for t in run_search(strategy, synthetic, Budget(max_trials=40),
                                             batch_size=8).trials]

    assert genomes(3) == genomes(3)


def test_deadline_stops_the_search(space):
    starts = []

    def slow(genome, deadline=None):
        if deadline is not None and time.monotonic() >= deadline:
            return None
        starts.append(time.monotonic())
        time.sleep(0.05)
        return synthetic(genome)

    strategy = Evolution(space, np.random.default_rng(0), population_size=4)
    deadline = time.monotonic() + 1.0
    result = run_search(strategy, slow, Budget(deadline=deadline), batch_size=4,
                        reserve_seconds=lambda best: 0.3)
    # No candidate starts once the refit's reserve is all that is left, however loaded the
    # machine: the search checks before it hands one out.
    assert starts and max(starts) < deadline - 0.3
    assert 4 <= len(result.trials) <= 20


def test_the_trial_refit_is_the_best_whose_refit_fits_the_budget(space):
    genomes = Evolution(space, np.random.default_rng(0)).ask(3, lambda g: True)
    cheap, costly, good = (Trial(genome, Status.OK, (score,), fold_scores=(score,),
                                 fit_seconds=seconds)
                           for genome, score, seconds in zip(genomes, (0.80, 0.90, 0.85),
                                                             (1.0, 500.0, 10.0)))
    trials = [cheap, costly, good]

    def refit(trial):
        return trial.fit_seconds

    assert affordable_best(trials, Budget(None, time.monotonic() + 100), refit) is good
    assert affordable_best(trials, Budget(None, time.monotonic() + 1000), refit) is costly
    assert affordable_best(trials, Budget(5, None), refit) is costly  # no deadline
    assert affordable_best(trials, Budget(None, time.monotonic() + 0.1), refit) is costly
    assert affordable_best([], Budget(None, time.monotonic() + 10), refit) is None
    # The last trials finished a little past the time kept for the top one's refit: within
    # the grace, it is still refit rather than a cheaper, worse one.
    assert affordable_best(trials, Budget(None, time.monotonic() + 499), refit) is good
    assert affordable_best(trials, Budget(None, time.monotonic() + 499), refit, grace=2) is costly


def test_failed_trials_are_recorded_and_skipped_by_selection(space):
    def flaky(genome, deadline=None):
        if genome["model"][0].block == "SVM":
            return Trial(genome, Status.FAILED, None, reason="ValueError: boom")
        return synthetic(genome)

    strategy = Evolution(space, np.random.default_rng(0), population_size=10)
    result = run_search(strategy, flaky, Budget(max_trials=60), batch_size=10)
    failed = [t for t in result.trials if t.status is Status.FAILED]
    assert failed and all(t.reason == "ValueError: boom" for t in failed)
    assert all(ind.trial.ok for ind in strategy.population)


def test_several_objectives_select_by_nsga2(space):
    strategy = Evolution(space, np.random.default_rng(0), population_size=10)
    result = run_search(strategy, lambda g, deadline=None: synthetic(g, costs=True),
                        Budget(max_trials=80), batch_size=10)
    assert all(len(t.objectives) == 2 for t in result.trials)
    # NSGA-II keeps the whole first front: the best score and the cheapest pipeline survive.
    survivors = strategy.population
    assert max(i.trial.score for i in survivors) == max(t.score for t in result.trials)
    assert min(i.trial.objectives[1] for i in survivors) == 0.0


def test_steady_state_in_process_is_deterministic_and_improves(space):
    def run(seed):
        strategy = Evolution(space, np.random.default_rng(seed), population_size=10)
        return run_search(strategy, synthetic, Budget(max_trials=120), batch_size=10,
                          steady_state=True)

    first, second = run(4), run(4)
    assert [t.genome for t in first.trials] == [t.genome for t in second.trials]
    assert len({t.genome for t in first.trials}) == 120
    assert first.logbook.select("evaluations") == [10] * 12
    assert first.best.score > max(t.score for t in first.trials[:10])


def test_steady_state_with_worker_processes(space):
    strategy = Evolution(space, np.random.default_rng(0), population_size=6)
    with WorkerPoolExecutor(2) as executor:
        result = run_search(strategy, synthetic, Budget(max_trials=30), batch_size=6,
                            executor=executor, steady_state=True)
    assert len(result.trials) == 30
    assert len({t.genome for t in result.trials}) == 30
    assert {t.worker for t in result.trials} == {"main"}  # synthetic trials name no worker


def forests_hang(genome, deadline=None):
    if genome["model"][0].block == "RandomForest":
        time.sleep(30)
    return synthetic(genome)


def test_no_candidate_takes_more_than_its_share_of_the_time_budget(space):
    limit = candidate_limit(8.0)
    assert limit([]) is None  # nothing finished: the first candidates run free
    genome = Evolution(space, np.random.default_rng(0)).ask(1, lambda g: True)[0]
    assert limit([Trial(genome, Status.OK, (0.5,), fit_seconds=0.5)]) == 2.0  # a quarter
    assert limit([Trial(genome, Status.OK, (0.5,), fit_seconds=3.0)]) == 9.0  # 3 x the best

    strategy = Evolution(space, np.random.default_rng(0), population_size=6)
    started = time.monotonic()
    with WorkerPoolExecutor(2) as executor:
        result = run_search(strategy, forests_hang, Budget(deadline=started + 10), batch_size=6,
                            executor=executor, steady_state=True, limit_candidates=limit)
    forests = [t for t in result.trials if t.genome["model"][0].block == "RandomForest"]
    assert forests and all(t.status is Status.TIMEOUT for t in forests)
    assert any(t.reason == "stopped after max_eval_time=2 s" for t in forests)
    # Stopped forests free their workers: the search goes on with other candidates.
    assert sum(t.ok for t in result.trials) > len(forests)


def double(item, deadline=None):
    return 2 * item


def _payloads() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("automl-payload-*.pkl"))


def _age(path: Path) -> None:
    """Makes the payload look written two minutes ago: the sweep leaves younger ones alone."""
    then = time.time() - 120
    os.utime(path, (then, then))


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_pool_removes_the_payload_a_killed_search_left_but_not_a_live_one():
    """A search killed with SIGKILL cannot remove its payload file; the next pool does, and
    leaves the file of a pool that is still running."""
    before = _payloads()
    script = ("import os, signal\n"
              "from automl.execution import WorkerPoolExecutor\n"
              "WorkerPoolExecutor(1).start(abs)\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    killed = subprocess.Popen([sys.executable, "-c", script])
    assert killed.wait(timeout=120) == -signal.SIGKILL
    (left,) = _payloads() - before
    _age(left)
    with WorkerPoolExecutor(1) as running:
        running.start(double)
        assert not left.exists()
        (own,) = _payloads() - before
        _age(own)
        with WorkerPoolExecutor(1) as other:
            assert other.map(double, [2]) == [4]
            assert own.exists()  # its pool holds it
        assert running.map(double, [3]) == [6]
    assert not own.exists()  # close removed it


def test_preprocessing_cache_gives_identical_scores(mixed_table):
    from automl.blocks import StructuredDataBlock as Block
    from automl.evaluation import CrossValidation, make_folds
    from automl.genome import sample_genome
    from automl.graph import ClassificationHead

    x, y = mixed_table
    data = load_training_data(x, y, Task.CLASSIFICATION)
    inp = StructuredDataInput()
    space = build_space(Graph(inp, ClassificationHead()(Block()(inp))), data.spec)
    folds = make_folds(data, 3, 0)
    cached = CrossValidation(data, space, folds, "balanced_accuracy", 0)
    plain = CrossValidation(data, space, folds, "balanced_accuracy", 0, cache_preprocessing=False)
    rng = np.random.default_rng(0)
    genomes = [sample_genome(space, rng) for _ in range(6)]
    genomes += [g.replace("model", genomes[0]["model"]) for g in genomes[:3]]  # shared prefixes
    for genome in genomes:
        assert cached(genome).fold_scores == plain(genome).fold_scores
    assert 0 < len(cached._prefix_cache) < 3 * len(genomes)


def test_time_is_kept_for_the_refit_of_any_top_trial(space):
    from automl.search._runner import TOP_TRIALS_RESERVED, _reserve

    genomes = Evolution(space, np.random.default_rng(0)).ask(8, lambda g: True)
    trials = [Trial(genome, Status.OK, (score,), fold_scores=(score,), fit_seconds=seconds)
              for genome, score, seconds in zip(
                  genomes, (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2),
                  (1.0, 60.0, 2.0, 3.0, 4.0, 500.0, 5.0, 6.0))]
    assert TOP_TRIALS_RESERVED == 5

    def refit(trial):
        return 30.0 if trial is None else trial.fit_seconds

    assert _reserve([], refit) == 30.0
    assert _reserve(trials, refit) == 60.0  # the second best's; the sixth is out of reach


def test_a_network_refit_needs_only_a_share_of_its_estimate():
    # A network stops itself by the refit's deadline, so the least time its refit needs is a
    # share of its estimate; a scikit-learn model's refit needs all of it.
    from automl.fitting._refit_time import (
        KERAS_STARTUP_SECONDS,
        NETWORK_REFIT_SHARE,
        refit_estimate,
        refit_seconds,
    )

    rng = np.random.default_rng(0)
    frame = __import__("pandas").DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    data = load_training_data(frame, rng.normal(size=30), Task.REGRESSION)
    inp = StructuredDataInput()
    block = StructuredDataBlock(models=["RandomForest", "DenseNetwork"])
    space = build_space(Graph(inp, RegressionHead()(block(inp))), data.spec)
    genomes = Evolution(space, rng).ask(20, lambda g: True)
    by_model = {genome["model"][0].block: genome for genome in genomes}
    network, forest = (Trial(by_model[name], Status.OK, (0.9,), fold_scores=(0.9, 0.9),
                             fit_seconds=20.0) for name in ("DenseNetwork", "RandomForest"))
    # Fold fits of 10 s: 1.3 x 10 s x 5/4 on all rows, x 1.2 for a network, + 0.5 s.
    assert refit_seconds(forest, space, 5, 60) == refit_estimate(forest, space, 5, 60) == 16.75
    training = 1.3 * 10 * 5 / 4 * 1.2
    for loaded, startup in ((True, 0.0), (False, KERAS_STARTUP_SECONDS)):  # TensorFlow's import
        assert refit_estimate(network, space, 5, 60, tensorflow_loaded=loaded) == (
            pytest.approx(0.5 + startup + training))
        assert refit_seconds(network, space, 5, 60, tensorflow_loaded=loaded) == pytest.approx(
            0.5 + startup + NETWORK_REFIT_SHARE * training)
    assert refit_seconds(None, space, 5, 60) == refit_estimate(None, space, 5, 60) == 6.0
