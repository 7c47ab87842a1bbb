"""meta_store=: warm starts from the user's own earlier searches."""

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl
from automl.data import ColumnKind, DataSpec, Task
from automl.evaluation import Status, Trial
from automl.genome import default_genomes, genome_in, pipeline_of
from automl.graph import Graph, StructuredDataInput
from automl.space import build_space
from automl.trials import MetaStore, meta_features

QUIET = dict(n_jobs=1, scheduler="in-process", ensemble_size=0, confirm_repeats=0,
             checks="off", verbose=0)


def _table(rows, seed, columns=4):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.normal(size=(rows, columns)), columns=[f"c{i}" for i in range(columns)])
    return x, (x["c0"] + x["c1"] > 0).astype(int)


def _spec(rows, task=Task.CLASSIFICATION, columns=4, categorical=0):
    kinds = (ColumnKind.CATEGORICAL,) * categorical + (ColumnKind.NUMERICAL,) * (
        columns - categorical)
    return DataSpec(task, tuple(f"c{i}" for i in range(columns)), kinds, rows,
                    classes=(0, 1) if task is Task.CLASSIFICATION else None)


@pytest.fixture(scope="module")
def space():
    spec = _spec(100)
    inp = StructuredDataInput()
    head = automl.ClassificationHead()
    return build_space(Graph(inp, head(automl.StructuredDataBlock()(inp))), spec)


def _ok(genome, score):
    return Trial(genome, Status.OK, (score,), fold_scores=(score,))


def test_meta_features_say_what_a_table_is_like():
    features = meta_features(_spec(1000, columns=10, categorical=5))
    assert features == {"log_rows": 3.0, "log_columns": 1.0, "categorical": 0.5, "text": 0.0,
                        "log_classes": 1.0, "missing": 0.0}
    assert meta_features(_spec(100, Task.REGRESSION))["log_classes"] == 0.0


def test_a_search_keeps_its_best_pipelines_at_most_two_per_model(tmp_path, space):
    store = MetaStore(tmp_path / "searches.jsonl")
    genomes = default_genomes(space)
    trials = [_ok(genomes[0], 0.9), _ok(genomes[0].replace("preprocessing", ()), 0.8),
              _ok(genomes[0].replace("imputer", genomes[1]["imputer"]), 0.85),
              _ok(genomes[1], 0.7), Trial.failed(genomes[2], Status.FAILED, "boom")]
    store.add(_spec(100), trials, "balanced_accuracy", "abc")
    (record,) = [json.loads(line) for line in store.path.read_text().splitlines()]
    scores = [entry["score"] for entry in record["pipelines"]]
    models = [entry["pipeline"]["model"][0][0] for entry in record["pipelines"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    assert max(models.count(model) for model in models) <= 2
    assert record["task"] == "classification" and record["data_fingerprint"] == "abc"
    # meta-features and pipelines, nothing of the data
    assert set(record) == {"version", "task", "meta_features", "objective", "data_fingerprint",
                           "pipelines", "created"}


def test_the_most_similar_searches_of_the_same_task_come_first(tmp_path, space):
    store = MetaStore(tmp_path / "searches.jsonl")
    genomes = default_genomes(space)
    far, near, regression = genomes[1], genomes[2], genomes[3]
    store.add(_spec(1_000_000, columns=200), [_ok(far, 0.9)], "balanced_accuracy", "far")
    store.add(_spec(120), [_ok(far, 0.8)], "balanced_accuracy", "near")
    store.add(_spec(120), [_ok(near, 0.8)], "balanced_accuracy", "near")  # fitted again
    store.add(_spec(100, Task.REGRESSION), [_ok(regression, 0.9)], "r2", "regression")
    warm, used = store.warm_start(space, _spec(100))
    assert used == 2
    firsts = [genome_in(json.loads(text), space) for text in warm.portfolio[:2]]
    assert firsts == [near, far]  # nearest first; the regression's pipeline left out
    assert warm.portfolio[2:] == space.portfolio  # then the preset's own


def test_a_damaged_or_missing_store_is_a_warning(tmp_path, space):
    path = tmp_path / "searches.jsonl"
    with pytest.warns(UserWarning, match="does not exist yet"):
        assert MetaStore(path).warm_start(space, _spec(100)) == (space, 0)
    genome = default_genomes(space)[1]
    MetaStore(path).add(_spec(100), [_ok(genome, 0.9)], "balanced_accuracy", "a")
    with path.open("a") as file:
        file.write("{not json\n[1]\n" + json.dumps({"version": 1, "task": "classification"})
                   + "\n" + json.dumps({"version": 1, "task": "classification", "meta_features":
                                         {"log_rows": None}, "pipelines": []}) + "\n")
        # well formed, but a pipeline no space can hold
        file.write(json.dumps({"version": 1, "task": "classification", "meta_features": {
            "log_rows": 2.0, "log_columns": 0.6}, "pipelines": [{"pipeline": {"model": 3}}]})
            + "\n")
    with pytest.warns(UserWarning, match="4 unreadable entries ignored"):
        warm, used = MetaStore(path).warm_start(space, _spec(100))
    assert used == 1 and genome_in(json.loads(warm.portfolio[0]), space) == genome
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.warns(UserWarning, match="cannot be read"):
        assert MetaStore(path).warm_start(space, _spec(100)) == (space, 0)


def _searcher(**options):
    """A classifier over three cheap models (what a warm start does is the same for any)."""
    inp = automl.StructuredDataInput()
    block = automl.StructuredDataBlock(models=["LogisticRegression", "KNeighbors",
                                               "RandomForest"], max_preprocessors=1)
    return automl.AutoModel(inp, automl.ClassificationHead()(block(inp)), **QUIET, **options)


def test_a_later_search_starts_from_an_earlier_ones_best_pipelines(tmp_path):
    path = tmp_path / "store" / "searches.jsonl"
    with pytest.warns(UserWarning, match="does not exist yet"):
        first = _searcher(max_trials=12, seed=0, meta_store=path).fit(*_table(80, 0))
    (record,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert record["pipelines"][0]["pipeline"] == pipeline_of(first.best_trial_.genome)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the store exists now: no warning
        second = _searcher(max_trials=10, seed=1, meta_store=path).fit(*_table(90, 1))
    stored = {genome_in(entry["pipeline"], second.search_space_)
              for entry in record["pipelines"]}
    first_generation = {trial.genome for trial in second.trials_ if trial.generation == 0}
    assert None not in stored and stored <= first_generation
    assert len(path.read_text().splitlines()) == 2  # the second search added itself


@pytest.mark.parametrize("value, message", [
    (5, "meta_store must be a file path"),
    ("", "meta_store must be a file path"),
])
def test_a_wrong_meta_store_is_named(value, message):
    with pytest.raises(ValueError, match=message):
        automl.StructuredDataClassifier(max_trials=2, meta_store=value, **QUIET).fit(
            *_table(40, 0))


def test_a_folder_is_not_a_meta_store(tmp_path):
    with pytest.raises(ValueError, match="is a folder: name a file in it"):
        automl.StructuredDataClassifier(max_trials=2, meta_store=tmp_path, **QUIET).fit(
            *_table(40, 0))


def test_a_search_of_several_outputs_refuses_a_meta_store(tmp_path):
    x, y = _table(40, 0)
    model = automl.AutoModel(inputs=automl.StructuredDataInput(),
                             outputs=[automl.ClassificationHead(), automl.RegressionHead()],
                             max_trials=1, meta_store=tmp_path / "searches.jsonl", **QUIET)
    with pytest.raises(ValueError, match="meta_store= warm-starts searches of one input"):
        model.fit(x, [y, x["c0"]])


def test_a_store_in_the_home_folder_is_named_with_a_tilde():
    assert MetaStore("~/searches.jsonl").path == Path.home() / "searches.jsonl"
