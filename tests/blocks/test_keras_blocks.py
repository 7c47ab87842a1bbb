"""Keras blocks: frozen spaces match AutoKeras, networks train, pickle and search like the rest."""

import gc

import joblib
import numpy as np
import pytest

from automl import AutoModel, ClassificationHead, StructuredDataInput
from automl.blocks import DenseNetwork, StandardScaler
from automl.blocks._keras import KerasNetwork, capture_space
from automl.blocks.dense_network import DENSE_BLOCK_SPACE


def test_dense_block_space_is_autokeras_space_frozen():
    assert capture_space("DenseBlock", (4,)) == DENSE_BLOCK_SPACE


def _data(rows=80):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 4))
    return x, x[:, 0] + 0.5 * x[:, 1] > 0


@pytest.mark.parametrize("classification", [True, False])
def test_network_trains_pickles_and_predicts_the_same(tmp_path, classification):
    x, labels = _data()
    y = np.where(labels, "yes", "no") if classification else x[:, 0] * 10 + 3
    network = KerasNetwork("DenseBlock", {"num_layers": 1, "units_0": 16},
                           classification=classification, max_epochs=20, learning_rate=1e-2,
                           seed=0).fit(x, y)
    assert 1 <= network.epochs_ <= 20
    joblib.dump(network, tmp_path / "network.joblib")
    copy = joblib.load(tmp_path / "network.joblib")
    assert np.array_equal(copy.predict(x), network.predict(x))
    if classification:
        assert list(network.classes_) == ["no", "yes"]
        assert np.allclose(network.predict_proba(x).sum(axis=1), 1, atol=1e-5)
        assert (network.predict(x) == y).mean() > 0.8
    else:
        assert np.corrcoef(network.predict(x), y)[0, 1] > 0.9  # targets unscaled again


def test_values_reach_the_autokeras_block():
    x, y = _data()
    network = KerasNetwork("DenseBlock", {"num_layers": 3, "units_0": 16, "units_1": 64,
                                          "units_2": 128, "dropout": 0.25},
                           max_epochs=1).fit(x, y)
    dense = [layer.units for layer in network.model_.layers if type(layer).__name__ == "Dense"]
    assert dense == [16, 64, 128, 2]  # three hidden layers, then our two-class head
    assert any(type(layer).__name__ == "Dropout" for layer in network.model_.layers)


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_dense_network_is_searched_and_exported(tmp_path):
    x, y = _data(120)
    inp = StructuredDataInput()
    network = DenseNetwork(max_epochs=10, num_layers=1, learning_rate=0.01)
    out = ClassificationHead()(network(StandardScaler()(inp)))
    model = AutoModel(inputs=inp, outputs=out, max_trials=3, population_size=3, cv=2,
                      scheduler="in-process", seed=0, verbose=0).fit(x, y)
    assert all(trial.ok for trial in model.trials_), [t.reason for t in model.trials_]
    assert len({trial.genome for trial in model.trials_}) == 3
    pipeline = model.export_model(format="sklearn")  # (the .keras export: tests/export/test_export.py)
    joblib.dump(pipeline, tmp_path / "pipeline.joblib")
    assert np.array_equal(joblib.load(tmp_path / "pipeline.joblib").predict(x), model.predict(x))
    assert model.evaluate(x, y)["accuracy"] > 0.8


def test_conv_block_space_is_autokeras_space_frozen():
    from automl.blocks.conv_network import CONV_BLOCK_SPACE

    assert capture_space("ConvBlock", (8, 8, 1)) == CONV_BLOCK_SPACE


@pytest.mark.slow  # ~40 s on 2 cores; the default run stays under 10 minutes
def test_a_network_stops_itself_within_max_eval_time_and_is_scored():
    # Slow learning on 3000 rows keeps the validation loss improving for many epochs, so only
    # the deadline can end training; each fold stops itself at its share of max_eval_time
    # (best weights kept), so the candidate is scored instead of timed out. A fold costs ~3 s
    # beyond its training here (tracing), more on a slower machine: 16 s leave room for both.
    from automl.blocks._keras import import_keras

    import_keras()  # seconds on a CPU, not the candidate's: its time is for training
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 8))
    y = x @ rng.normal(size=8)
    inp = StructuredDataInput()
    network = DenseNetwork(max_epochs=300, learning_rate=0.0001, batch_size=16)
    from automl import RegressionHead

    model = AutoModel(inputs=inp, outputs=RegressionHead()(network(inp)), max_trials=1,
                      population_size=2, cv=2, scheduler="in-process", max_eval_time=16,
                      time_budget=30, seed=0, verbose=0)
    model.fit(x, y)
    trial = model.best_trial_
    assert trial.ok and len(trial.fold_scores) == 2  # scored, not timed out at 16 s
    # The refit on all rows stops itself by the fit's deadline too.
    assert model.fitted_model_.pipeline[-1].epochs_ < 300


@pytest.mark.slow  # ~11 s on 2 cores; the default run stays under 10 minutes
def test_a_trained_network_leaves_nothing_behind_once_it_is_gone():
    # Each traced train step registers gradient functions that hold its graph, for good:
    # ~9,000 objects a network, and freeing many dead networks at once stalled a later one.
    from automl.blocks._keras._tensorflow import _gradient_registry

    x, labels = _data()

    def trained():
        network = KerasNetwork("DenseBlock", {"num_layers": 1, "units_0": 8},
                               classification=True, max_epochs=2, seed=0).fit(x, labels)
        network.predict(x)
        return network

    trained()  # Keras's own first-use state
    gc.collect()
    objects, gradients = len(gc.get_objects()), len(_gradient_registry())
    for _ in range(3):
        trained()
    gc.collect()
    assert len(_gradient_registry()) == gradients
    assert len(gc.get_objects()) - objects < 5_000  # was ~27,000
