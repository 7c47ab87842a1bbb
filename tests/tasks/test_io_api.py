"""The IO API: several inputs and outputs in one Keras network (automl/fitting/_multi_io)."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import automl
from automl.fitting import ACTIONS, is_multi_io

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
N = 40


def tiny_inputs(n: int = N, seed: int = 0):
    """8x8 grey images, a table (two numbers, one with gaps, and a category) and documents."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(size=(n, 8, 8, 1)).astype("float32")
    table = pd.DataFrame({"size": rng.normal(size=n), "age": rng.normal(size=n),
                          "city": rng.choice(["north", "south", "east"], n)})
    table.loc[::7, "size"] = np.nan
    words = np.array(["cheap", "prize", "win", "now", "lunch", "see", "you"])
    documents = [" ".join(rng.choice(words, 4)) for _ in range(n)]
    labels = np.where(images[:, 0, 0, 0] > 0.5, "bright", "dark")
    values = table["age"].to_numpy() * 3 + 1
    return [images, table, documents], [labels, values]


def make_model(**options):
    settings = {"max_trials": 2, "cv": 2, "seed": 0, "scheduler": "in-process", "verbose": 0,
                **options}
    return automl.AutoModel(
        inputs=[automl.ImageInput(), automl.StructuredDataInput(), automl.TextInput()],
        outputs=[automl.ClassificationHead(), automl.RegressionHead()], **settings)


@pytest.fixture(scope="module")
def fitted():
    x, y = tiny_inputs()
    return make_model().fit(x, y, epochs=1), x, y


def test_is_multi_io():
    inp = automl.StructuredDataInput()
    assert not is_multi_io(inp, automl.ClassificationHead()(automl.StructuredDataBlock()(inp)))
    assert is_multi_io(inp, automl.ClassificationHead())
    assert is_multi_io([inp, automl.ImageInput()], [automl.RegressionHead()])


def test_fit_predict_evaluate(fitted):
    model, x, y = fitted
    assert len(model.trials_) == 2
    names, scores = zip(*model.best_trial_.output_scores)
    assert names == ("classification_head", "regression_head")
    assert model.best_trial_.score == pytest.approx(np.mean(scores))
    labels, values = model.predict(x)
    assert labels.shape == values.shape == (N,)
    assert set(labels) <= {"bright", "dark"} and values.dtype == np.float64
    (probabilities,) = model.predict_proba(x)
    assert probabilities.shape == (N, 2) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    assert list(model.classes_[0]) == ["bright", "dark"] and model.classes_[1] is None
    scores = model.evaluate(x, y)
    assert set(scores) == {"classification_head", "regression_head"}
    assert set(scores["classification_head"]) == {"balanced_accuracy", "accuracy"}
    assert set(scores["regression_head"]) == {"r2", "rmse", "mae"}
    assert model.score(x, y) == pytest.approx(np.mean(
        [scores["classification_head"]["balanced_accuracy"], scores["regression_head"]["r2"]]))
    board = model.leaderboard_
    assert len(board) == 2
    assert board.loc[0, "regression_head_score"] == dict(model.best_trial_.output_scores)[
        "regression_head"]


def test_export_save_and_load(fitted, tmp_path):
    import keras

    import automl.keras_layers  # noqa: F401 - registers FillMissing for loading

    model, x, _ = fitted
    exported = model.export_model()
    assert isinstance(exported, keras.Model)
    exported.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    inputs = model.pipeline_.keras_inputs(x)
    assert set(inputs) == {"image_input", "size", "age", "city", "text_input"}
    before, after = exported.predict(inputs, verbose=0), loaded.predict(inputs, verbose=0)
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(before, after))
    # The exported regression output is in the target's units, as predict's.
    assert np.allclose(after[1][:, 0], model.predict(x)[1], atol=1e-4)


def test_unseen_category_and_missing_values_predict(fitted):
    model, x, _ = fitted
    table = x[1].copy()
    table.loc[:4, "city"] = "atlantis"
    table.loc[:4, "age"] = np.nan
    labels, values = model.predict([x[0], table, x[2]])
    assert np.isfinite(values).all() and len(labels) == N


def test_wrong_number_of_x_entries():
    x, y = tiny_inputs()
    with pytest.raises(ValueError, match=r"x has 2 entries, but the model has 3 inputs: "
                       r"image_input \(ImageInput\), structured_data_input"):
        make_model().fit(x[:2], y)


def test_wrong_number_of_y_entries():
    x, y = tiny_inputs()
    with pytest.raises(ValueError, match=r"y has 1 entries, but the model has 2 outputs"):
        make_model().fit(x, y[:1])


def test_x_entries_with_different_rows():
    x, y = tiny_inputs()
    x[1] = x[1].iloc[:-1]
    with pytest.raises(ValueError, match=r"x\[1\] \(structured_data_input\) has 39 rows, but "
                       r"x\[0\] \(image_input\) has 40"):
        make_model().fit(x, y)


def test_x_and_y_with_different_rows():
    x, y = tiny_inputs()
    y[1] = y[1][:-2]
    with pytest.raises(ValueError, match=r"y\[1\] \(regression_head\) has 38 rows, but x has 40"):
        make_model().fit(x, y)


def test_target_with_nan():
    x, y = tiny_inputs()
    y[1][3] = np.nan
    with pytest.raises(ValueError, match=r"y\[1\] \(regression_head\) has 1 missing values"):
        make_model().fit(x, y)


def test_a_hand_wired_graph_of_pipeline_blocks_is_refused():
    x, y = tiny_inputs()
    inp = automl.StructuredDataInput()
    node = automl.RegressionHead()(automl.StructuredDataBlock()(inp))
    model = automl.AutoModel(inputs=[automl.ImageInput(), inp], outputs=[node], max_trials=1)
    with pytest.raises(ValueError, match="ImageInput 'image_input' is in inputs but no output "
                       "depends on it"):
        model.fit(x[:2], y[1])
    model = automl.AutoModel(inputs=inp, outputs=[node, automl.ClassificationHead()(
        automl.blocks.RandomForest()(inp))])
    with pytest.raises(ValueError, match="StructuredDataBlock .* is a scikit-learn pipeline "
                       "block, but this graph is one Keras network"):
        model.fit(x[1], y[::-1])


def test_default_network_layers(fitted):
    model, _, _ = fitted
    assert [slot.name for slot in model.search_space_.slots] == [
        "image_input_normalization", "image_input_conv_block", "image_input_spatial_reduction",
        "structured_data_input_dense_block", "text_input_text_vectorization",
        "text_input_embedding", "text_input_conv_block", "text_input_spatial_reduction",
        "text_input_dense_block", "merge", "model"]


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_a_stored_search_resumes_on_the_same_data_only(tmp_path):
    from automl.trials import ProjectMismatchError

    x, y = tiny_inputs()
    first = make_model(directory=tmp_path, max_trials=2).fit(x, y, epochs=1)
    assert (tmp_path / "auto_model" / "model.joblib").exists()
    resumed = make_model(directory=tmp_path, max_trials=3).fit(x, y, epochs=1)
    assert len(resumed.trials_) == 3  # the two stored, one new
    for loaded, served in zip(automl.load_model(tmp_path / "auto_model").predict(x),
                              resumed.predict(x)):
        np.testing.assert_array_equal(loaded, served)
    assert [t.genome for t in resumed.trials_[:2]] == [t.genome for t in first.trials_]
    # Each output's score comes back from the store too.
    assert [t.output_scores for t in resumed.trials_[:2]] == [
        t.output_scores for t in first.trials_]
    with pytest.raises(ProjectMismatchError, match="metric of each output"):
        make_model(directory=tmp_path, max_trials=4,
                   objective={"regression_head": "neg_mean_absolute_error"}).fit(x, y, epochs=1)
    # The command line predicts with one-table models only, and says so.
    cli = subprocess.run([sys.executable, "-m", "automl", "predict", str(tmp_path / "auto_model"),
                          str(tmp_path / "auto_model" / "leaderboard.csv")],
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 2 and "(the IO API)" in cli.stderr, cli.stderr
    x[1].loc[0, "age"] = 99.0
    with pytest.raises(ProjectMismatchError, match="data"):
        make_model(directory=tmp_path, max_trials=4).fit(x, y, epochs=1)


def test_the_network_says_what_the_actions_of_one_table_cannot_do(fitted):
    model = fitted[0].fitted_model_
    for action in ACTIONS:
        with pytest.raises(ValueError, match=r"^.+, but this model is a network with inputs "
                           r"\['image_input', .*\(the IO API\)"):
            model.check_supports(action)


def test_predict_with_wrong_entry_count(fitted):
    model, x, _ = fitted
    with pytest.raises(ValueError, match="x has 2 entries, but the model has 3 inputs"):
        model.predict(x[:2])


def test_predict_with_wrong_image_shape(fitted):
    model, x, _ = fitted
    images = np.zeros((N, 9, 9, 1), dtype="float32")
    with pytest.raises(ValueError, match=r"x\[0\] \(image_input\) has images of shape "
                       r"\(9, 9, 1\), but the model was fitted on \(8, 8, 1\)"):
        model.predict([images, x[1], x[2]])


def test_predict_with_other_columns(fitted):
    model, x, _ = fitted
    with pytest.raises(ValueError, match=r"x\[1\] \(structured_data_input\) .* lacks 'city'"):
        model.predict([x[0], x[1].drop(columns=["city"]), x[2]])


@pytest.mark.slow  # ~10-35 s on 2 cores; the default run stays under 10 minutes
def test_an_objective_per_output_and_costs_alongside(tmp_path):
    """objective names a scorer per output (others keep their default); secondary objectives
    join the score in the objective vector; the report covers such a search."""
    x, y = tiny_inputs()
    model = make_model(objective={"regression_head": "neg_mean_absolute_error"},
                       secondary_objectives=("fit_seconds", "model_size")).fit(x, y, epochs=1)
    trial = model.best_trial_
    assert len(trial.objectives) == 3 and trial.objectives[1] > 0 and trial.objectives[2] > 1000
    scores = dict(trial.output_scores)
    assert scores["regression_head"] <= 0  # a negated error
    assert trial.score == pytest.approx(np.mean(list(scores.values())))
    evaluated = model.evaluate(x, y)
    assert list(evaluated["regression_head"]) == ["neg_mean_absolute_error", "r2", "rmse", "mae"]
    assert evaluated["regression_head"]["neg_mean_absolute_error"] == pytest.approx(
        -evaluated["regression_head"]["mae"])
    assert list(evaluated["classification_head"])[0] == "balanced_accuracy"
    assert "regression_head_score" in model.report(tmp_path / "report.html").read_text()


def test_one_objective_for_every_output_must_suit_each():
    x, y = tiny_inputs()
    with pytest.raises(ValueError, match="output 'regression_head': objective 'roc_auc' is a "
                       "classification metric, but the task is regression"):
        make_model(objective="roc_auc").fit(x, y, epochs=1)


def test_an_objective_for_an_output_that_does_not_exist():
    x, y = tiny_inputs()
    with pytest.raises(ValueError, match=r"objective names the output 'price', but the outputs "
                       r"are \['classification_head', 'regression_head'\]"):
        make_model(objective={"price": "r2"}).fit(x, y, epochs=1)


@pytest.mark.slow  # ~14 s on 2 cores; the default run stays under 10 minutes
def test_a_probability_metric_scores_the_network():
    x, y = tiny_inputs()
    single = automl.AutoModel(inputs=automl.ImageInput(), outputs=automl.ClassificationHead(),
                              objective="roc_auc", max_trials=1, cv=2, seed=0,
                              scheduler="in-process", verbose=0).fit(x[0], y[0], epochs=1)
    [(name, score)] = single.best_trial_.output_scores
    assert name == "classification_head" and 0.0 <= score <= 1.0
    assert list(single.evaluate(x[0], y[0])["classification_head"])[0] == "roc_auc"


@pytest.mark.parametrize("labels", [["no", "yes"], [3, 7], ["a", "b", "c"]])
def test_network_predictions_score_as_scikit_learn_scores_them(labels):
    """Any scorer on a network's answers equals the metric called directly (probability
    columns in the order of the sorted classes, the positive class last)."""
    from sklearn import metrics

    from automl.data import Task
    from automl.evaluation import score_predictions

    rng = np.random.default_rng(0)
    classes = np.array(labels)
    probabilities = rng.dirichlet(np.ones(len(classes)), size=60)
    truth = classes[rng.integers(0, len(classes), 60)]
    predicted = classes[probabilities.argmax(axis=1)]
    binary = len(classes) == 2
    expected = {
        "neg_log_loss": -metrics.log_loss(truth, probabilities, labels=classes),
        "roc_auc" if binary else "roc_auc_ovr": metrics.roc_auc_score(
            truth, probabilities[:, 1]) if binary else metrics.roc_auc_score(
            truth, probabilities, multi_class="ovr", labels=classes),
        "balanced_accuracy": metrics.balanced_accuracy_score(truth, predicted),
        "f1_macro": metrics.f1_score(truth, predicted, average="macro"),
    }
    for metric, value in expected.items():
        assert score_predictions(metric, Task.CLASSIFICATION, truth, predicted, probabilities,
                                 classes) == pytest.approx(value), metric
    values, target = rng.normal(size=60), rng.normal(size=60)
    assert score_predictions("neg_mean_absolute_error", Task.REGRESSION, target,
                             values) == pytest.approx(-metrics.mean_absolute_error(target, values))


def test_a_model_pickled_before_metrics_existed_still_evaluates(fitted):
    import pickle

    model, x, y = fitted
    state = pickle.loads(pickle.dumps(model.pipeline_)).__dict__
    del state["metrics"]
    old = object.__new__(type(model.pipeline_))
    old.__setstate__(state)
    assert old.metrics == ("balanced_accuracy", "r2")
    assert old.score(x, y) == pytest.approx(model.score(x, y))
