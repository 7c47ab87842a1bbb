"""The functional API: wiring makes a node per call, and wiring mistakes name the blocks."""

import numpy as np
import pytest

from automl import (
    AutoModel,
    ClassificationHead,
    RegressionHead,
    StructuredDataBlock,
    StructuredDataInput,
)
from automl.blocks import (
    HistGradientBoosting,
    LogisticRegression,
    OneHotEncoder,
    RandomForest,
    StandardScaler,
)
from automl.data import Task, load_training_data
from automl.graph import Graph, Node, NodeKind
from automl.space import build_space


def spec(task=Task.CLASSIFICATION):
    rng = np.random.default_rng(0)
    frame = __import__("pandas").DataFrame({"a": rng.normal(size=20), "c": ["x", "y"] * 10})
    return load_training_data(frame, [0, 1] * 10, task).spec


def test_calling_a_block_twice_gives_independent_nodes():
    scaler = StandardScaler()
    first, second = StructuredDataInput(name="first"), StructuredDataInput(name="second")
    a, b = scaler(first), scaler(second)
    assert a is not b
    assert a.parents == (first,) and b.parents == (second,)
    assert a.producer is scaler and not hasattr(scaler, "inbound_nodes")


def test_head_on_an_input():
    inp = StructuredDataInput(name="table")
    with pytest.raises(ValueError, match="ClassificationHead 'classification_head' was called on "
                                         "StructuredDataInput 'table', but a head takes the "
                                         "output of a model block"):
        ClassificationHead()(inp)


def test_head_on_a_preprocessing_output():
    with pytest.raises(ValueError, match="the output of StandardScaler 'scaler'.*put a model"):
        RegressionHead()(StandardScaler(name="scaler")(StructuredDataInput()))


def test_block_after_a_head_and_model_after_model():
    inp = StructuredDataInput()
    out = ClassificationHead(name="head")(RandomForest(name="forest")(inp))
    with pytest.raises(ValueError, match="ClassificationHead 'head'.*a head ends the graph"):
        StandardScaler()(out)
    with pytest.raises(ValueError, match="the output of RandomForest 'forest', which is already a "
                                         "model's prediction"):
        LogisticRegression()(RandomForest(name="forest")(inp))


def test_encoder_after_a_feature_step():
    inp = StructuredDataInput()
    with pytest.raises(ValueError, match="OneHotEncoder 'one_hot_encoder' works on the raw "
                                         "columns.*StandardScaler 'standard_scaler'"):
        OneHotEncoder()(StandardScaler()(inp))


def test_blocks_take_nodes_not_data():
    with pytest.raises(TypeError, match="was called on ndarray, but blocks are called on nodes"):
        StandardScaler()(np.ones((3, 2)))


def test_output_depending_on_an_undeclared_input():
    declared, other = StructuredDataInput(name="declared"), StructuredDataInput(name="other")
    out = ClassificationHead()(RandomForest()(other))
    with pytest.raises(ValueError, match="depends on StructuredDataInput 'other', which is not in "
                                         "inputs"):
        Graph(declared, out)


def test_input_not_connected_to_any_output():
    used, unused = StructuredDataInput(name="used"), StructuredDataInput(name="unused")
    out = ClassificationHead()(RandomForest()(used))
    with pytest.raises(ValueError, match="StructuredDataInput 'unused' is in inputs but no "
                                         "output depends on it"):
        Graph([used, unused], out)


def test_output_that_is_not_a_head():
    inp = StructuredDataInput()
    with pytest.raises(ValueError, match="the output of RandomForest 'random_forest' does not"):
        Graph(inp, RandomForest()(inp))


def test_cycle_is_reported_with_its_blocks():
    inp = StructuredDataInput()
    scaler, forest = StandardScaler(name="scaler"), RandomForest(name="forest")
    scaled = scaler(inp)
    predicted = forest(scaled)
    scaled.parents = (predicted,)  # only reachable by editing nodes by hand
    out = ClassificationHead()(predicted)
    with pytest.raises(ValueError, match="the graph has a cycle: .*StandardScaler 'scaler'.*"
                                         "RandomForest 'forest'"):
        Graph(inp, out)


def test_two_models_and_no_model():
    inp = StructuredDataInput()
    hand_made = Node(NodeKind.PREDICTION, RandomForest(name="second"),
                     (RandomForest(name="first")(inp),))
    with pytest.raises(ValueError, match="two models, RandomForest 'first' and RandomForest "
                                         "'second'"):
        build_space(Graph(inp, ClassificationHead()(hand_made)), spec())


def test_classification_only_model_under_a_regression_head():
    inp = StructuredDataInput()
    graph = Graph(inp, RegressionHead()(LogisticRegression(name="logit")(inp)))
    with pytest.raises(ValueError, match="LogisticRegression 'logit' serves classification only"):
        build_space(graph, spec(Task.REGRESSION))


def test_explicit_graph_space_pins_fixed_values_and_adds_column_handling():
    inp = StructuredDataInput()
    out = ClassificationHead()(RandomForest(n_estimators=321)(StandardScaler()(inp)))
    space = build_space(Graph(inp, out), spec())
    assert [slot.name for slot in space.slots] == ["imputer", "encoder", "standard_scaler", "model"]
    assert space.slot("model").option("RandomForest").ranges["n_estimators"].value == 321


def test_structured_data_block_restrictions():
    inp = StructuredDataInput()
    block = StructuredDataBlock(models=["SVM", "KNeighbors"], max_preprocessors=1)
    space = build_space(Graph(inp, ClassificationHead()(block(inp))), spec())
    assert [o.block for o in space.slot("model").options] == ["SVM", "KNeighbors"]
    assert space.slot("preprocessing").max_length == 1
    bad = StructuredDataBlock(models=["Boosting"])
    with pytest.raises(ValueError, match="models names 'Boosting', which is not an option"):
        build_space(Graph(inp, ClassificationHead()(bad(inp))), spec())
    with pytest.raises(ValueError, match="nor a registered model block"):
        build_space(Graph(inp, ClassificationHead()(
            StructuredDataBlock(models=["StandardScaler"])(inp))), spec())
    # registered blocks beyond the preset: gradient boosting against a Keras network
    mixed = StructuredDataBlock(models=["HistGradientBoosting", "DenseNetwork"])
    space = build_space(Graph(inp, ClassificationHead()(mixed(inp))), spec())
    assert [o.block for o in space.slot("model").options] == ["HistGradientBoosting",
                                                              "DenseNetwork"]


def test_auto_model_with_a_graph_fits_and_clones():
    from sklearn.base import clone

    inp = StructuredDataInput()
    out = ClassificationHead()(HistGradientBoosting(max_iter=50)(inp))
    model = AutoModel(inputs=inp, outputs=out, max_trials=3, population_size=3, cv=2,
                      n_jobs=1, scheduler="in-process", ensemble_size=0, confirm_repeats=0,
                      checks="off", seed=0, verbose=0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    model.fit(x, (x[:, 0] > 0).astype(int))
    assert set(model.leaderboard_["model"]) == {"HistGradientBoosting"}
    assert set(model.leaderboard_["model.max_iter"]) == {50}
    copy = clone(model)
    assert copy.get_params()["max_trials"] == 3
    copy.fit(x, (x[:, 0] > 0).astype(int))  # the clone's inputs and outputs still form one graph


def test_a_block_registers_only_through_the_decorator(restored_block_registry):
    from automl.graph import Block, Role, register_block, registered_blocks

    class NotRegistered(Block):
        role = Role.MODEL

    class SubclassOfARegisteredBlock(registered_blocks()["RandomForest"]):
        role = Role.MODEL  # setting the role no longer registers

    assert "NotRegistered" not in registered_blocks()
    assert "SubclassOfARegisteredBlock" not in registered_blocks()

    @register_block
    class RegisteredForThisTest(Block):
        role = Role.TRANSFORMER

    assert registered_blocks()["RegisteredForThisTest"] is RegisteredForThisTest


def test_registration_refuses_a_taken_name_and_a_head():
    from automl.graph import Block, ClassificationHead, Role, register_block

    class RandomForest(Block):  # noqa: F811 - the clash is the point
        role = Role.MODEL

    with pytest.raises(ValueError, match="a block named 'RandomForest' is registered already"):
        register_block(RandomForest)
    with pytest.raises(TypeError, match="cannot be registered"):
        register_block(ClassificationHead)


def test_default_spaces_leave_out_blocks_too_costly_for_the_table():
    def models(rows, columns):
        rng = np.random.default_rng(0)
        frame = __import__("pandas").DataFrame(rng.normal(size=(rows, columns)))
        data_spec = load_training_data(frame, np.arange(rows) % 2, Task.CLASSIFICATION).spec
        inp = StructuredDataInput()
        space = build_space(Graph(inp, ClassificationHead()(StructuredDataBlock()(inp))),
                            data_spec)
        return ([o.block for o in space.slot("model").options],
                [o.block for o in space.slot("preprocessing").options])

    small, large, wide = models(200, 3), models(10_001, 3), models(200, 41)
    assert "SVM" in small[0] and "LightGBM" in small[0]
    assert "SVM" not in large[0] and "LightGBM" in large[0]  # a kernel SVM past 10,000 rows
    assert "PolynomialFeatures" in small[1] and "PolynomialFeatures" not in wide[1]


def test_a_block_whose_optional_package_is_missing(tmp_path):
    """Presets leave it out; naming it asks for the package, with the pip command."""
    from dataclasses import replace

    from automl.blocks import LightGBM
    from automl.graph import BlockTags, Role, register_block

    @register_block
    class NeedsAnAbsentPackage(LightGBM):
        role = Role.MODEL
        tags = replace(BlockTags(), requires="automl_no_such_package")

    preset = tmp_path / "mine.toml"
    preset.write_text('[model]\nblocks = ["NeedsAnAbsentPackage", "LightGBM"]\n')
    inp = StructuredDataInput()
    space = build_space(Graph(inp, ClassificationHead()(StructuredDataBlock(preset=str(preset))(inp))),
                        spec())
    assert [option.block for option in space.slot("model").options] == ["LightGBM"]
    inp = StructuredDataInput()
    restricted = StructuredDataBlock(models=["LightGBM", "NeedsAnAbsentPackage"])
    message = ("NeedsAnAbsentPackage needs the 'automl_no_such_package' package, which is not "
               r"installed: pip install 'automl\[automl_no_such_package\]'")
    with pytest.raises(ValueError, match=message):
        build_space(Graph(inp, ClassificationHead()(restricted(inp))), spec())
    inp = StructuredDataInput()
    with pytest.raises(ValueError, match=message):
        build_space(Graph(inp, ClassificationHead()(NeedsAnAbsentPackage()(inp))), spec())
    # The installed optional families do enter a space that names them.
    inp = StructuredDataInput()
    both = StructuredDataBlock(models=["XGBoost", "CatBoost"])
    space = build_space(Graph(inp, ClassificationHead()(both(inp))), spec())
    assert [option.block for option in space.slot("model").options] == ["XGBoost", "CatBoost"]
