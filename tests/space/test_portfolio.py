"""The portfolio: pipelines a preset names, adapted to each table's space and tried first."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from automl import ClassificationHead, StructuredDataBlock, StructuredDataInput
from automl.data import Task, load_training_data
from automl.genome import default_genomes, genome_in, pipeline_of, portfolio_genomes
from automl.graph import Graph
from automl.search import Evolution
from automl.space import build_space, load_preset, presets_directory


def space_for(frame: pd.DataFrame, preset: str | None = None):
    data = load_training_data(frame, np.arange(len(frame)) % 2, Task.CLASSIFICATION)
    inputs = StructuredDataInput()
    graph = Graph(inputs, ClassificationHead()(StructuredDataBlock(preset=preset)(inputs)))
    return build_space(graph, data.spec)


NUMBERS = pd.DataFrame({"a": np.arange(40.0), "b": np.arange(40.0) % 7})
MIXED = NUMBERS.assign(kind=["u", "v"] * 20)


def test_a_pipeline_fits_spaces_with_and_without_categorical_columns():
    pipeline = {"model": [["LightGBM", {"num_leaves": 63, "not_a_parameter": 1}]],
                "preprocessing": [["StandardScaler", {}]],
                "encoder": [["TargetEncoder", {}]]}
    numeric = genome_in(pipeline, space_for(NUMBERS))
    mixed = genome_in(pipeline, space_for(MIXED))
    assert [slot for slot, _ in numeric.slots] == ["imputer", "preprocessing", "model"]
    assert mixed["encoder"][0].block == "TargetEncoder"
    model = numeric["model"][0]
    assert model.block == "LightGBM" and model.values["num_leaves"] == 63
    assert model.values["learning_rate"] == 0.1  # left out: its default
    assert "not_a_parameter" not in model.values
    # what the space cannot hold is skipped, not forced in
    assert genome_in({"model": [["GaussianProcess", {}]]}, space_for(NUMBERS)) is None
    assert genome_in({"model": [["LightGBM", {"num_leaves": 10**6}]]}, space_for(NUMBERS)) is None
    # and a genome written out comes back equal
    assert genome_in(pipeline_of(mixed), space_for(MIXED)) == mixed


def test_the_shipped_portfolios_hold_pipelines_of_their_spaces():
    for task, preset in (("classification", "structured_classification"),
                         ("regression", "structured_regression")):
        document = json.loads((presets_directory() / f"portfolio_{task}.json").read_text())
        assert len(load_preset(preset).portfolio) == len(document["pipelines"]) >= 5
    space = space_for(MIXED)
    assert len(portfolio_genomes(space)) >= 5


def test_the_first_generation_is_the_defaults_then_the_portfolio(tmp_path):
    pipelines = [{"model": [["LightGBM", {"num_leaves": 7}]]},
                 {"model": [["RandomForest", {"n_estimators": 77}]]},
                 {"model": [["DenseNetwork", {}]]}]  # registered, not in this space
    (tmp_path / "mine.json").write_text(json.dumps({"pipelines": pipelines}))
    preset = (presets_directory() / "structured_classification.toml").read_text()
    preset = "\n".join(line for line in preset.splitlines() if not line.startswith("portfolio"))
    (tmp_path / "mine.toml").write_text('portfolio = "mine.json"\n' + preset)
    space = space_for(NUMBERS, str(tmp_path / "mine.toml"))
    defaults = default_genomes(space)
    strategy = Evolution(space, np.random.default_rng(0), population_size=4)
    first = strategy.ask(100, lambda genome: True)
    assert first[:len(defaults)] == defaults
    assert [g["model"][0].values.get("num_leaves", g["model"][0].values.get("n_estimators"))
            for g in first[len(defaults):]] == [7, 77]
    assert len(first) == len(defaults) + 2  # larger than population_size: all of them


def test_a_broken_portfolio_file_is_named(tmp_path):
    preset = (presets_directory() / "structured_classification.toml").read_text()
    preset = "\n".join(line for line in preset.splitlines() if not line.startswith("portfolio"))
    (tmp_path / "missing.toml").write_text('portfolio = "nowhere.json"\n' + preset)
    with pytest.raises(ValueError, match="portfolio .*nowhere.json.* cannot be read"):
        load_preset(tmp_path / "missing.toml")
    (tmp_path / "bad.json").write_text(json.dumps({"pipelines": [{"model": [["Boost", {}]]}]}))
    (tmp_path / "bad.toml").write_text('portfolio = "bad.json"\n' + preset)
    with pytest.raises(ValueError, match="names block 'Boost'; the blocks are"):
        load_preset(tmp_path / "bad.toml")
    (tmp_path / "shape.json").write_text(json.dumps({"pipelines": [{"model": "LightGBM"}]}))
    (tmp_path / "shape.toml").write_text('portfolio = "shape.json"\n' + preset)
    with pytest.raises(ValueError, match="a pipeline is"):
        load_preset(tmp_path / "shape.toml")


def test_a_held_out_portfolio_never_sees_its_table():
    # tools/portfolio.py's leave-one-table-out choice: table "t0" neither contributes
    # candidates nor its column of the score matrix; changing that column changes nothing.
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from portfolio import choose

    rng = np.random.default_rng(0)
    tables = [f"t{i}" for i in range(5)]
    candidates = [{"source": "defaults", "task": "classification"}] * 2 + [
        {"source": table, "task": "classification"} for table in tables for _ in range(3)]
    matrix = {table: list(rng.random(len(candidates))) for table in tables}
    others = tables[1:]
    chosen, _ = choose(candidates, matrix, others, "classification", 4, 2, left_out="t0")
    assert chosen and all(candidates[i]["source"] != "t0" for i in chosen)
    matrix["t0"] = list(rng.random(len(candidates)))
    assert choose(candidates, matrix, others, "classification", 4, 2, left_out="t0")[0] == chosen
    # Not left out, its own candidates can be chosen: the test above can fail.
    with_own, _ = choose(candidates, matrix, tables, "classification", 13, 2)
    assert any(candidates[i]["source"] == "t0" for i in with_own)
