"""Image networks (ResNet, Xception, EfficientNet): frozen spaces match AutoKeras, augmentation
reaches the model, a network pickles and predicts the same."""

import os

import joblib
import numpy as np
import pytest

from automl.blocks import EfficientNetNetwork, ResNetNetwork, XceptionNetwork
from automl.blocks._augmentation import AUGMENTATION_BLOCK_SPACE
from automl.blocks._keras import capture_space
from automl.blocks.efficientnet_network import EFFICIENTNET_BLOCK_SPACE
from automl.blocks.resnet_network import RESNET_BLOCK_SPACE
from automl.blocks.xception_network import XCEPTION_BLOCK_SPACE
from automl.data import Task
from automl.graph import BuildContext

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow is imported lazily, later


# Capturing ResNet's and EfficientNet's spaces builds every version (ResNet152, EfficientNetB7,
# one at 224x224): 30 to 50 s on a 2-core CPU, so those two run with the slow tests.
@pytest.mark.parametrize(("block", "frozen"), [
    pytest.param("ResNetBlock", RESNET_BLOCK_SPACE, marks=pytest.mark.slow),
    ("XceptionBlock", XCEPTION_BLOCK_SPACE),
    pytest.param("EfficientNetBlock", EFFICIENTNET_BLOCK_SPACE, marks=pytest.mark.slow),
], ids=["resnet", "xception", "efficientnet"])
def test_backbone_space_is_autokeras_space_frozen(block, frozen):
    captured = capture_space(block, (32, 32, 3), options={"pretrained": False})
    # Left out on purpose (see the block's file), held False when building.
    assert captured.pop("imagenet_size") == ("bool", (False, True), False)
    assert captured == frozen


def test_augmentation_space_is_autokeras_space_frozen():
    captured = capture_space("ImageAugmentation", (8, 8, 1))
    # Left out on purpose: AutoKeras 3.0 builds no layer from it (see _augmentation.py).
    assert captured.pop("zoom_factor") == ("choice", (0.0, 0.1), 0.0)
    assert captured == AUGMENTATION_BLOCK_SPACE


@pytest.mark.parametrize("cls", [ResNetNetwork, XceptionNetwork, EfficientNetNetwork])
def test_augmentation_and_pretraining_reach_the_network_settings(cls):
    params = {key: hp.default for key, hp in cls.hyperparameters.items()}
    context = BuildContext(Task.CLASSIFICATION, seed=3, input_shape=(8, 8, 1))
    network = cls.build(params, context)
    assert network.augmentation is None
    assert network.block_options == {"pretrained": False}
    assert network.block_values["imagenet_size"] is False
    assert not any(key.startswith("augment") for key in network.block_values)
    network = cls.build({**params, "augment": True, "augment_rotation_factor": 0.1}, context)
    assert network.augmentation == {"translation_factor": 0.0, "horizontal_flip": True,
                                    "vertical_flip": True, "rotation_factor": 0.1,
                                    "contrast_factor": 0.0}
    with pytest.raises(ValueError, match="needs images"):
        cls.build(params, BuildContext(Task.CLASSIFICATION, seed=3))


@pytest.mark.slow  # ResNet50 traces and trains for about a minute on a 2-core CPU
def test_an_augmented_resnet_trains_pickles_and_predicts_the_same(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(40, 8, 8, 1)).astype("float32")
    x, y = images.reshape(40, -1), (images[:, 0, 0, 0] > 0.5).astype(int)
    params = {key: hp.default for key, hp in ResNetNetwork.hyperparameters.items()}
    params.update(augment=True, augment_rotation_factor=0.1, max_epochs=1, batch_size=32)
    network = ResNetNetwork.build(params, BuildContext(Task.CLASSIFICATION, seed=0,
                                                       input_shape=(8, 8, 1))).fit(x, y)
    layers = {type(layer).__name__ for layer in network.model_.layers}
    assert {"RandomFlip", "RandomRotation"} <= layers  # the augmentation, before the backbone
    joblib.dump(network, tmp_path / "network.joblib")
    copy = joblib.load(tmp_path / "network.joblib")
    np.testing.assert_array_equal(copy.predict_proba(x), network.predict_proba(x))
    assert set(network.predict(x)) <= {0, 1}
