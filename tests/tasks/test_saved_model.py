"""One saved model, one loader: ``automl.load_model`` on a project folder, whatever it holds,
and folders saved before the model was kept whole."""

import json
import pickle
import shutil

import joblib
import numpy as np
import pytest
from search_processes import small_table

import automl
from automl.fitting import ACTIONS, PipelineModel
from automl.trials import CHECKSUMS_FILE, MODEL_FILE, PIPELINE_FILE, PROFILE_FILE

FAST = {"cv": 2, "seed": 0, "verbose": 0, "scheduler": "in-process", "checks": "off"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A classifier fitted with the random strategy, y taken from a column of x."""
    x, y = small_table()
    table = x.assign(label=np.where(y == 1, "yes", "no"))
    directory = tmp_path_factory.mktemp("projects")
    model = automl.StructuredDataClassifier(
        directory=directory, project_name="p", max_trials=4, strategy="random", **FAST
    ).fit(table, "label")
    return directory / "p", model, table


def test_load_model_answers_as_the_fitted_estimator(folder, tmp_path):
    path, model, table = folder
    loaded = automl.load_model(path)
    assert isinstance(loaded, PipelineModel) and loaded.is_classifier
    assert list(loaded.classes_) == ["no", "yes"] == list(model.classes_)
    # Raw rows, the target column included (it is dropped), or a CSV file of them.
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    np.testing.assert_allclose(loaded.predict_proba(table), model.predict_proba(table))
    table.to_csv(tmp_path / "rows.csv", index=False)
    np.testing.assert_array_equal(loaded.predict(tmp_path / "rows.csv"), model.predict(table))
    assert loaded.evaluate(table, "label") == pytest.approx(model.evaluate(table, "label"))
    assert loaded.input_columns == ["a", "b", "c"] and loaded.target_column == "label"
    assert set(loaded.drift(table.head(60))["column"]) == {"a", "b", "c", "(prediction)"}
    for action in ACTIONS:
        loaded.check_supports(action)  # a model of one table can do them all


def test_a_regressor_has_no_probabilities(tmp_path):
    x, y = small_table()
    automl.StructuredDataRegressor(directory=tmp_path, project_name="r", max_trials=2, **FAST
                                   ).fit(x, x["a"] * 2.0 + y)
    loaded = automl.load_model(tmp_path / "r")
    assert not loaded.is_classifier and loaded.predict(x).shape == (len(x),)
    with pytest.raises(AttributeError, match="predict_proba is for classification"):
        loaded.predict_proba(x)


def test_a_folder_saved_before_the_model_was_kept_whole_still_loads(folder, tmp_path):
    path, model, table = folder
    old = tmp_path / "old"
    old.mkdir()
    for name in ("trials.sqlite",):
        (old / name).write_bytes((path / name).read_bytes())
    # What such a folder holds: the bare pipeline and the training profile beside it.
    joblib.dump(model.pipeline_, old / PIPELINE_FILE)
    (old / PROFILE_FILE).write_text(json.dumps(model.fitted_model_.profile))
    loaded = automl.load_model(old)
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert list(loaded.classes_) == ["no", "yes"] and loaded.target_column == "label"
    assert loaded.input_columns == ["a", "b", "c"] and loaded.objective == model.objective_
    assert not loaded.drift(table)["verdict"].eq("drifted").any()


def test_what_is_not_a_saved_model_is_named(folder, tmp_path):
    path, _, _ = folder
    with pytest.raises(FileNotFoundError, match=r"holds no saved model \(model.joblib\)"):
        automl.load_model(tmp_path)
    with pytest.raises(ValueError, match="is a file: pass the project folder"):
        automl.load_model(path / MODEL_FILE)
    (tmp_path / MODEL_FILE).write_bytes(b"\x80\x04 half a pickle")
    with pytest.raises(ValueError, match="cannot be loaded .* damaged"):
        automl.load_model(tmp_path)


def test_a_saved_model_changed_after_its_save_is_refused_by_its_checksum(folder, tmp_path):
    path, model, table = folder
    copy = shutil.copytree(path, tmp_path / "p")
    recorded = json.loads((copy / CHECKSUMS_FILE).read_text())
    assert set(recorded) == {MODEL_FILE} and len(recorded[MODEL_FILE]) == 64
    saved = bytearray((copy / MODEL_FILE).read_bytes())
    saved[len(saved) // 2] ^= 1  # one bit flipped: it may even unpickle
    (copy / MODEL_FILE).write_bytes(bytes(saved))
    with pytest.raises(ValueError, match="is not the file automl saved there: its SHA-256 "
                                         "differs") as refused:
        automl.load_model(copy)
    assert str(copy / MODEL_FILE) in str(refused.value) and "folders you trust" in str(
        refused.value)
    (copy / CHECKSUMS_FILE).write_text("[not a record")
    with pytest.raises(ValueError, match="is not the checksum record automl writes"):
        automl.load_model(copy)
    shutil.copy(path / MODEL_FILE, copy / MODEL_FILE)
    (copy / CHECKSUMS_FILE).unlink()  # a folder saved before checksums loads as before
    np.testing.assert_array_equal(automl.load_model(copy).predict(table), model.predict(table))


def test_models_pickled_under_the_old_module_names_still_load():
    # Protocol 0 names a class by its module in plain text: the name a pickle of 0.1 holds.
    for old, name in [(b"automl.fitting._fitted", b"PipelineModel"),
                      (b"automl.fitting._multi_io._model", b"MultiIOModel")]:
        stored = pickle.dumps(getattr(automl.fitting, name.decode()), protocol=0)
        moved = stored.replace(old, old.replace(b"fitting", b"tasks"))
        assert moved != stored and pickle.loads(moved) is pickle.loads(stored)


def test_behaviour_summaries_and_the_report_are_saved_in_the_project(folder):
    path, model, table = folder
    automl.checks.invariance(model, table.drop(columns="label").head(10), "b", [0.0])
    saved = json.loads((path / "behaviour_tests.json").read_text())
    assert saved[-1]["test"] == "invariance" and saved[-1]["rows"] == 10
    report = automl.report(path)
    assert report == path / "report.html" and "invariance" in report.read_text()
    assert not list(path.glob("*.partial"))  # each written beside, then renamed into place
