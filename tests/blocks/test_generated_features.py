"""The feature-generation blocks: what they compute, what they learn from the training rows
only, how they name their columns, and how they treat missing values and unseen groups."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from automl.blocks import ArithmeticFeatures, FrequencyEncoder, GroupStatistics
from automl.blocks.arithmetic_features import PairArithmetic
from automl.blocks.crossed_target_encoder import CrossedTargetEncoding
from automl.blocks.frequency_encoder import CategoryFrequencies
from automl.blocks.group_statistics import GroupMeans
from automl.data import Task
from automl.graph import BuildContext


def _informative_pair(rows=400):
    """Six columns; the target is the sign of x1 * x4, so those two rank first."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 6))
    return x, (x[:, 1] * x[:, 4] > 0).astype(int)


def test_arithmetic_features_combine_the_informative_pairs():
    x, y = _informative_pair()
    step = PairArithmetic(columns=2).fit(x, y)
    assert [sorted(pair) for pair in step.pairs_] == [[1, 4]]
    a, b = step.pairs_[0]
    out = step.transform(x)
    assert out.shape == (400, 9)
    assert np.array_equal(out[:, :6], x)
    assert np.allclose(out[:, 6:], np.column_stack([x[:, a] * x[:, b], x[:, a] / x[:, b],
                                                    x[:, a] - x[:, b]]))
    names = list(step.get_feature_names_out([f"c{i}" for i in range(6)]))
    assert names[6:] == [f"c{a}*c{b}", f"c{a}/c{b}", f"c{a}-c{b}"]
    # the product is what a shallow tree needed: it now separates the classes
    tree = DecisionTreeClassifier(max_depth=1, random_state=0)
    assert tree.fit(out[:, 6:7], y).score(out[:, 6:7], y) > 0.95


def test_arithmetic_features_bound_the_width_and_handle_zero_and_missing():
    x, y = _informative_pair()
    step = PairArithmetic(columns=4, operations="ratio").fit(x, y)
    assert len(step.pairs_) == 6 and step.transform(x).shape == (400, 12)
    probe = x[:3].copy()
    a, b = step.pairs_[0]
    probe[0, b], probe[1, a] = 0.0, np.nan
    ratios = step.transform(probe)[:, 6]
    assert ratios[0] == 0.0 and np.isnan(ratios[1]) and np.isfinite(ratios[2])
    constant = np.column_stack([x[:, :2], np.ones(400)])
    assert all(2 not in pair for pair in PairArithmetic(columns=3).fit(constant, y).pairs_)
    with pytest.raises(ValueError, match="operations='squares'"):
        PairArithmetic(operations="squares").fit(x, y)
    with pytest.raises(ValueError, match="fitted on 6 columns; received 5"):
        step.transform(x[:, :5])


def test_group_statistics_learn_the_group_means_of_the_training_rows():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 4))
    x[:, 2] = rng.integers(0, 3, size=300)  # three groups: the only column of few values
    y = (x[:, 2] + x[:, 0] > 1.5).astype(int)
    step = GroupMeans(values=1).fit(x, y)
    group = step.groups_[0]
    assert group["key"] == 2 and group["levels"] == [0.0, 1.0, 2.0]
    value = group["values"][0]
    expected = [x[x[:, 2] == level, value].mean() for level in (0, 1, 2)]
    assert np.allclose(np.ravel(group["means"]), expected)
    # 1 + 1e-6: the round-off of a float32 export is still group 1
    new = np.array([[0.5, 0.5, 1 + 1e-6, 0.5], [0.5, 0.5, 7.0, 0.5], [0.5, 0.5, np.nan, 0.5]])
    out = step.transform(new)
    share = np.mean(x[:, 2] == 1)
    assert np.allclose(out[0, 4:], [share, expected[1], 0.5 - expected[1]])
    overall = x[:, value].mean()  # a group never seen, or missing: the overall mean
    assert np.allclose(out[1:, 4:], [[0.0, overall, 0.5 - overall]] * 2)
    assert list(step.get_feature_names_out(["a", "b", "region", "d"]))[4:] == [
        "share(region)", f"mean({'abcd'[value]}|region)",
        f"{'abcd'[value]}-mean({'abcd'[value]}|region)"]


def test_group_statistics_without_a_grouping_column_add_nothing():
    x, y = _informative_pair(100)  # every column continuous
    step = GroupMeans().fit(x, y)
    assert step.groups_ == [] and np.array_equal(step.transform(x), x)


def test_frequency_encoder_codes_categories_by_their_share():
    frame = pd.DataFrame({"city": ["Oslo", "Rome", "Oslo", "Oslo"], "size": ["S", "M", "M", "M"]})
    step = CategoryFrequencies().fit(frame)
    got = step.transform(pd.DataFrame({"city": ["Rome", "Lima"], "size": ["S", "M"]}))
    assert np.allclose(got, [[0.25, 0.25], [0.0, 0.75]])
    assert list(step.get_feature_names_out()) == ["share(city)", "share(size)"]
    assert [list(c) for c in step.categories_] == [["Oslo", "Rome"], ["M", "S"]]


def test_the_blocks_build_for_the_task_and_run_in_a_pipeline():
    x, y = _informative_pair()
    context = BuildContext(Task.REGRESSION, seed=3)
    arithmetic = ArithmeticFeatures.build({"columns": 3, "operations": "product"}, context)
    groups = GroupStatistics.build({"keys": 1, "values": 2, "max_levels": 8}, context)
    assert not arithmetic.classification and arithmetic.random_state == 3
    assert isinstance(FrequencyEncoder.build({}, context), CategoryFrequencies)
    pipeline = make_pipeline(groups, arithmetic, DecisionTreeClassifier(random_state=0))
    x[:, 5] = np.round(x[:, 5])  # a column of few values to group by
    assert pipeline.fit(x, y).score(x, y) > 0.9


def test_group_statistics_need_another_column_to_average():
    x = np.column_stack([np.arange(40) % 3, np.ones(40)])  # the key, and a constant column
    step = GroupMeans().fit(x, np.arange(40) % 2)
    assert step.groups_ == [] and step.transform(x).shape == (40, 2)


def test_crossed_target_encoding_finds_an_interaction_of_two_categories():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"shape": rng.choice(["round", "square", "oval"], 400),
                          "colour": rng.choice(["red", "blue"], 400),
                          "shop": [f"s{i}" for i in rng.integers(0, 60, 400)]})
    y = ((frame["shape"] == "round") ^ (frame["colour"] == "red")).astype(int).to_numpy()
    step = CrossedTargetEncoding(columns=2)
    training = step.fit_transform(frame, y)
    assert step.pairs_ == [("colour", "shape")]  # the two with the fewest categories
    assert list(step.get_feature_names_out()) == ["shape", "colour", "shop", "colour&shape"]
    # neither column alone tells the class; their cross does
    assert abs(np.corrcoef(training[:, 0], y)[0, 1]) < 0.2
    assert np.corrcoef(training[:, 3], y)[0, 1] > 0.95
    # the training rows are encoded out of fold, new rows by the encoder of all rows
    assert not np.allclose(training, step.transform(frame))
    assert not CrossedTargetEncoding.keras_translatable
