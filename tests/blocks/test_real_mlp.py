"""RealMLP: its input scaling and numeric embedding compute what the recipe says, and the
block trains, predicts and answers with its label smoothing."""

import numpy as np

from automl.blocks import RealMLP
from automl.data import Task
from automl.graph import BuildContext


def test_robust_scaling_centres_on_the_median_and_clips_softly():
    from automl.keras_layers import RobustScaleClip

    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(5, 2, 200), np.r_[np.zeros(190), np.ones(10)],
                         np.full(200, 7.0)]).astype("float32")
    layer = RobustScaleClip()
    layer.adapt(x)
    low, median, high = np.percentile(x[:, 0], [25, 50, 75])
    # IQR; half the range where the IQR is 0; 1 for a constant column
    assert np.allclose(layer.scale.numpy(), [high - low, 0.5, 1.0], rtol=1e-5)
    scaled = (x - layer.center.numpy()) / layer.scale.numpy()
    expected = scaled / np.sqrt(1 + (scaled / 3) ** 2)
    got = np.asarray(layer(x))
    assert np.allclose(got, expected, atol=1e-5)
    assert np.abs(np.asarray(layer(np.full((1, 3), 1e6, "float32")))).max() <= 3.0


def test_periodic_embedding_keeps_each_value_beside_its_embedding():
    from automl.keras_layers import PeriodicEmbedding

    x = np.random.default_rng(1).normal(size=(8, 4)).astype("float32")
    out = np.asarray(PeriodicEmbedding(frequencies=6, dims=3)(x))
    assert out.shape == (8, 16)
    assert np.allclose(out.reshape(8, 4, 4)[:, :, 0], x)  # the raw value first, per column
    assert (out.reshape(8, 4, 4)[:, :, 1:] >= 0).all()  # then relu(W cos(...) + c)


def test_real_mlp_trains_with_its_recipe_and_label_smoothing():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(240, 4)) * [1, 100, 1, 1] + [0, 1000, 0, 0]  # scales it must absorb
    y = np.where(x[:, 0] + (x[:, 1] - 1000) / 100 > 0, "yes", "no")
    values = {key: h.default for key, h in RealMLP.hyperparameters.items()}
    network = RealMLP.build({**values, "max_epochs": 30, "num_layers": 1, "units": 64, "batch_size": 32},
                            BuildContext(Task.CLASSIFICATION, seed=0))
    assert network.label_smoothing == 0.1 and network.optimizer == "adamw"
    network.fit(x, y)
    assert (network.predict(x) == y).mean() > 0.85
    assert np.allclose(network.predict_proba(x).sum(axis=1), 1, atol=1e-5)
    assert network.model_.loss.label_smoothing == 0.1  # trained on smoothed one-hot targets
    assert "robust_scale_clip" in [layer.name for layer in network.model_.layers]
