"""The trial store and resuming: real SQLite files, real processes, real signals."""

import dataclasses
import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from search_processes import finish, small_table, wait_for_trials

import automl
from automl import StructuredDataClassifier
from automl.evaluation import Status, Trial
from automl.genome import BlockGene, Genome
from automl.trials import Project, ProjectMismatchError, TrialStore

FAST = dict(cv=2, seed=0, verbose=0, population_size=4)


def _trial(number: int, label: str = "a") -> Trial:
    genome = Genome((("model", (BlockGene.of("RandomForest", {"n_estimators": number,
                                                              "tag": label, "x": 0.1 * number,
                                                              "bootstrap": True,
                                                              "depth": None}),)),))
    if number % 3 == 2:
        return Trial(genome, Status.TIMEOUT, None, reason="stopped at max_eval_time", number=number)
    return Trial(genome, Status.OK, (0.5 + number / 1000, 0.01), (0.5, 0.5 + number / 500),
                 fit_seconds=0.2, predict_seconds=0.01, number=number, generation=number // 4,
                 started_at=1.0, finished_at=2.0, worker="worker-1")


def test_trials_round_trip_through_the_store(tmp_path):
    trials = [_trial(i) for i in range(6)]
    with TrialStore(tmp_path) as store:
        run = store.start_run({"max_trials": 6})
        for trial in trials:
            store.add_trial(trial, run=run, seed=3, data_fingerprint="d", space_fingerprint="s")
        store.update_run(run, 12.5, "finished")
    with TrialStore(tmp_path) as store:  # a new connection reads what the first committed
        assert store.trials() == trials
        assert store.spent_seconds() == 12.5
        row = store.trial_rows()[1]
        assert row["params"] == {"model": "RandomForest", "model.n_estimators": 1,
                                 "model.tag": "a", "model.x": 0.1, "model.bootstrap": True,
                                 "model.depth": None}
        assert row["seed"] == 3 and row["data_fingerprint"] == "d" and row["status"] == "ok"
        assert store.trial_rows()[2]["reason"] == "stopped at max_eval_time"
        (run_row,) = store.runs()
        assert run_row["status"] == "finished" and "scikit-learn" in run_row["versions"]


def test_each_output_score_and_cost_round_trips(tmp_path):
    trial = dataclasses.replace(_trial(0), output_scores=(("price", -1.5), ("expensive", 0.75)),
                                costs=(("latency_ms", 1.25), ("model_size", 2048.0)))
    with TrialStore(tmp_path) as store:
        store.add_trial(trial, run=store.start_run())
    with TrialStore(tmp_path) as store:
        assert store.trials() == [trial]
        assert store.trial_rows()[0]["output_scores"] == {"price": -1.5, "expensive": 0.75}
        assert store.trial_rows()[0]["costs"] == {"latency_ms": 1.25, "model_size": 2048.0}


def test_a_store_written_before_output_scores_and_costs_existed_opens_and_takes_them(tmp_path):
    """Stores from before those columns get them on open; their trials read back."""
    with TrialStore(tmp_path) as store:
        store.add_trial(_trial(0), run=store.start_run())
    with sqlite3.connect(tmp_path / "trials.sqlite") as connection:
        connection.execute("ALTER TABLE trials DROP COLUMN output_scores")
        connection.execute("ALTER TABLE trials DROP COLUMN costs")
        connection.execute("PRAGMA user_version = 1")
    with TrialStore(tmp_path) as store:
        assert store.trials() == [_trial(0)]
        store.add_trial(dataclasses.replace(_trial(1), output_scores=(("y", 0.5),),
                                            costs=(("latency_ms", 3.0),)), run=1)
        assert store.trials()[1].output_scores == (("y", 0.5),)
        assert store.trials()[1].costs == (("latency_ms", 3.0),)


def test_a_genome_is_stored_once(tmp_path):
    with TrialStore(tmp_path) as store:
        run = store.start_run()
        store.add_trial(_trial(0), run=run)
        with pytest.raises(sqlite3.IntegrityError):
            store.add_trial(_trial(0), run=run)
        assert store.add_trials([_trial(0), _trial(1)], run=run, skip_stored=True) == 1
        assert store.count() == 2


def _write_trials(folder, label, count):
    with TrialStore(folder) as store:
        run = store.start_run()
        for i in range(count):
            trial = _trial(i, label)
            store.add_trial(Trial(trial.genome, trial.status, trial.objectives,
                                  number=hash((label, i)) % 10**12), run=run)


def test_concurrent_writers_do_not_corrupt_the_store(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_trials, args=(tmp_path, f"w{k}", 60))
               for k in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    with TrialStore(tmp_path) as store:
        assert store.count() == 240
        assert len(store.runs()) == 4
    with sqlite3.connect(tmp_path / "trials.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_project_is_locked_while_a_fit_uses_it(tmp_path):
    with Project(tmp_path / "p"):
        with pytest.raises(RuntimeError, match="another fit is running"):
            Project(tmp_path / "p")
    Project(tmp_path / "p").close()  # released on close



def test_fit_stores_every_trial_and_resumes_with_the_remaining_trials(tmp_path):
    x, y = small_table()  # in this process: what is stored matters here, not where it ran
    first = StructuredDataClassifier(directory=tmp_path, project_name="p", scheduler="in-process",
                                     max_trials=4, **FAST).fit(x, y)
    folder = tmp_path / "p"
    assert {"trials.sqlite", "model.joblib", "leaderboard.csv"} <= {
        p.name for p in folder.iterdir()}
    saved = pd.read_csv(folder / "leaderboard.csv")
    assert len(saved[saved["model"] != "Ensemble"]) == 4  # and the ensemble's row, if one
    assert (saved["model"] == "Ensemble").sum() == (first.ensemble_ is not None)
    assert len(automl.load_model(folder).predict(x)) == len(x)
    with TrialStore(folder) as store:
        stored = store.trials()
    assert stored == first.trials_

    resumed = StructuredDataClassifier(directory=tmp_path, project_name="p", scheduler="in-process",
                                       max_trials=7, **FAST).fit(x, y)
    assert resumed.trials_[:4] == stored  # restored, not re-run
    assert [t.number for t in resumed.trials_] == list(range(7))
    assert len({t.genome for t in resumed.trials_}) == 7
    # The choice: the best confirmed trial, by its score over the search's and fresh folds.
    assert resumed.best_trial_.confirmed
    assert resumed.best_trial_.choice_score == max(t.choice_score for t in resumed.trials_
                                                   if t.confirmed)

    again = StructuredDataClassifier(directory=tmp_path, project_name="p", scheduler="in-process",
                                     max_trials=7, **FAST).fit(x, y)
    assert again.trials_ == resumed.trials_  # the budget is spent: only the refit runs
    with TrialStore(folder) as store:
        assert [run["status"] for run in store.runs()] == ["finished"] * 3

    fresh = StructuredDataClassifier(directory=tmp_path, project_name="p", scheduler="in-process",
                                     max_trials=3, overwrite=True, **FAST).fit(x, y)
    assert len(fresh.trials_) == 3
    with TrialStore(folder) as store:
        assert store.count() == 3 and len(store.runs()) == 1


def test_resume_refuses_other_data_or_settings(tmp_path):
    x, y = small_table()
    settings = dict(directory=tmp_path, project_name="p", scheduler="in-process", max_trials=3,
                    **FAST)
    StructuredDataClassifier(**settings).fit(x, y)
    with pytest.raises(ProjectMismatchError, match="training data .* differs.*overwrite=True"):
        StructuredDataClassifier(**{**settings, "max_trials": 5}).fit(x.iloc[:-1], y.iloc[:-1])
    with pytest.raises(ProjectMismatchError, match="number of folds"):
        StructuredDataClassifier(**{**settings, "cv": 3}).fit(x, y)
    with pytest.raises(ProjectMismatchError, match="seed=0 .* seed=1"):
        StructuredDataClassifier(**{**settings, "seed": 1}).fit(x, y)
    resumed = StructuredDataClassifier(**{**settings, "seed": None, "max_trials": 4}).fit(x, y)
    assert resumed.seed_ == 0 and len(resumed.trials_) == 4


SEARCH_SCRIPT = textwrap.dedent("""
    import faulthandler, signal, sys
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # _finish: where a hang waits
    import numpy as np, pandas as pd
    from automl import StructuredDataClassifier
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300),
                      "c": rng.choice(["u", "v", "w"], size=300)})
    y = (x["a"] + (x["c"] == "u") + rng.normal(scale=0.5, size=300) > 0.5).astype(int)
    model = StructuredDataClassifier(directory=sys.argv[1], project_name="p", cv=3, seed=0,
                                     max_trials=int(sys.argv[2]), population_size=6,
                                     n_jobs=1, verbose=1)
    model.fit(x, y)
    print("RESULT", len(model.trials_), model.interrupted_, model.best_trial_.score, flush=True)
""")


def _start_search(tmp_path, max_trials):
    script = tmp_path / "search.py"
    script.write_text(SEARCH_SCRIPT)
    # Ctrl-C as a terminal has it, however pytest was started: a shell that starts a command in
    # the background (no job control) leaves SIGINT ignored, and a child inherits that.
    return subprocess.Popen([sys.executable, str(script), str(tmp_path), str(max_trials)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_search_killed_with_sigkill_resumes_without_losing_or_repeating_trials(tmp_path):
    process = _start_search(tmp_path, max_trials=40)
    wait_for_trials(tmp_path, process, 6)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with TrialStore(tmp_path / "p") as store:
        before = store.trial_rows()
        assert store.runs()[0]["status"] == "running"  # it never got to say otherwise
    assert 6 <= len(before) < 40

    resumed = _start_search(tmp_path, max_trials=40)
    output = finish(resumed, 300)
    assert resumed.returncode == 0, output
    assert f"resuming: {len(before)} trials stored" in output
    assert "RESULT 40 False" in output
    with TrialStore(tmp_path / "p") as store:
        after = store.trial_rows()
        assert [run["status"] for run in store.runs()] == ["running", "finished"]
    assert after[: len(before)] == before  # nothing lost, nothing rewritten
    assert [row["number"] for row in after] == list(range(40))
    assert len({row["genome_key"] for row in after}) == 40  # nothing evaluated twice
    assert {row["run"] for row in after[len(before):]} == {2}
    best = max(row["score"] for row in after if row["status"] == "ok")
    assert f"RESULT 40 False {best}" in output
    pipeline = automl.load_model(tmp_path / "p")
    x = pd.DataFrame({"a": [0.1, -1.0], "b": [0.0, 2.0], "c": ["u", "w"]})
    assert set(pipeline.predict(x)) <= {0, 1}


def test_ctrl_c_stops_the_search_and_keeps_the_best_model(tmp_path):
    process = _start_search(tmp_path, max_trials=10_000)
    wait_for_trials(tmp_path, process, 4)
    process.send_signal(signal.SIGINT)
    output = finish(process, 120)
    assert process.returncode == 0, output
    assert "interrupted: refitting the best of" in output
    assert "RESULT" in output and " True " in output
    with TrialStore(tmp_path / "p") as store:
        assert store.runs()[0]["status"] == "interrupted"
        count = store.count()
    assert f"RESULT {count} True" in output
    assert (tmp_path / "p" / "model.joblib").is_file()


def test_trials_are_logged_to_mlflow_when_asked(tmp_path):
    pytest.importorskip("mlflow")  # an optional extra; the test extra installs it
    from mlflow.tracking import MlflowClient

    uri = (tmp_path / "mlruns").as_uri()  # a file-based tracking store
    x, y = small_table()
    model = StructuredDataClassifier(n_jobs=1, max_trials=4, mlflow=uri, project_name="shop",
                                     **FAST).fit(x, y)
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("shop")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if r.data.tags.get("automl.kind") == "search"]
    children = [r for r in runs if r.data.tags.get("automl.kind") == "trial"]
    assert len(parents) == 1 and len(children) == 4
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parents[0].info.run_id}
    assert parents[0].data.metrics["best_score"] == pytest.approx(model.best_trial_.score)
    assert {r.data.params["model"] for r in children} == {
        t.genome.describe()["model"] for t in model.trials_}
    logged = {int(r.info.run_name.split()[-1]): r.data.metrics for r in children}
    assert all(dict(t.costs).keys() == {"latency_ms", "batch_latency_ms", "model_size"}
               for t in model.trials_ if t.ok)
    for trial in model.trials_:  # what each trial's model costs to ship
        for name, value in trial.costs:
            assert logged[trial.number][name] == pytest.approx(value)
    assert parents[0].info.status == "FINISHED"


def test_mlflow_argument_is_checked():
    with pytest.raises(ValueError, match="mlflow must be False, True"):
        StructuredDataClassifier(mlflow=3, max_trials=2).fit(*small_table())
