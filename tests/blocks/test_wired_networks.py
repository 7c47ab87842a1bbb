"""Networks wired by hand from layer blocks (automl/blocks/layers.py), AutoKeras style: each
layer builds from its frozen space, wired graphs search, predict and export, and wiring
mistakes are named at the API boundary."""

import os

import numpy as np
import pytest

import automl
from automl import blocks
from automl.blocks._layer import LayerContext
from automl.genome import random_gene
from automl.graph import registered_layers
from automl.space import BlockOption

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
N = 40
BACKBONES = {"ResNetBlock", "XceptionBlock", "EfficientNetBlock"}


def tiny_inputs(n: int = N, seed: int = 0):
    """8x8 grey images, a table (a number with gaps and a category), documents; a label that
    depends on the images and a value that depends on the table."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    images = rng.uniform(size=(n, 8, 8, 1)).astype("float32")
    table = pd.DataFrame({"age": rng.normal(size=n), "city": rng.choice(["north", "south"], n)})
    table.loc[::7, "age"] = np.nan
    words = np.array(["cheap", "prize", "win", "now", "lunch", "see", "you"])
    documents = [" ".join(rng.choice(words, 4)) for _ in range(n)]
    labels = np.where(images[:, 0, 0, 0] > 0.5, "bright", "dark")
    values = np.nan_to_num(table["age"].to_numpy()) * 3 + 1
    return images, table, documents, labels, values


# --- every layer block builds from random values of its frozen space ---------------------------

def _layer_inputs(keras, name: str):
    """Keras inputs for the layer ``name`` and the values its context hands out."""
    rng = np.random.default_rng(0)
    if name == "TextVectorization":
        documents = np.array(["win a prize now", "see you at lunch", "cheap prize"], dtype=object)
        return [keras.Input(shape=(1,), dtype="string")], documents, None
    if name == "Embedding":
        return [keras.Input(shape=(6,), dtype="int64")], None, 50
    if name in ("RNNBlock", "TemporalReduction"):
        return [keras.Input(shape=(6, 5))], None, None
    if name == "DenseBlock":
        return [keras.Input(shape=(4,))], None, None
    if name == "Merge":
        return [keras.Input(shape=(4,)), keras.Input(shape=(4,))], None, None
    shape = (32, 32, 3) if name in BACKBONES else (8, 8, 1)
    return [keras.Input(shape=shape)], rng.uniform(size=(5, *shape)), None


@pytest.mark.parametrize("name", sorted(registered_layers()))
def test_layer_builds_from_random_values(name):
    import keras
    import keras_tuner
    import tensorflow as tf

    cls = registered_layers()[name]
    hyperparameters = dict(cls.hyperparameters)
    if "version" in hyperparameters:  # the smallest backbone: the larger ones only add layers
        hyperparameters["version"] = hyperparameters["version"].fixed(
            hyperparameters["version"].default)
    values = random_gene(BlockOption.of(name, hyperparameters, cls),
                         np.random.default_rng(1)).values
    keras.backend.clear_session(free_memory=False)  # a collection costs seconds late in a run
    inputs, training_values, vocabulary_size = _layer_inputs(keras, name)
    hp = keras_tuner.HyperParameters()
    hp.values.update({f"layer/{key}": value for key, value in values.items()})
    context = LayerContext("layer", lambda index: training_values, vocabulary_size)
    options = cls().options()
    output = cls.build_layer(keras, hp, values, inputs, context, options)
    model = keras.Model(inputs, output)
    assert len(output.shape) >= 2
    # The layer computes: a batch of 3 rows gives 3 finite outputs.
    rng = np.random.default_rng(2)
    batch = [tf.constant([["win a prize"], ["see you"], ["cheap lunch"]]) if t.dtype == "string"
             else rng.integers(0, 50, size=(3, *t.shape[1:])) if "int" in str(t.dtype)
             else rng.uniform(size=(3, *t.shape[1:])).astype("float32") for t in inputs]
    answer = np.asarray(model(batch if len(batch) > 1 else batch[0], training=False))
    assert answer.shape[0] == 3 and np.isfinite(answer).all()
    # AutoKeras declared nothing beyond the frozen space and the values held fixed.
    declared = {item.name.removeprefix("layer/") for item in hp.space}
    assert declared <= set(cls.hyperparameters) | set(cls.held_values), declared


def test_merge_space_is_autokeras_space():
    import autokeras
    import keras
    import keras_tuner

    hp = keras_tuner.HyperParameters()
    autokeras.Merge(name="merge").build(hp, [keras.Input(shape=(4,)), keras.Input(shape=(4,))])
    (merge_type,) = hp.space
    assert (tuple(merge_type.values), merge_type.default) == (
        blocks.Merge.hyperparameters["merge_type"].options,
        blocks.Merge.hyperparameters["merge_type"].default)


# --- a wired two-input, two-output network ---------------------------------------------------

@pytest.fixture(scope="module")
def wired():
    images, table, _, labels, values = tiny_inputs()
    image, facts = automl.ImageInput(name="photo"), automl.StructuredDataInput(name="facts")
    pixels = blocks.SpatialReduction()(blocks.ConvBlock(num_blocks=1, num_layers=1)(
        blocks.Normalization()(image)))
    merged = blocks.Merge()([pixels, blocks.DenseBlock(num_layers=1)(facts)])
    bright = automl.ClassificationHead(name="bright")(merged)
    value = automl.RegressionHead(name="value")(blocks.DenseBlock(num_layers=1)(merged))
    model = automl.AutoModel(inputs=[image, facts], outputs=[bright, value], max_trials=2,
                             cv=2, seed=0, scheduler="in-process", verbose=0)
    model.fit([images, table], [labels, values], epochs=1)
    return model, [images, table], [labels, values]


def test_wired_network_searches_its_layers(wired):
    model, x, y = wired
    assert [slot.name for slot in model.search_space_.slots] == [
        "normalization", "conv_block", "spatial_reduction", "dense_block", "merge",
        "dense_block_1", "model"]
    assert all(trial.status.value == "ok" for trial in model.trials_)
    for trial in model.trials_:  # fixed values stay fixed, the others are searched
        assert trial.genome["conv_block"][0].values["num_blocks"] == 1
        assert trial.genome["dense_block"][0].values["num_layers"] == 1
    labels, values = model.predict(x)
    assert labels.shape == values.shape == (N,) and set(labels) <= {"bright", "dark"}
    assert set(model.evaluate(x, y)) == {"bright", "value"}


def test_wired_network_exports_with_its_preprocessing(wired, tmp_path):
    import keras

    import automl.keras_layers  # noqa: F401 - registers FillMissing for loading

    model, x, _ = wired
    exported = model.export_model()
    assert "normalization" in [layer.name for layer in exported.layers]
    exported.save(tmp_path / "wired.keras")
    loaded = keras.saving.load_model(tmp_path / "wired.keras", safe_mode=True)
    inputs = model.pipeline_.keras_inputs(x)
    assert set(inputs) == {"photo", "age", "city"}
    probabilities, values = loaded.predict(inputs, verbose=0)
    assert np.allclose(values[:, 0], model.predict(x)[1], atol=1e-4)
    assert np.array_equal(np.asarray(["bright", "dark"])[probabilities.argmax(axis=1)],
                          model.predict(x)[0])


def test_one_input_one_output_as_in_keras():
    """The functional API of docs/guide/io-api.md: one wired text network; predict returns the array."""
    _, _, documents, labels, _ = tiny_inputs()
    text = automl.TextInput()
    tokens = blocks.TextVectorization(max_tokens=500, sequence_length=32)(text)
    output = automl.ClassificationHead()(blocks.TemporalReduction()(blocks.Embedding()(tokens)))
    model = automl.AutoModel(inputs=text, outputs=output, max_trials=1, cv=2, seed=0,
                             scheduler="in-process", verbose=0).fit(documents, labels, epochs=1)
    predictions = model.predict(documents)
    assert predictions.shape == (N,) and set(predictions) <= {"bright", "dark"}
    assert model.predict_proba(documents).shape == (N, 2)
    assert list(model.classes_) == ["bright", "dark"]


# --- wiring mistakes, named where the user made them ------------------------------------------

def test_pipeline_blocks_do_not_mix_with_layers():
    images, table, _, labels, _ = tiny_inputs()
    image, facts = automl.ImageInput(), automl.StructuredDataInput()
    merged = blocks.Merge()([blocks.Flatten()(image), blocks.DenseBlock()(facts)])
    model = automl.AutoModel(inputs=[image, facts], outputs=[
        automl.ClassificationHead()(merged),
        automl.RegressionHead()(automl.StructuredDataBlock()(facts))])
    with pytest.raises(ValueError, match="StructuredDataBlock .* is a scikit-learn pipeline "
                       "block, but this graph is one Keras network"):
        model.fit([images, table], [labels, labels])
    with pytest.raises(ValueError, match="a part of a Keras network: continue the network with "
                       "layer blocks"):
        blocks.RandomForest()(merged)


def test_outputs_mix_heads_and_nodes():
    images, _, _, labels, values = tiny_inputs()
    image = automl.ImageInput()
    node = automl.ClassificationHead()(blocks.Flatten()(image))
    model = automl.AutoModel(inputs=image, outputs=[node, automl.RegressionHead()])
    with pytest.raises(ValueError, match="outputs mixes heads and graph nodes"):
        model.fit(images, [labels, values])


@pytest.mark.parametrize("wire, message", [
    (lambda text, table: blocks.Merge()([blocks.DenseBlock()(text), blocks.DenseBlock()(table)]),
     "documents enter a network through TextVectorization"),
    (lambda text, table: blocks.Merge()([blocks.TextVectorization()(table),
                                         blocks.TextVectorization()(text)]),
     "vectorizes documents, but is called on StructuredDataInput"),
    (lambda text, table: blocks.Merge()([blocks.Embedding()(table),
                                         blocks.TextVectorization()(text)]),
     "embeds token ids, but is called on StructuredDataInput"),
])
def test_text_wiring_mistakes(wire, message):
    _, table, documents, labels, _ = tiny_inputs()
    text, facts = automl.TextInput(), automl.StructuredDataInput()
    output = automl.ClassificationHead()(blocks.Flatten()(wire(text, facts)))
    model = automl.AutoModel(inputs=[text, facts], outputs=output)
    with pytest.raises(ValueError, match=message):
        model.fit([documents, table], labels)


def test_layer_call_mistakes():
    with pytest.raises(ValueError, match="called on an empty list"):
        blocks.Merge()([])
    with pytest.raises(ValueError, match="takes one input node but was called on 2"):
        blocks.DenseBlock()([automl.ImageInput(), automl.ImageInput()])
    with pytest.raises(TypeError, match="unexpected argument 'units'"):
        blocks.DenseBlock(units=3)
    assert blocks.RNNBlock(return_sequences=True).get_config() == {
        "name": "rnn_block", "return_sequences": True}
