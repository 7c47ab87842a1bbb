"""Learning-rate schedules, the range test and snapshot ensembles of every network (real
TensorFlow, tiny data, a few epochs)."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from automl.blocks._keras import (
    SCHEDULES,
    KerasNetwork,
    averaged,
    compile_and_fit,
    import_keras,
    range_test,
    rate_at,
)
from automl.blocks._keras._schedules import ONE_CYCLE_END, ONE_CYCLE_START, RESTART_FLOOR
from automl.runtime import deadline_scope


def test_each_schedule_moves_the_rate_as_its_paper_draws_it():
    peak = 0.01
    progress = np.linspace(0, 1, 601)
    rates = {name: np.array([rate_at(name, p, peak, 3) for p in progress]) for name in SCHEDULES}
    assert np.all(rates["constant"] == peak)
    one_cycle = rates["one_cycle"]  # up for 30 %, then down to almost nothing
    assert one_cycle[0] == pytest.approx(peak / ONE_CYCLE_START)
    assert one_cycle.argmax() == 180 and one_cycle.max() == pytest.approx(peak)
    assert one_cycle[-1] == pytest.approx(peak / ONE_CYCLE_END)
    assert np.all(np.diff(one_cycle[:181]) >= 0) and np.all(np.diff(one_cycle[180:]) <= 0)
    triangular = rates["triangular"]  # three triangles between a quarter of the peak and it
    assert triangular[[100, 300, 500]] == pytest.approx([peak] * 3)
    assert triangular[[0, 200, 400]] == pytest.approx([peak / 4] * 3)
    restarts = rates["cosine_restarts"]  # three annealings, each restarting at the peak
    assert restarts[[0, 200, 400]] == pytest.approx([peak] * 3)
    for cycle in range(3):
        inside = restarts[200 * cycle:200 * cycle + 200]
        assert np.all(np.diff(inside) < 0) and inside[-1] < peak / 100
    assert restarts[-1] == pytest.approx(peak / RESTART_FLOOR, rel=1e-3)
    with pytest.raises(ValueError, match="lr_schedule='linear'"):
        rate_at("linear", 0.5, peak, 3)


def _tiny_regression(rows=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.normal(size=rows)).astype(
        "float32")


def _dense(keras):
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(8)(inputs)))


def test_a_schedule_stopped_by_the_deadline_has_still_annealed():
    keras = import_keras()
    keras.utils.set_random_seed(0)
    x, y = _tiny_regression()
    model = _dense(keras)
    # 100,000 epochs asked for, ~5 s given: a busy machine can spend 2 s tracing alone.
    with deadline_scope(time.monotonic() + 5.0):
        epochs, snapshots = compile_and_fit(
            model, x, y, None, train_rows=len(x), loss="mse", optimizer="adam",
            learning_rate=0.01, batch_size=32, max_epochs=100_000, lr_schedule="one_cycle")
    assert 1 < epochs < 100_000 and snapshots == []  # stopped by the deadline
    # The last batch's rate: the end of the cycle, not its peak.
    assert float(model.optimizer.learning_rate.numpy()) < 0.01 / 100


def test_a_schedule_runs_its_epochs_when_an_execution_spans_more_than_an_epoch():
    # 40 rows in batches of 32: two steps an epoch, fewer than a call into TensorFlow runs.
    keras = import_keras()
    keras.utils.set_random_seed(0)
    x, y = _tiny_regression(rows=40)
    model = _dense(keras)
    epochs, _ = compile_and_fit(model, x, y, None, train_rows=len(x), loss="mse",
                                optimizer="adam", learning_rate=0.01, batch_size=32,
                                max_epochs=3, lr_schedule="triangular")
    assert epochs == 3


def _compiled_network():
    """Keras, a small network compiled with Adam, and its seeded tiny regression."""
    keras = import_keras()
    keras.utils.set_random_seed(0)
    data = _tiny_regression()
    model = _dense(keras)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return keras, model, data


def test_the_range_test_picks_a_rate_below_divergence_and_leaves_the_weights():
    keras, model, (x, y) = _compiled_network()
    before = [w.copy() for w in model.get_weights()]
    rate = range_test(model, x, y, batch_size=32, training_steps=1_000, fallback=0.5,
                      key="candidate-1")
    assert 1e-4 < rate < 0.2
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    # The next fold of the same candidate reuses it: its network, not even compiled, is not
    # swept (a sweep would raise).
    assert range_test(_dense(keras), x[:10], y[:10], batch_size=32, training_steps=1,
                      fallback=0.5, key="candidate-1") == rate


def test_a_range_test_stops_at_the_deadline():
    # A refit runs until its deadline: a sweep that ignored it ran a network's refit past the
    # search's time budget. Past the deadline the sweep takes one batch: nothing to read off
    # a one-point curve, so the searched rate stays.
    keras, model, (x, y) = _compiled_network()
    assert 1e-4 < range_test(model, x, y, batch_size=32, training_steps=1_000,
                             fallback=0.5) < 0.2  # the same sweep, given the time
    with deadline_scope(time.monotonic()):
        assert range_test(model, x, y, batch_size=32, training_steps=1_000,
                          fallback=0.5) == 0.5


def test_a_range_test_whose_loss_never_falls_keeps_the_searched_rate():
    # Targets that are noise, a network that starts at their mean: no rate makes the loss
    # fall, so the curve's minimum is noise
    # (it once sat at the sweep's first rate, 1e-7, and the network never learned).
    keras = import_keras()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 4)).astype("float32")
    y = rng.normal(size=2000).astype("float32")
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")  # starts at the mean
    assert range_test(model, x, y, batch_size=32, training_steps=1_000, fallback=0.003) == 0.003


@pytest.fixture(scope="module")
def snapshot_network():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 3)).astype("float32")
    y = np.where(x[:, 0] + x[:, 1] > 0, "up", "down")
    network = KerasNetwork(block_values={"num_layers": 1, "units_0": 16, "dropout": 0.0,
                                         "use_batchnorm": False},
                           max_epochs=30, batch_size=32, lr_schedule="cosine_restarts",
                           lr_cycles=3, snapshots=3, lr_policy="range_test", seed=0).fit(x, y)
    return network, x, y


@pytest.mark.slow  # ~18 s on 2 cores; the default run stays under 10 minutes
def test_a_snapshot_ensemble_averages_the_last_cycles_in_one_model(snapshot_network, tmp_path):
    import pickle

    import keras

    network, x, y = snapshot_network
    model = network.model_
    members = [layer for layer in model.layers if layer.name.startswith("snapshot_")
               and layer.name != "snapshot_average"]
    assert len(members) == 3 and model.get_layer("snapshot_average") is not None
    answers = [np.asarray(member(x)) for member in members]
    assert not np.allclose(answers[0], answers[-1], atol=1e-4)  # different weights...
    assert np.allclose(network.predict_proba(x), np.mean(answers, axis=0), atol=1e-5)  # averaged
    assert np.mean(network.predict(x) == y) > 0.8
    again = pickle.loads(pickle.dumps(network))
    assert np.allclose(again.predict_proba(x), network.predict_proba(x), atol=1e-6)
    model.save(tmp_path / "snapshots.keras")
    loaded = keras.saving.load_model(tmp_path / "snapshots.keras", safe_mode=True)
    assert np.allclose(np.asarray(loaded(x)), network.predict_proba(x), atol=1e-6)
    # A fresh process that never imports automl loads it in safe mode, to equal predictions.
    np.save(tmp_path / "x.npy", x)
    subprocess.run([sys.executable, "-c", (
        "import sys, keras, numpy as np; folder = sys.argv[1]; "
        "model = keras.saving.load_model(folder + '/snapshots.keras', safe_mode=True); "
        "assert 'automl' not in sys.modules; "
        "np.save(folder + '/p.npy', np.asarray(model(np.load(folder + '/x.npy'))))"),
        str(tmp_path)], check=True, timeout=120, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    assert np.allclose(np.load(tmp_path / "p.npy"), network.predict_proba(x), atol=1e-6)


def test_without_warm_restarts_snapshots_change_nothing():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 3)).astype("float32")
    y = x[:, 0] * 2.0
    network = KerasNetwork(block_values={"num_layers": 1, "units_0": 8, "dropout": 0.0,
                                         "use_batchnorm": False}, classification=False,
                           max_epochs=3, lr_schedule="triangular", snapshots=3, seed=0).fit(x, y)
    assert "snapshot_average" not in [layer.name for layer in network.model_.layers]
    assert network.epochs_ == 3 and np.isfinite(network.predict(x)).all()


def test_a_snapshot_ensemble_of_several_outputs_keeps_their_names(tmp_path):
    keras = import_keras()

    def build():
        inputs = keras.Input(shape=(3,), name="facts")
        hidden = keras.layers.Dense(4)(inputs)
        model = keras.Model(inputs, [keras.layers.Dense(1, name="price")(hidden),
                                     keras.layers.Dense(2, name="kind")(hidden)])
        return model, model

    model, _ = build()
    snapshots = [model.get_weights(), [w + 1.0 for w in model.get_weights()]]
    ensemble = averaged(build, snapshots)
    assert ensemble.output_names == ["price", "kind"]
    x = np.ones((2, 3), "float32")
    first, second = build()[0], build()[0]
    first.set_weights(snapshots[0])
    second.set_weights(snapshots[1])
    for got, a, b in zip(ensemble(x), first(x), second(x)):
        assert np.allclose(np.asarray(got), (np.asarray(a) + np.asarray(b)) / 2, atol=1e-6)
    ensemble.save(tmp_path / "two_outputs.keras")
    loaded = keras.saving.load_model(tmp_path / "two_outputs.keras", safe_mode=True)
    assert loaded.output_names == ["price", "kind"]
    assert all(np.allclose(np.asarray(a), np.asarray(b), atol=1e-6)
               for a, b in zip(loaded(x), ensemble(x)))
