"""Export of Keras winners: one keras.Model with the preprocessing inside, saved and loaded in
safe mode, predicts what the fitted task object predicts."""

import numpy as np
import pandas as pd
import pytest

import automl.keras_layers  # noqa: F401 - registers FillMissing for load_model
from automl import (
    AutoModel,
    ClassificationHead,
    ImageBlock,
    ImageInput,
    RegressionHead,
    StructuredDataInput,
    TextBlock,
    TextInput,
)
from automl.blocks import (
    PCA,
    ArithmeticFeatures,
    CrossedTargetEncoder,
    DenseNetwork,
    FrequencyEncoder,
    GroupStatistics,
    QuantileTransformer,
    RealMLP,
    StandardScaler,
)
from automl.export import NotTranslatableError
from automl.serve._served import load_served

SMALL = dict(max_trials=1, population_size=2, cv=2, scheduler="in-process", seed=0, verbose=0)


def _save_and_load(model, tmp_path):
    import keras

    path = tmp_path / "model.keras"
    model.save(path)
    return keras.saving.load_model(path, safe_mode=True)


#: A column name Keras rejects as a layer name: the export keys the input by it all the same.
ODD = "speed (m/s)"


def _table(rows=60):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({ODD: rng.normal(size=rows), "b": rng.normal(size=rows) * 10 + 3,
                          "colour": rng.choice(["red", "green", "blue"], size=rows)})
    frame.loc[[3, 7], ODD] = np.nan
    frame.loc[5, "colour"] = None
    target = (frame["b"] > 3) ^ (frame["colour"] == "red")
    return frame, target.to_numpy()


def _table_inputs(frame: pd.DataFrame) -> dict:
    values = {}
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            values[column] = frame[column].fillna("<missing>").astype(str).to_numpy(object)
        else:
            values[column] = frame[column].to_numpy("float32")
    import tensorflow as tf

    return {k: tf.constant(v.reshape(-1, 1)) for k, v in values.items()}


@pytest.mark.parametrize("regression", [False, True])
def test_a_structured_keras_winner_exports_with_its_preprocessing(tmp_path, regression):
    frame, labels = _table()
    y = frame["b"].to_numpy() * 2 + 1 if regression else np.where(labels, "yes", "no")
    inp = StructuredDataInput()
    network = DenseNetwork(max_epochs=2, num_layers=1)
    head = RegressionHead() if regression else ClassificationHead()
    model = AutoModel(inputs=inp, outputs=head(network(PCA(variance_kept=0.9)(
        StandardScaler()(inp)))), **SMALL).fit(frame, y)
    exported = model.export_model()
    loaded = _save_and_load(exported, tmp_path)
    inputs = _table_inputs(frame)
    outputs = np.asarray(loaded.predict(inputs, verbose=0))
    if regression:
        assert np.allclose(outputs[:, 0], model.predict(frame), rtol=1e-4, atol=1e-4)
    else:
        assert np.allclose(outputs, model.predict_proba(frame), atol=1e-5)
        assert np.array_equal(model.classes_[outputs.argmax(axis=1)], model.predict(frame))
    # The columns as a user has them, 1-D or (n, 1), one after another in one process
    # (Keras alone refuses text of shape (n, 1), and every call after two shapes).
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    for feed in (frame, columns, {name: v.reshape(-1, 1) for name, v in columns.items()},
                 inputs):
        for answer in (loaded.predict(feed, verbose=0), loaded.predict_on_batch(feed)):
            assert np.allclose(np.asarray(answer), outputs, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match=r"\['colour'\] are not among those given"):
        loaded.predict(frame.drop(columns=["colour"]))
    # an unseen category and a missing number go through both the same way
    new = frame.head(3).copy()
    new.loc[0, "colour"], new.loc[1, ODD] = "purple", np.nan
    expected = model.predict(new) if regression else model.predict_proba(new)
    got = np.asarray(loaded.predict(_table_inputs(new), verbose=0))
    assert np.allclose(got[:, 0] if regression else got, expected, rtol=1e-4, atol=1e-4)
    assert model.export_model(format="sklearn") is model.pipeline_
    # automl serve answers the same from the file, fed the raw columns of a request
    served = load_served(tmp_path / "model.keras").predict(new)
    if regression:
        assert np.allclose(served["predictions"], expected, rtol=1e-4, atol=1e-4)
    else:
        probabilities = [[row[i] for i in range(2)] for row in served["probabilities"]]
        assert np.allclose(probabilities, expected, rtol=1e-4, atol=1e-4)
        assert list(model.classes_[served["predictions"]]) == list(model.predict(new))


@pytest.mark.slow  # ~11 s on 2 cores; the default run stays under 10 minutes
def test_an_ensemble_of_networks_exports_as_one_keras_model(tmp_path):
    from sklearn.base import clone

    from automl.fitting._fitted import PipelineModel
    from automl.pipeline import WeightedEnsemble

    frame, labels = _table()
    y = np.where(labels, "yes", "no")
    inp = StructuredDataInput()
    out = ClassificationHead()(DenseNetwork(max_epochs=2, num_layers=1)(StandardScaler()(inp)))
    model = AutoModel(inputs=inp, outputs=out, **SMALL).fit(frame, y)
    other = clone(model.pipeline_).fit(frame, y[::-1])  # a second member, another model
    ensemble = WeightedEnsemble([model.pipeline_, other], [0.25, 0.75], model.classes_)
    fitted = PipelineModel(ensemble, model.fitted_model_.spec, "accuracy", None)
    loaded = _save_and_load(fitted.export(), tmp_path)  # "auto": every member is a network
    got = np.asarray(loaded.predict(_table_inputs(frame), verbose=0))
    assert np.allclose(got, ensemble.predict_proba(frame), atol=1e-5)
    assert not np.allclose(got, model.predict_proba(frame), atol=1e-3)  # both members count


def test_generated_features_export_inside_the_keras_model(tmp_path):
    frame, labels = _table(80)
    frame["rooms"] = np.arange(80) % 4  # a numeric column of few values: groups
    inp = StructuredDataInput()
    features = ArithmeticFeatures(columns=3)(GroupStatistics(values=2)(FrequencyEncoder()(inp)))
    out = ClassificationHead()(DenseNetwork(max_epochs=2, num_layers=1)(
        StandardScaler()(features)))
    model = AutoModel(inputs=inp, outputs=out, **SMALL).fit(frame, labels)
    steps = [step for _, step in model.pipeline_.steps]
    assert [s.groups_ for s in steps if hasattr(s, "groups_")][0]  # both generate columns
    assert [s.pairs_ for s in steps if hasattr(s, "pairs_")][0]
    loaded = _save_and_load(model.export_model(), tmp_path)
    new = frame.head(6).copy()
    new.loc[0, "colour"], new.loc[1, ODD], new.loc[2, "rooms"] = "purple", np.nan, 9
    new.loc[3, "b"] = 0.0  # a zero denominator, if b is in a pair
    got = np.asarray(loaded.predict(_table_inputs(new), verbose=0))
    assert np.allclose(got, model.predict_proba(new), atol=1e-4)


@pytest.mark.slow  # ~12 s on 2 cores; the default run stays under 10 minutes
def test_a_real_mlp_exports_with_its_scaling_and_embedding(tmp_path):
    frame, labels = _table()
    inp = StructuredDataInput()
    out = ClassificationHead()(RealMLP(max_epochs=2, units=64, num_layers=1)(inp))
    model = AutoModel(inputs=inp, outputs=out, **SMALL).fit(frame, labels)
    loaded = _save_and_load(model.export_model(), tmp_path)
    got = np.asarray(loaded.predict(_table_inputs(frame), verbose=0))
    assert np.allclose(got, model.predict_proba(frame), atol=1e-5)


def test_a_step_without_translation_is_named(tmp_path):
    frame, labels = _table()
    inp = StructuredDataInput()
    out = ClassificationHead()(DenseNetwork(max_epochs=1, num_layers=1)(
        QuantileTransformer()(inp)))
    model = AutoModel(inputs=inp, outputs=out, **SMALL).fit(frame, labels)
    with pytest.raises(NotTranslatableError, match="QuantileTransformer.*not affine"):
        model.export_model(format="keras")
    with pytest.warns(UserWarning, match="scikit-learn pipeline"):
        assert model.export_model() is model.pipeline_


def test_an_encoder_of_crossed_categories_is_named_as_not_translatable():
    frame, labels = _table()
    frame["size"] = np.where(np.arange(len(frame)) % 3, "big", "small")
    inp = StructuredDataInput()
    out = ClassificationHead()(DenseNetwork(max_epochs=1, num_layers=1)(
        CrossedTargetEncoder()(inp)))
    model = AutoModel(inputs=inp, outputs=out, **SMALL).fit(frame, labels)
    with pytest.raises(NotTranslatableError, match="CrossedTargetEncoding.*pairs of categ"):
        model.export_model(format="keras")


@pytest.mark.slow  # ~17-20 s on 2 cores; the structured and ensemble exports stay in the default run
def test_an_image_keras_winner_exports(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, size=(40, 8, 8, 1)).astype("float32")
    labels = np.where(images[:, :4].mean(axis=(1, 2, 3)) > 127, "top", "bottom")
    inp = ImageInput()  # ImageBlock restricted to ConvNetwork: a Keras winner
    model = AutoModel(inputs=inp, outputs=ClassificationHead()(ImageBlock(
        models=["ConvNetwork"], max_preprocessors=0)(inp)), **SMALL)
    model.fit(images, labels)
    loaded = _save_and_load(model.export_model(), tmp_path)
    assert np.allclose(loaded.predict(images, verbose=0), model.predict_proba(images), atol=1e-5)


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_text_keras_winner_exports(tmp_path):
    import tensorflow as tf

    documents = ["free prize call now", "see you at lunch", "win cash now", "home later"] * 10
    labels = ["spam", "ham", "spam", "ham"] * 10
    inp = TextInput()
    model = AutoModel(inputs=inp, outputs=ClassificationHead()(TextBlock(
        models=["TextNetwork"])(inp)), **SMALL)
    model.fit(documents, labels)
    loaded = _save_and_load(model.export_model(), tmp_path)
    outputs = loaded.predict(tf.constant([[d] for d in documents]), verbose=0)
    assert np.allclose(outputs, model.predict_proba(documents), atol=1e-5)
