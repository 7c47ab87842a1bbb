"""Image tasks: validation at the boundary, mixed scikit-learn / Keras search, exported
pipelines that take the images themselves."""

import joblib
import numpy as np
import pytest

from automl import AutoModel, ClassificationHead, ImageBlock, ImageClassifier, ImageInput, ImageRegressor
from automl.blocks import PCA, ConvNetwork, StandardScaler
from automl.data import ImageFlattener, Task, image_array, load_image_data


def _images(count=60, seed=0):
    """Bright square top-left (class 1) or bottom-right (class 0), with noise."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(0, 0.3, size=(count, 6, 6))
    labels = np.arange(count) % 2
    for image, label in zip(images, labels):
        if label:
            image[:3, :3] += 1
        else:
            image[3:, 3:] += 1
    return images, labels


def test_images_are_validated_with_clear_errors():
    with pytest.raises(ValueError, match=r"shape \(5, 4\); images must be \(N, H, W\)"):
        image_array(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        image_array(np.full((2, 3, 3), np.nan))
    with pytest.raises(ValueError, match="must hold numbers"):
        image_array(np.array([[["a"]]]))
    with pytest.raises(ValueError, match="no images"):
        image_array(np.zeros((0, 3, 3)))
    with pytest.raises(ValueError, match="different shapes"):
        image_array([np.zeros((3, 3)), np.zeros((4, 4))])
    with pytest.raises(TypeError, match="array of images"):
        image_array("pictures/")
    assert image_array(np.zeros((2, 3, 3))).shape == (2, 3, 3, 1)


def test_image_data_is_flattened_with_its_shape_in_the_spec():
    images, labels = _images(10)
    data = load_image_data(images, labels, Task.CLASSIFICATION)
    assert data.x.shape == (10, 36) and data.spec.image_shape == (6, 6, 1)
    assert np.array_equal(ImageFlattener((6, 6, 1)).fit(images).transform(images),
                          data.x.to_numpy(dtype="float32"))
    with pytest.raises(ValueError, match="x has 9 rows but y has 10"):
        load_image_data(images[:9], labels, Task.CLASSIFICATION)


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_image_classifier_search_mixes_libraries_and_exports_a_pipeline_for_images(tmp_path):
    images, labels = _images()
    clf = ImageClassifier(max_trials=5, population_size=5, cv=2, n_jobs=1, seed=0, verbose=0)
    clf.fit(images, labels)
    models = set(clf.leaderboard_["model"])
    assert "ConvNetwork" in models and "LogisticRegression" in models
    assert clf.evaluate(images, labels)["accuracy"] > 0.9
    pipeline = clf.export_model()
    joblib.dump(pipeline, tmp_path / "images.joblib")
    assert np.array_equal(joblib.load(tmp_path / "images.joblib").predict(images),
                          clf.predict(images))
    with pytest.raises(ValueError, match=r"fitted on \(6, 6, 1\)"):
        clf.predict(np.zeros((2, 5, 5)))


@pytest.mark.slow  # ~11 s on 2 cores; test_wired_networks covers wiring in the default run
def test_a_convolutional_network_wired_by_hand_trains_on_the_pixels():
    images, labels = _images()
    inp = ImageInput()
    out = ClassificationHead()(ConvNetwork(max_epochs=8, num_blocks=1, num_layers=1,
                                           filters_0_0=16)(StandardScaler()(inp)))
    model = AutoModel(inputs=inp, outputs=out, max_trials=1, cv=2, scheduler="in-process",
                      seed=0, verbose=0, population_size=2).fit(images, labels)
    assert model.best_trial_.ok and model.evaluate(images, labels)["accuracy"] > 0.9


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_searched_step_that_changes_the_pixels_never_comes_before_a_conv_network(tmp_path):
    images, labels = _images()
    preset = tmp_path / "small_images.toml"  # a user's own preset: tiny networks, few epochs
    preset.write_text('[preprocessing]\nblocks = ["PCA", "StandardScaler"]\nmax_length = 1\n'
                      '[model]\nblocks = ["ConvNetwork", "LogisticRegression"]\n'
                      '[ranges.ConvNetwork]\nmax_epochs = [10, 12]\nnum_blocks = [1]\n'
                      'num_layers = [1]\nfilters_0_0 = [16]\n')
    inp = ImageInput()
    out = ClassificationHead()(ImageBlock(preset=str(preset))(inp))
    model = AutoModel(inputs=inp, outputs=out, max_trials=10, population_size=5, cv=2,
                      scheduler="in-process", seed=0, verbose=0).fit(images, labels)
    steps = [(t.genome.describe()["model"], t.genome.describe()["preprocessing"])
             for t in model.trials_]
    assert all(t.ok for t in model.trials_), [t.reason for t in model.trials_]
    assert all(step in ("none", "StandardScaler") for m, step in steps if m == "ConvNetwork")


def test_a_wired_step_that_changes_the_pixels_before_a_conv_network_is_refused():
    images, labels = _images()
    inp = ImageInput()
    out = ClassificationHead()(ConvNetwork(max_epochs=2)(PCA()(inp)))
    with pytest.raises(ValueError, match="PCA changes the columns, but ConvNetwork takes"):
        AutoModel(inputs=inp, outputs=out, max_trials=1, cv=2, scheduler="in-process",
                  verbose=0).fit(images, labels)


def test_image_regressor_predicts_numbers():
    images, labels = _images()
    targets = images[:, :3, :3].mean(axis=(1, 2)) * 10
    reg = ImageRegressor(max_trials=3, population_size=3, cv=2, scheduler="in-process",
                         seed=0, verbose=0)
    reg.fit(images, targets)
    assert reg.evaluate(images, targets)["r2"] > 0.5
    assert reg.predict(images).dtype.kind == "f"


def test_an_image_block_on_a_table_is_a_clear_error():
    from automl import StructuredDataInput

    inp = StructuredDataInput()
    out = ClassificationHead()(ConvNetwork()(inp))
    x = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="works on images, but the input is not images"):
        AutoModel(inputs=inp, outputs=out, max_trials=1, verbose=0).fit(x, x[:, 0] > 0)
