"""Text: documents validated at the boundary, TF-IDF pipelines and Keras text networks in one
search, an exported pipeline that takes documents."""

import joblib
import numpy as np
import pytest

from automl import (
    AutoModel,
    ClassificationHead,
    StructuredDataInput,
    TextClassifier,
    TextRegressor,
)
from automl.blocks import LogisticRegression, TfidfVectorizer
from automl.blocks._keras import capture_space
from automl.blocks.text_network import EMBEDDING_SPACE, SPATIAL_REDUCTION_SPACE
from automl.blocks.text_rnn_network import RNN_BLOCK_SPACE, TEMPORAL_REDUCTION_SPACE

WORDS = np.array(["cheap", "prize", "win", "now", "lunch", "see", "you", "later", "home"])


def documents(rows=60, seed=0):
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(WORDS, 6)) for _ in range(rows)]
    labels = np.where(["prize" in text for text in texts], "spam", "ham")
    return texts, labels


def test_text_stage_spaces_are_autokeras_spaces_frozen():
    assert capture_space("Embedding", (8,), options={"max_features": 101},
                         input_dtype="int64") == EMBEDDING_SPACE
    assert capture_space("SpatialReduction", (8, 4)) == SPATIAL_REDUCTION_SPACE
    assert capture_space("TemporalReduction", (8, 4)) == TEMPORAL_REDUCTION_SPACE
    assert capture_space("RNNBlock", (8, 4), options={"return_sequences": True}) == (
        RNN_BLOCK_SPACE)


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_text_classifier_searches_predicts_and_exports_a_pipeline_on_documents(tmp_path):
    texts, labels = documents()
    model = TextClassifier(max_trials=4, population_size=4, cv=2, seed=0, verbose=0,
                           scheduler="in-process")
    model.fit(texts, labels)
    assert {trial.genome["model"][0].block for trial in model.trials_} >= {
        "ComplementNaiveBayes", "LogisticRegression"}
    assert model.evaluate(texts, labels)["accuracy"] > 0.9
    pipeline = model.export_model()
    joblib.dump(pipeline, tmp_path / "text.joblib")
    again = joblib.load(tmp_path / "text.joblib")
    assert list(again.predict(["win a cheap prize now"])) == list(
        model.predict(["win a cheap prize now"]))
    assert model.predict(np.array(texts[:3], dtype=object)).shape == (3,)


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_text_regressor_fits():
    texts, labels = documents()
    y = (labels == "spam") * 5.0 + 1
    model = TextRegressor(max_trials=2, population_size=2, cv=2, seed=0, verbose=0,
                          scheduler="in-process").fit(texts, y)
    assert model.evaluate(texts, y)["r2"] > 0.5


@pytest.mark.parametrize(("x", "message"), [
    ("a single message", "single string"),
    ([["a", "b"], ["c", "d"]], "shape"),
    (["fine", None, "fine"], "row 1 is None"),
    (["fine", 3.5, "fine"], "row 1 is 3.5"),
    ([], "no documents"),
    (["", "  "] * 5, "only empty documents"),
])
def test_bad_documents_are_named_at_fit(x, message):
    labels = ["a", "b"] * max(len(x) // 2, 1) if isinstance(x, list) else ["a", "b"]
    with pytest.raises((ValueError, TypeError), match=message):
        TextClassifier(max_trials=1, verbose=0).fit(x, labels[:len(x)] or ["a"])


def test_bad_documents_are_named_at_predict():
    texts, labels = documents(20)
    model = TextClassifier(max_trials=1, population_size=2, cv=2, seed=0, verbose=0,
                           scheduler="in-process").fit(texts, labels)
    with pytest.raises(TypeError, match="single string"):
        model.predict("win a prize")
    with pytest.raises(ValueError, match="must hold strings"):
        model.predict(["ok", None])


def test_text_blocks_on_a_table_are_a_clear_error():
    inp = StructuredDataInput()
    out = ClassificationHead()(LogisticRegression()(TfidfVectorizer()(inp)))
    x = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="works on text, but the input is not text"):
        AutoModel(inputs=inp, outputs=out, max_trials=1, verbose=0).fit(x, x[:, 0] > 0)
