"""Bad input gets a clear error at the API boundary, before any search starts."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from automl import StructuredDataClassifier, StructuredDataRegressor


def classifier(**kwargs):
    return StructuredDataClassifier(max_trials=4, population_size=4, cv=2, n_jobs=1, seed=0,
                                    verbose=0, **kwargs)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40),
                      "city": rng.choice(["x", "y"], 40)})
    y = (x["a"] > 0).astype(int)
    return classifier().fit(x, y), x, y


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        (np.ones((10, 2)), np.arange(9) % 2, "x has 10 rows but y has 9"),
        (np.ones((0, 2)), np.array([]), "x has no rows"),
        (pd.DataFrame(index=range(4)), [0, 1, 0, 1], "x has 0 feature(s) (shape=(4, 0))"),
        (np.ones((6, 2)), [0, 1, np.nan, 1, 0, 1], "y has 1 missing values"),
        (np.ones((6, 2)), [1] * 6, "y has one class only"),
        (np.ones((6, 2)), [0.5, 1.5, 0.5, 1, 1, 2], "Unknown label type: continuous. y holds"),
        (np.ones((6, 2)) * 1j, [0, 1] * 3, "Complex data not supported"),
        (np.array([[1.0, np.inf]] * 6), [0, 1] * 3, "contains infinite values"),
        (pd.DataFrame({"a": [1.0] * 6, "b": [np.nan] * 6}), [0, 1] * 3,
         "column 'b' of x is entirely missing"),
        (np.ones(6), [0, 1] * 3, "reshape"),
        (np.ones((6, 2, 2)), [0, 1] * 3, "must be 2-D"),
        (np.ones((6, 2)), np.ones((6, 2)), "must be 1-D"),
    ],
)
def test_bad_training_data(x, y, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        classifier().fit(x, y)


def test_a_class_with_a_single_example_is_learnt_with_a_warning():
    x = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0) % 3})
    y = [0, 1] * 5 + [0, 2]
    with pytest.warns(UserWarning, match="class 2 of y has a single example: the fold that"):
        model = classifier().fit(x, y)
    assert list(model.classes_) == [0, 1, 2]


def test_epochs_belongs_to_the_io_api():
    with pytest.raises(ValueError, match="epochs applies when the outputs are heads"):
        classifier().fit(np.ones((8, 2)), [0, 1] * 4, epochs=3)


def test_regression_target_must_be_numeric():
    with pytest.raises(ValueError, match="must be numeric for regression.*classifier"):
        StructuredDataRegressor(max_trials=2, verbose=0).fit(np.ones((6, 1)), list("abcabc"))


def test_unknown_column_types_value_and_column():
    x = pd.DataFrame({"a": [1, 2, 3, 4] * 3, "b": list("xyzw") * 3})
    with pytest.raises(ValueError, match=r"column_types\['a'\] is 'numeric'.*'categorical', "
                                         r"'numerical'"):
        classifier(column_types={"a": "numeric"}).fit(x, [0, 1] * 6)
    with pytest.raises(ValueError, match="column_types names columns that are not in the data: 'zz'"):
        classifier(column_types={"zz": "categorical"}).fit(x, [0, 1] * 6)
    with pytest.raises(ValueError, match="declare it 'categorical'"):
        classifier(column_types={"b": "numerical"}).fit(x, [0, 1] * 6)


def test_csv_path_that_does_not_exist(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file exists"):
        classifier().fit(str(tmp_path / "missing.csv"), "label")


def test_target_column_not_in_csv(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_csv(path, index=False)
    with pytest.raises(ValueError, match="y is the column name 'label', but x has no such "
                                         "column; its columns are 'a', 'b'"):
        classifier().fit(str(path), "label")


def test_predict_before_fit():
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        classifier().predict(np.ones((2, 2)))


def test_predict_with_other_columns(fitted):
    model, x, _ = fitted
    with pytest.raises(ValueError, match="x has 2 columns, but the model was fitted with 3; x "
                                         "lacks 'city'"):
        model.predict(x[["a", "b"]])
    with pytest.raises(ValueError, match="has columns not seen in fit: 'extra'"):
        model.predict(x.assign(extra=1.0))
    with pytest.raises(ValueError, match="X has 4 features, but StructuredDataClassifier is "
                                         "expecting 3 features as input: pass the columns of "
                                         "fit, in order"):
        model.predict(np.ones((2, 4)))
    exported = model.export_model()
    with pytest.raises(ValueError, match="lacks 'city'"):
        exported.predict(x[["a", "b"]])


def test_predict_with_non_numeric_value_in_numeric_column(fitted):
    model, x, _ = fitted
    with pytest.raises(ValueError, match="column 'a' of x is numerical but holds 'oops'"):
        model.predict(x.head(2).assign(a=["oops", 1.0]))


def test_unseen_categories_at_predict_are_handled(fitted):
    model, x, _ = fitted
    predictions = model.predict(x.head(3).assign(city=["never-seen", None, "x"]))
    assert len(predictions) == 3


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_trials": 0}, "max_trials must be an integer >= 1"),
        ({"time_budget": -5}, "time_budget must be a positive number"),
        ({"cv": 1}, "cv must be an integer >= 2"),
        ({"n_jobs": 0}, "n_jobs must be a non-zero integer"),
        ({"objective": "r2"}, "'r2' is a regression metric, but the task is classification"),
        ({"objective": "accuracyy"}, "'accuracyy' is not a known metric"),
        ({"secondary_objectives": ("speed",)}, "unknown entry 'speed'"),
        ({"max_trials": None, "time_budget": None}, "would never end"),
    ],
)
def test_bad_settings(settings, message):
    x = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=re.escape(message)):
        StructuredDataClassifier(verbose=0, **settings).fit(x, [0, 1] * 10)


def test_objective_that_cannot_score_the_target():
    x = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="objective 'f1' cannot score this target"):
        classifier(objective="f1").fit(x, [0, 1, 2] * 10)


def test_too_few_rows_for_cv():
    with pytest.raises(ValueError, match="too few for cv=5"):
        StructuredDataClassifier(verbose=0).fit(np.ones((6, 1)), [0, 1] * 3)


def test_evaluate_takes_any_subset_of_the_classes_seen_in_fit(fitted):
    model, x, y = fitted
    ones = x[y == 1].head(3)
    scores = model.evaluate(ones, [1, 1, 1])  # one class, a few rows: fine
    assert scores["accuracy"] == pytest.approx(np.mean(model.predict(ones) == 1))
    with pytest.raises(ValueError, match=re.escape(
            "y holds the class 7, which the model never saw in fit (its classes: 0, 1), so it "
            "can never be predicted: drop those rows, or refit with examples of it.")):
        model.evaluate(x.head(3), [0, 7, 1])
    with pytest.raises(ValueError, match=re.escape(
            "y holds the class 'no', which the model never saw in fit (its classes: 0, 1), so "
            "it can never be predicted: pass labels of the same type as in fit (int, not "
            "str).")):
        model.evaluate(x.head(2), ["no", "yes"])


def test_dates_are_refused_with_the_way_to_convert_them(fitted):
    x = pd.DataFrame({"a": np.arange(6.0), "when": pd.to_datetime(
        ["2020-01-01", None, "2020-01-03", "2020-02-01", "2020-03-01", "2020-04-01"])})
    with pytest.raises(ValueError, match=re.escape(
            "column 'when' of x holds dates or durations (datetime64[")):
        classifier().fit(x, [0, 1] * 3)
    model, frame, _ = fitted
    with pytest.raises(ValueError, match="column 'a' of x holds dates or durations"):
        model.predict(frame.head(2).assign(a=pd.to_datetime(["2020-01-01", "2021-01-01"])))


def test_a_boolean_column_means_the_same_as_0_and_1_at_predict():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=40), "flag": rng.random(40) > 0.5})
    y = (x["a"] > 0) ^ x["flag"]
    model = classifier().fit(x, y)
    assert model.data_spec_.column_kinds[1].value == "numerical"
    as_numbers = x.assign(flag=x["flag"].astype(int))
    assert np.array_equal(model.predict(x), model.predict(as_numbers))


def test_a_dataframe_for_a_model_fitted_on_an_array_is_named():
    rng = np.random.default_rng(0)
    model = classifier().fit(rng.normal(size=(20, 2)), [0, 1] * 10)
    with pytest.raises(ValueError, match=re.escape(
            "the model was fitted on an array (its columns named 'x0', 'x1'), and x is a "
            "DataFrame with columns 'p', 'q'. Pass x.to_numpy()")):
        model.predict(pd.DataFrame({"p": [0.0], "q": [1.0]}))


def test_a_row_passed_as_a_series_gets_the_right_fix(fitted):
    model, x, _ = fitted
    with pytest.raises(ValueError, match=re.escape("x.to_frame().T if it is one row")):
        model.predict(x.iloc[0])


def test_one_secondary_objective_may_be_a_plain_string():
    rng = np.random.default_rng(0)
    model = classifier(secondary_objectives="fit_seconds").fit(rng.normal(size=(20, 2)),
                                                               [0, 1] * 10)
    assert len(model.best_trial_.objectives) == 2


def test_one_image_where_a_batch_is_expected_is_named():
    from automl.data import image_array

    with pytest.raises(ValueError, match=re.escape(
            "x has the shape of one image (8, 8, 1), but a batch of images is expected: pass "
            "x[np.newaxis].")):
        image_array(np.zeros((8, 8, 1)), shape=(8, 8, 1))
    with pytest.raises(ValueError, match="NaN or infinite pixel values: replace them "
                                         r"\(e.g. np.nan_to_num\) first"):
        image_array(np.full((2, 8, 8, 1), np.nan), shape=(8, 8, 1))


def test_bytes_documents_are_told_to_decode():
    from automl.data._text import text_array

    with pytest.raises(ValueError, match=re.escape(".decode('utf-8')")):
        text_array([b"free prize", "hello"])


@pytest.mark.parametrize("name", ["../escaped", "/tmp/elsewhere", "a/b", "", ".."])
def test_project_name_must_be_a_plain_folder_name(tmp_path, name):
    with pytest.raises(ValueError, match="project_name must be a plain folder name"):
        classifier(directory=tmp_path, project_name=name).fit(np.ones((8, 1)), [0, 1] * 4)
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_of_the_project_folder(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    with pytest.raises(ValueError, match="cannot be created or written .* pass a writable "
                                         "folder as directory"):
        classifier(directory=tmp_path / "afile").fit(np.ones((8, 1)), [0, 1] * 4)
