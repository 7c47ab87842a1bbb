"""The command line end to end on a CSV file (real subprocesses), and the HTML report."""

import base64
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import automl
from automl._cli_parser import build_parser
from automl.cli import main
from automl.evaluation import Status, Trial
from automl.genome import BlockGene, Genome
from automl.trials import TrialStore, render_report


def automl_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "automl", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def cli_in_process(capsys, *args) -> tuple[int, str]:
    """The command line's exit code and standard error, run in this process (the commands that
    fail fast: a process each would cost seconds of imports; ``automl_cli`` covers the real
    process end to end)."""
    capsys.readouterr()
    try:
        code = main([str(arg) for arg in args])
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"age": rng.integers(18, 80, size=160).astype(float),
                          "income": rng.normal(50, 10, size=160),
                          "city": rng.choice(["Oslo", "Lima", "Pune"], size=160)})
    table.loc[::9, "income"] = np.nan
    table["bought"] = np.where(table["age"] + 2 * (table["city"] == "Oslo") * 10 > 55,
                               "yes", "no")
    table.to_csv(folder / "shop.csv", index=False)
    table.drop(columns=["bought"]).head(7).to_csv(folder / "new.csv", index=False)
    result = automl_cli("fit", folder / "shop.csv", "--target", "bought", "--max-trials", 12,
                        "--time-budget", 120, "--cv", 3, "--n-jobs", 1, "--seed", 0,
                        "--output", folder / "run")
    return folder, result


def test_fit_saves_model_trials_and_report(fitted):
    folder, result = fitted
    assert result.returncode == 0, result.stderr
    assert "classification of 'bought' from 3 columns, 160 rows" in result.stdout
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["task"] == "classification" and summary["trials"] == 12
    assert summary["interrupted"] is False and 0.5 < summary["cv_score"] <= 1
    assert {"trials.sqlite", "model.joblib", "leaderboard.csv", "report.html"} <= {
        p.name for p in (folder / "run").iterdir()}


def test_predict_writes_a_csv_with_probabilities(fitted):
    folder, _ = fitted
    result = automl_cli("predict", folder / "run", folder / "new.csv", "-o",
                        folder / "predictions.csv", "--proba")
    assert result.returncode == 0, result.stderr
    predictions = pd.read_csv(folder / "predictions.csv")
    assert list(predictions.columns) == ["bought", "probability_no", "probability_yes"]
    assert len(predictions) == 7 and set(predictions["bought"]) <= {"yes", "no"}
    assert np.allclose(predictions[["probability_no", "probability_yes"]].sum(axis=1), 1)
    to_stdout = automl_cli("predict", folder / "run", folder / "shop.csv")  # target dropped
    assert to_stdout.returncode == 0 and len(to_stdout.stdout.splitlines()) == 161


def test_report_and_importance_commands(fitted, capsys):
    folder, _ = fitted
    result = automl_cli("report", folder / "run", "-o", folder / "copy.html")
    assert result.returncode == 0 and result.stdout.strip() == str(folder / "copy.html")
    assert "<h2>Leaderboard (top 20)</h2>" in (folder / "copy.html").read_text()
    assert main(["importance", str(folder / "run")]) == 0  # in this process: seconds saved
    printed = capsys.readouterr().out
    assert "too few successful trials" in printed or "importance" in printed


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_resuming_with_the_same_command_runs_no_stored_trial_again(fitted):
    folder, _ = fitted
    result = automl_cli("fit", folder / "shop.csv", "--target", "bought", "--max-trials", 14,
                        "--time-budget", 120, "--cv", 3, "--n-jobs", 1, "--output",
                        folder / "run")
    assert result.returncode == 0, result.stderr
    assert "resuming: 12 trials stored" in result.stdout
    assert json.loads(result.stdout.strip().splitlines()[-1])["trials"] == 14


@pytest.mark.parametrize("args, message", [
    (["fit", "missing.csv", "--target", "y"], "no such file exists"),
    (["fit", "{folder}/shop.csv", "--target", "nope"], "--target 'nope' is not a column"),
    (["fit", "{folder}/shop.csv", "--target", "bought", "--cv", "4", "--output", "{folder}/run"],
     "number of folds (cv) differs"),
    (["predict", "{folder}", "{folder}/new.csv"], "holds no saved model (model.joblib)"),
    (["predict", "{folder}/run", "{folder}/shop.csv", "--proba", "--output", "/dev/null"], None),
    (["fit", "{folder}/shop.csv"], "the following arguments are required: --target"),
    (["fit", "{folder}/shop.csv", "--target", "bought", "--strategy", "annealing", "--output",
      "{folder}/annealing"], "strategy must be one of 'evolution', 'random', 'grid', 'bayesian'"),
    (["frobnicate"], "invalid choice"),
])
def test_exit_codes_and_messages(fitted, args, message, capsys):
    folder, _ = fitted
    code, error = cli_in_process(capsys, *[a.format(folder=folder) for a in args])
    if message is None:
        assert code == 0, error
        return
    assert code == 2, error
    assert message in error


def test_unreadable_inputs_and_odd_paths_are_usage_errors(fitted, capsys):
    """Exit 2 with the problem named, never a traceback: a folder or an empty, binary or
    header-only file as data, a bad --top; a missing output folder is created."""
    folder, _ = fitted
    (folder / "empty.csv").write_text("")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (folder / "header.csv").write_text("age,income,city\n")
    cases = [
        (["fit", folder, "--target", "y"], "which is a folder: pass the CSV file inside it"),
        (["fit", folder / "empty.csv", "--target", "y"], "is not a readable CSV file"),
        (["fit", folder / "binary.csv", "--target", "y"], "is not a readable CSV file"),
        (["predict", folder / "run", folder / "header.csv"], "has no rows"),
        (["importance", folder / "run", "--top", "0"], "must be an integer >= 1"),
    ]
    created = ["predict", folder / "run", folder / "new.csv", "-o",
               folder / "new" / "folder" / "p.csv"]
    for args, message in cases:
        code, error = cli_in_process(capsys, *args)
        assert code == 2 and message in error, (args, error)
    code, error = cli_in_process(capsys, *created)
    assert code == 0, error
    assert len(pd.read_csv(folder / "new" / "folder" / "p.csv")) == 7


@pytest.mark.slow  # ~41 s on 2 cores; the default run stays under 10 minutes
def test_select_and_distill_commands_keep_the_model_on_a_bad_choice(fitted, capsys, tmp_path):
    folder, _ = fitted
    run = shutil.copytree(folder / "run", tmp_path / "run")  # the other tests keep theirs
    # A stand-in for the model served before: the resumed fit's own refit is not it, even
    # where that refit comes out identical.
    saved = b"the model served before the command"
    (run / "model.joblib").write_bytes(saved)
    for args, message in [(["--trial", "999"], "trial=999 is not a successful trial"),
                          (["--max-size-mb", "1e-9"], "no candidate keeps within 1e-09 MB"),
                          (["--time-budget", "1e-6"], "no candidate is refit within"),
                          (["--time-budget", "0"], "time_budget must be a positive number")]:
        code, error = cli_in_process(capsys, "select", run, folder / "shop.csv", *args)
        assert code == 2 and message in error, error
        assert (run / "model.joblib").read_bytes() == saved, args
    with TrialStore.open_existing(run) as store:
        trial = next(t for t in reversed(store.trials()) if t.ok)
    assert main(["select", str(run), str(folder / "shop.csv"), "--trial", str(trial.number),
                 "--time-budget", "600"]) == 0
    chosen = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert chosen["trial"] == trial.number and chosen["costs"]["latency_ms"] > 0
    assert json.loads((run / "selection.json").read_text())["trial"] == trial.number
    assert (run / "model.joblib").read_bytes() != saved
    # The selected model distilled: a network that imitates it, beside it in the folder.
    assert main(["distill", str(run), str(folder / "shop.csv"), "--time-budget", "5"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["student"] == str(run / "student.keras") and summary["fidelity"] > 0.5
    assert json.loads((run / "distillation.json").read_text())["layers"] == summary["layers"]


def test_select_and_distill_need_a_project_that_knows_its_target_column(tmp_path, capsys):
    x = pd.DataFrame({"a": np.arange(24.0), "b": np.arange(24.0) % 5})
    automl.StructuredDataClassifier(max_trials=2, cv=2, seed=0, verbose=0, directory=tmp_path,
                                    project_name="p", scheduler="in-process"
                                    ).fit(x, np.arange(24) % 2)  # y as an array: no column
    x.assign(y=np.arange(24) % 2).to_csv(tmp_path / "t.csv", index=False)
    for command in ("select", "distill"):
        code, error = cli_in_process(capsys, command, tmp_path / "p", tmp_path / "t.csv",
                                     *(["--trial", "0"] if command == "select" else []))
        assert code == 2 and f"'automl {command}' refits on DATA" in error, error
        assert "--target COLUMN" in error


def test_fit_into_the_current_folder(tmp_path, monkeypatch, capsys):
    table = pd.DataFrame({"a": np.arange(30.0), "y": ["p", "q"] * 15})
    table.to_csv(tmp_path / "t.csv", index=False)
    monkeypatch.chdir(tmp_path)  # in this process: the fixture's fit covers a real one
    code, error = cli_in_process(capsys, "fit", "t.csv", "--target", "y", "--max-trials", 2,
                                 "--cv", 2, "--n-jobs", 1, "-q", "--output", ".")
    assert code == 0, error
    assert (tmp_path / "model.joblib").is_file()


def test_fit_passes_the_strategy_screening_and_meta_store_on(tmp_path, capsys):
    pd.DataFrame({"a": np.arange(30.0), "y": ["p", "q"] * 15}).to_csv(tmp_path / "t.csv",
                                                                      index=False)
    fit = ["fit", tmp_path / "t.csv", "--target", "y", "--max-trials", 2, "--cv", 2,
           "--n-jobs", 1, "-q", "--output", tmp_path / "run", "--strategy", "random",
           "--meta-store", tmp_path / "searches.jsonl"]
    code, error = cli_in_process(capsys, *fit)
    assert code == 0, error
    assert json.loads((tmp_path / "searches.jsonl").read_text().splitlines()[0])["pipelines"]
    parse = build_parser().parse_args
    assert parse(["fit", "t.csv", "--target", "y"]).screening is True
    assert parse(["fit", "t.csv", "--target", "y", "--no-screening"]).screening is False


def test_fit_and_select_keep_the_groups_or_time_column(tmp_path, capsys):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=40), "shop": np.repeat(list("abcdefgh"), 5),
                          "y": ["p", "q"] * 20})
    table.to_csv(tmp_path / "t.csv", index=False)
    fit = ["fit", tmp_path / "t.csv", "--target", "y", "--max-trials", 2, "--cv", 2,
           "--n-jobs", 1, "-q", "--output", tmp_path / "run", "--groups", "shop"]
    code, error = cli_in_process(capsys, *fit)
    assert code == 0, error
    loaded = automl.load_model(tmp_path / "run")
    assert "shop" not in loaded.spec.column_names
    assert cli_in_process(capsys, "report", tmp_path / "run")[0] == 0
    assert "2-fold, grouped by &#x27;shop&#x27;" in (tmp_path / "run" / "report.html").read_text()
    # select resumes the stored search: with the same groups, or the data would differ.
    code, error = cli_in_process(capsys, "select", tmp_path / "run", tmp_path / "t.csv",
                                 "--trial", 1)
    assert code == 0, error
    code, error = cli_in_process(capsys, *fit[:-1], "ward")
    assert code == 2 and "--groups 'ward' is not a column" in error
    # Time order instead: the column is a time, the splits chain forward.
    table.assign(shop=np.arange(40)).to_csv(tmp_path / "t.csv", index=False)
    code, error = cli_in_process(capsys, *fit[:-2], "--overwrite", "--time-column", "shop")
    assert code == 0, error
    assert automl.load_model(tmp_path / "run").spec.ignored_columns == ("shop",)
    with pytest.raises(SystemExit):  # one or the other
        build_parser().parse_args(["fit", "t.csv", "--target", "y", "--groups", "a",
                                   "--time-column", "b"])


def test_predict_with_other_columns_is_a_clear_error(fitted, capsys):
    folder, _ = fitted
    pd.DataFrame({"age": [30.0], "salary": [3.0]}).to_csv(folder / "odd.csv", index=False)
    code, error = cli_in_process(capsys, "predict", folder / "run", folder / "odd.csv")
    assert code == 2 and "income" in error


def test_help_explains_commands_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as stop:  # the other tests run the real process
        main(["--help"])
    assert stop.value.code == 0
    printed = capsys.readouterr().out
    for text in ("fit", "select", "distill", "predict", "report", "Exit codes", "resumes"):
        assert text in printed


def _search_trials(count=40, secondary=False):
    rng = np.random.default_rng(3)
    trials = []
    for number in range(count):
        model = ["RandomForest", "SVM"][number % 2]
        value = float(rng.uniform())
        genome = Genome((("model", (BlockGene.of(model, {"v": value}),)),))
        if number % 10 == 9:
            trials.append(Trial(genome, Status.TIMEOUT, None, reason="stopped at max_eval_time",
                                number=number, generation=number // 10))
            continue
        score = 0.8 + 0.1 * value
        objectives = (score, float(rng.uniform(0.01, 2))) if secondary else (score,)
        trials.append(Trial(genome, Status.OK, objectives, (score, score), fit_seconds=0.1,
                            number=number, generation=number // 10, started_at=100.0 + number,
                            finished_at=101.0 + number))
    return trials


def test_report_is_one_self_contained_file_with_every_section():
    trials = _search_trials(secondary=True)
    best = max((t for t in trials if t.ok), key=lambda t: t.score).number
    text = render_report(trials, objective="accuracy", title="demo",
                         secondary_objectives=["fit_seconds"], chosen=best)
    for heading in ("Best pipeline", "Progress", "Leaderboard (top 20)",
                    "Which hyperparameters mattered", "Score against costs", "Failures"):
        assert f"<h2>{heading}</h2>" in text
    assert f"<td>{best}</td>\n      <td>\u2605</td>" in text  # the chosen trial, starred
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == 4  # progress, generations, importance, score against costs
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "stopped at max_eval_time" in text


def test_report_of_a_fitted_model_needs_a_path_without_a_project(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    model = automl.StructuredDataClassifier(max_trials=3, population_size=3, cv=2, n_jobs=1,
                                            seed=0, verbose=0).fit(x, (x[:, 0] > 0).astype(int))
    with pytest.raises(ValueError, match="pass path="):
        model.report()
    path = model.report(tmp_path / "r.html")
    assert path.is_file() and "<h2>Leaderboard (top 20)</h2>" in path.read_text()


def test_report_of_a_fitted_model_with_its_default_project_name(tmp_path):
    """With a directory but no project_name, report() finds the project by the task's default
    name and reports what the folder holds, runs included; one secondary objective may be a
    plain string."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    model = automl.StructuredDataClassifier(max_trials=3, population_size=3, cv=2, n_jobs=1,
                                            seed=0, verbose=0, directory=tmp_path,
                                            secondary_objectives="fit_seconds")
    model.fit(x, (x[:, 0] > 0).astype(int))
    path = model.report()
    assert path == model.project_folder / "report.html" and path.parent.parent == tmp_path
    assert "<h2>Runs</h2>" in path.read_text()
