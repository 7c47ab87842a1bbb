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
        (pd.DataFrame(index=range(4)), [0, 1, 0, 1], "x has no feature columns"),
        (np.ones((6, 2)), [0, 1, np.nan, 1, 0, 1], "y has 1 missing values"),
        (np.ones((6, 2)), [1] * 6, "y has a single class"),
        (np.ones((6, 2)), [0, 0, 0, 1, 1, 2], "class 2 of y has a single example"),
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
    with pytest.raises(ValueError, match="x has 4 columns, but the model was fitted with 3"):
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
