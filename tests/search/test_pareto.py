"""What models cost to ship (latency, size) in every trial, the Pareto front of score and costs,
limits on them, and select(): another trial refit in place of the best."""

import dataclasses
import json
import math
import pickle

import numpy as np
import pytest
from search_processes import small_table

import automl
from automl import StructuredDataClassifier
from automl.evaluation import COSTS, Status, Trial
from automl.fitting._refit_time import refit_seconds
from automl.genome import BlockGene, Genome
from automl.search import CostLimits, pareto_front
from automl.trials import TrialStore


def _trial(number, score, latency, size):
    genome = Genome((("model", (BlockGene("M", (("i", number),)),)),))
    return Trial(genome, Status.OK, (score,), (score,), number=number,
                 costs=(("latency_ms", latency), ("model_size", size)))


def test_the_front_keeps_the_trials_no_other_beats_on_score_and_every_cost():
    trials = [_trial(0, 0.90, 5.0, 100), _trial(1, 0.95, 9.0, 900), _trial(2, 0.85, 1.0, 50),
              _trial(3, 0.80, 6.0, 200),  # beaten by 0 on everything
              _trial(4, 0.90, 5.0, 120),  # as good as 0 but larger
              _trial(5, 0.99, math.nan, 10)]  # cost not measured: not on a front over it
    front = pareto_front(trials, ("latency_ms", "model_size"))
    assert [t.number for t in front] == [1, 0, 2]  # best score first
    # Over size alone, 5 is measured, smallest and best: it beats every other.
    assert [t.number for t in pareto_front(trials, ("model_size",))] == [5]
    with pytest.raises(ValueError, match="cost 'speed' is not measured"):
        pareto_front(trials, ("speed",))


def test_the_front_ranks_a_confirmed_trial_by_its_confirmed_score():
    lucky = dataclasses.replace(_trial(1, 0.95, 9.0, 900), confirmed_scores=(0.80, 0.82))
    trials = [_trial(0, 0.90, 5.0, 100), lucky]
    # the search's folds said 0.95; over them and its fresh folds 0.857: beaten by 0 at once
    assert lucky.choice_score < 0.90
    assert [t.number for t in pareto_front(trials, ("latency_ms",))] == [0]


def test_limits_choose_the_best_trial_within_them():
    trials = [_trial(0, 0.90, 5.0, 100), _trial(1, 0.95, 9.0, 2e6), _trial(2, 0.85, 1.0, 50)]
    assert CostLimits(max_latency_ms=6).best(trials).number == 0
    assert CostLimits(max_latency_ms=6, max_size_mb=5e-5).best(trials).number == 2
    assert CostLimits(max_size_mb=1).best(trials).number == 0
    assert CostLimits(max_latency_ms=0.5).best(trials) is None
    # A trial rescored on fresh folds comes before the luckier search scores of the others,
    # as on the leaderboard.
    confirmed = dataclasses.replace(_trial(3, 0.88, 2.0, 60), confirmed_scores=(0.86, 0.87))
    assert CostLimits(max_latency_ms=6).best(trials + [confirmed]).number == 3
    assert not CostLimits() and CostLimits(max_size_mb=1)
    for bad in (0, -1.0, "1", True):
        with pytest.raises(ValueError, match="max_latency_ms must be a positive number"):
            CostLimits(max_latency_ms=bad)
    with pytest.raises(ValueError, match="max_size_mb must be a positive number"):
        StructuredDataClassifier(max_size_mb=-2, max_trials=2).fit(*small_table())


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pareto")
    x, y = small_table()
    settings = dict(directory=folder, project_name="p", scheduler="in-process", cv=2, seed=0,
                    population_size=7, verbose=0)
    return StructuredDataClassifier(max_trials=7, **settings).fit(x, y), settings


def test_every_trial_measures_what_its_model_costs_to_ship(searched):
    model, settings = searched
    folder = settings["directory"] / "p"
    ok = [t for t in model.trials_ if t.ok]
    assert len(ok) >= 5
    for trial in ok:
        costs = dict(trial.costs)
        assert costs.keys() == COSTS.keys() and all(v > 0 for v in costs.values())
        # One row alone costs more per row than a batch does.
        assert costs["latency_ms"] > costs["batch_latency_ms"]
    with TrialStore(folder) as store:
        assert [t.costs for t in store.trials()] == [t.costs for t in model.trials_]
    board = model.leaderboard_.dropna(subset=["trial"]).set_index("trial")
    for trial in ok:
        assert board.loc[trial.number, "model_size"] == dict(trial.costs)["model_size"]
    # The served model's own costs; its size is the pickled pipeline's bytes, which the
    # project's file holds with the data spec and drift profile beside it.
    saved = (folder / "model.joblib").stat().st_size
    assert 0 < model.costs_["model_size"] <= saved
    assert model.costs_["latency_ms"] > 0


def test_the_pareto_front_holds_the_trials_no_other_beats(searched):
    model, _ = searched
    front = model.pareto_front_
    assert list(front.columns) == ["trial", "model", "score", "latency_ms", "model_size"]
    assert front["score"].is_monotonic_decreasing and len(front) >= 1
    ok = [t for t in model.trials_ if t.ok]
    point = {t.number: (t.choice_score, dict(t.costs)["latency_ms"], dict(t.costs)["model_size"])
             for t in ok}

    def beats(a, b):
        return all(p >= q for p, q in zip((a[0], -a[1], -a[2]), (b[0], -b[1], -b[2]))) \
            and a != b

    on_front = set(front["trial"])
    for number, costs in point.items():
        beaten = any(beats(point[other], costs) for other in point)
        assert beaten == (number not in on_front)


def test_select_refits_the_best_trial_within_a_limit_and_saves_it(searched):
    model, settings = searched
    model = pickle.loads(pickle.dumps(model))  # the other tests keep the fixture as fitted
    x, y = small_table()
    with pytest.raises(ValueError, match="needs the training data: pass x and y"):
        model.select(trial=0)
    sizes = {t.number: dict(t.costs)["model_size"] for t in model.trials_ if t.ok}
    limit = sorted(sizes.values())[1] / 1e6  # the two smallest models are within it
    model.select(x, y, max_size_mb=limit)
    within = [t for t in model.trials_ if t.ok and sizes[t.number] <= limit * 1e6]
    assert model.best_trial_ == max(within, key=lambda t: t.score)
    assert model.ensemble_ is None
    folder = settings["directory"] / "p"
    saved = automl.load_model(folder)
    np.testing.assert_array_equal(saved.predict(x), model.predict(x))
    selection = json.loads((folder / "selection.json").read_text())
    assert selection["trial"] == model.best_trial_.number
    assert selection["max_size_mb"] == limit and selection["costs"] == model.costs_
    assert "Score against costs" in model.report().read_text()

    other = next(t for t in model.trials_ if t.ok and t != model.best_trial_)
    assert model.select(x, y, trial=other.number).best_trial_ == other
    with pytest.raises(ValueError, match="trial=999 is not a successful trial"):
        model.select(x, y, trial=999)
    with pytest.raises(ValueError, match="trial= or limits"):
        model.select(x, y, trial=other.number, max_size_mb=1)
    with pytest.raises(ValueError, match="needs trial= or a limit"):
        model.select(x, y)
    with pytest.raises(ValueError, match=r"no candidate keeps within 1e-09 MB .*smallest"):
        model.select(x, y, max_size_mb=1e-9)


def test_select_refits_only_a_trial_expected_within_its_time_budget(searched):
    model, _ = searched
    model = pickle.loads(pickle.dumps(model))
    model.directory = None  # the project's files are the other tests'
    x, y = small_table()
    expected = {t.number: refit_seconds(t, model.search_space_, model.cv, None)
                for t in model.trials_ if t.ok}
    budget = sorted(expected.values())[len(expected) // 2]
    quick = [t for t in model.trials_ if t.ok and expected[t.number] <= budget]
    assert model.select(x, y, time_budget=budget).best_trial_ == max(
        quick, key=lambda t: (t.score, -t.number))
    slowest = max(expected, key=expected.get)
    with pytest.raises(ValueError, match=rf"trial {slowest}'s refit is expected to take .* "
                                         r"over time_budget=1e-06"):
        model.select(x, y, trial=slowest, time_budget=1e-6)
    with pytest.raises(ValueError, match=r"no candidate is refit within time_budget=1e-06 "
                                         r"\(the quickest, trial \d+"):
        model.select(x, y, time_budget=1e-6)
    for bad in (0, -3, math.inf, "10", True):
        with pytest.raises(ValueError, match="time_budget must be a positive number of seconds"):
            model.select(x, y, time_budget=bad)


def test_limits_given_up_front_keep_larger_candidates_out_of_the_model(searched):
    model, settings = searched
    sizes = sorted(dict(t.costs)["model_size"] for t in model.trials_ if t.ok)
    limit = sizes[2] / 1e6
    # The stored search resumed with no trial left: the choice and refit alone run.
    limited = StructuredDataClassifier(max_trials=7, max_size_mb=limit, **settings).fit(
        *small_table())
    assert limited.trials_ == model.trials_
    served = limited.ensemble_.members if limited.ensemble_ else (limited.best_trial_,)
    assert sum(dict(t.costs)["model_size"] for t in served) <= limit * 1e6
    # The best trial within the limit, whether it serves alone or heads an ensemble.
    assert limited.best_trial_ == CostLimits(max_size_mb=limit).best(model.trials_)
