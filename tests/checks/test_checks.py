"""The data checks before the search: each finding on a table made to have it, none on a clean
one, and what fit, evaluate, the project folder, the report and the command line do with them."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import automl
from automl.checks import DataCheckError, DataCheckWarning, check_data
from automl.data import Task, copied_records, load_training_data
from automl.evaluation import fold_indices, make_folds

TINY = dict(max_trials=2, cv=2, n_jobs=1, scheduler="in-process", seed=0, verbose=0,
            ensemble_size=0)


def clean_table(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Measurements with a noisy target: nothing for the checks to find."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"height": rng.normal(170, 10, rows).round(3),
                          "weight": rng.normal(70, 12, rows).round(3),
                          "colour": rng.choice(["red", "green", "blue"], rows)})
    noisy = table["height"] - 170 + 8 * rng.normal(size=rows) + (table["colour"] == "red") * 5
    table["label"] = np.where(noisy > 0, "tall", "short")
    return table


def findings(table: pd.DataFrame, target: str = "label", task=Task.CLASSIFICATION,
             objective: str = "balanced_accuracy") -> dict:
    data = load_training_data(table, target, task)
    return {(f.check, f.columns): f for f in check_data(data, objective=objective, cv=5)}


def test_a_clean_table_gives_no_finding():
    assert findings(clean_table()) == {}


def test_a_column_restating_the_target_is_a_leak():
    table = clean_table()
    table["outcome"] = table["label"].map({"tall": "yes", "short": "no"})
    found = findings(table)
    assert list(found) == [("target_leak", ("outcome",))]
    leak = found["target_leak", ("outcome",)]
    assert leak.severity == "warning"
    assert "alone predicts the target" in leak.message and "'outcome'" in leak.message
    assert "x.drop(columns=['outcome'])" in leak.message


@pytest.mark.parametrize("changed", [0.01, 0.03])
def test_a_copy_of_the_target_with_a_few_per_cent_changed_is_a_leak(changed):
    table = clean_table()
    rng = np.random.default_rng(4)
    copy = table["label"].map({"tall": "yes", "short": "no"}).to_numpy(copy=True)
    flipped = rng.choice(len(copy), round(changed * len(copy)), replace=False)
    copy[flipped] = np.where(copy[flipped] == "yes", "no", "yes")
    found = findings(table.assign(outcome=copy))
    assert list(found) == [("target_leak", ("outcome",))]


def test_a_noisy_copy_of_a_regression_target_is_a_leak():
    table = clean_table().drop(columns="label")
    rng = np.random.default_rng(1)
    table["price"] = table["height"] * 3 + rng.normal(0, 30, len(table))
    table["price_after_tax"] = table["price"] * 1.2 + rng.normal(0, 0.1, len(table))
    found = findings(table, "price", Task.REGRESSION, "r2")
    assert list(found) == [("target_leak", ("price_after_tax",))]
    assert "R²" in found["target_leak", ("price_after_tax",)].message


def test_a_function_of_the_target_is_a_leak_even_when_it_does_not_predict_it_alone():
    rng = np.random.default_rng(2)
    table = pd.DataFrame({"a": rng.normal(size=600), "b": rng.normal(size=600)})
    table["animal"] = rng.choice(["cat", "dog", "cow", "hen"], 600)
    table["legs"] = table["animal"].map({"cat": 4, "dog": 4, "cow": 4, "hen": 2})
    found = findings(table, "animal")
    assert list(found) == [("target_leak", ("legs",))]
    assert "function of the target" in found["target_leak", ("legs",)].message


def test_an_identifier_is_named_but_a_unique_measurement_is_not():
    table = clean_table()
    rng = np.random.default_rng(3)
    table["customer"] = [f"C-{i:05d}" for i in rng.permutation(len(table))]
    table["row_number"] = rng.permutation(len(table)) + 10_000
    table["exact_weight"] = rng.normal(70, 12, len(table))  # unique per row, but a measurement
    found = findings(table)
    assert set(found) == {("identifier", ("customer",)), ("identifier", ("row_number",))}
    assert "a different value in every row" in found["identifier", ("customer",)].message


def test_constant_and_near_constant_columns_are_notes():
    table = clean_table(rows=1000)
    table["country"] = "NL"
    table["rare_flag"] = 0
    table.loc[3, "rare_flag"] = 1
    found = findings(table)
    assert set(found) == {("constant", ("country",)), ("near_constant", ("rare_flag",))}
    assert found["constant", ("country",)].severity == "info"
    assert found["near_constant", ("rare_flag",)].rows == (3,)


def test_imbalance_warns_only_when_the_objective_rewards_the_majority():
    table = clean_table(rows=420)
    table["label"] = ["rare"] * 20 + ["common"] * 400
    table["height"] = np.random.default_rng(4).normal(size=420)
    with_accuracy = findings(table, objective="accuracy")["imbalance", ()]
    assert with_accuracy.severity == "warning"
    assert "1:20" in with_accuracy.message and "balanced_accuracy" in with_accuracy.message
    assert findings(table)["imbalance", ()].severity == "info"


@pytest.mark.filterwarnings("ignore:class .* has a single example")
def test_a_target_that_is_a_row_index_or_a_date():
    table = clean_table().drop(columns="label")
    table["order"] = np.arange(len(table))
    assert list(findings(table, "order", Task.REGRESSION, "r2")) == [("target_index", ())]
    table = clean_table().drop(columns="label")
    table["day"] = pd.date_range("2024-01-01", periods=len(table)).astype(str)
    table.loc[table.index % 2 == 0, "day"] = "2024-03-01"
    assert ("target_date", ()) in findings(table, "day")


def test_record_copies_are_named_and_kept_in_one_fold_but_discrete_repeats_are_not():
    table = clean_table(rows=200)
    copied = pd.concat([table, table.iloc[:30]], ignore_index=True)
    finding = findings(copied)["duplicates", ()]
    assert finding.severity == "info"
    assert finding.message.startswith("60 of 230 rows are copies of another row (30 groups")
    assert "one record entered twice" in finding.message
    data = load_training_data(copied, "label", Task.CLASSIFICATION)
    groups = copied_records(data.x)
    for train, validation in make_folds(data, 5, 0):
        assert not np.isin(groups[validation], groups[train]).any()
    # Two coin columns repeat by nature: a new row repeats a training row as often.
    rng = np.random.default_rng(5)
    coins = pd.DataFrame({"a": rng.integers(0, 2, 100), "b": rng.integers(0, 2, 100),
                          "label": rng.integers(0, 2, 100)})
    assert copied_records(load_training_data(coins, "label", Task.CLASSIFICATION).x) is None
    assert "discrete feature space" in findings(coins)["duplicates", ()].message


def test_group_folds_split_every_row_once_and_keep_the_classes_balanced():
    y = np.array([0] * 60 + [1] * 40)
    groups = np.arange(100) // 2  # pairs
    folds = fold_indices(y, 5, 0, stratify=True, groups=groups)
    validation = np.concatenate([v for _, v in folds])
    assert sorted(validation) == list(range(100))
    for train, held in folds:
        assert not np.isin(groups[held], groups[train]).any()
        assert 0.3 <= y[held].mean() <= 0.5  # 40 % of the rows are class 1
    plain = fold_indices(y, 5, 0, stratify=True)
    singletons = fold_indices(y, 5, 0, stratify=True, groups=np.arange(100))
    assert all((a == b).all() and (c == d).all()
               for (a, c), (b, d) in zip(plain, singletons))


def test_fit_reports_a_leak_stores_it_and_evaluate_warns_about_training_rows(tmp_path):
    table = clean_table()
    table["outcome"] = table["label"].map({"tall": "yes", "short": "no"})
    model = automl.StructuredDataClassifier(directory=tmp_path, **TINY)
    with pytest.warns(DataCheckWarning, match="column 'outcome' alone predicts the target"):
        model.fit(table, "label")
    assert model.checks_[["check", "severity"]].values.tolist() == [["target_leak", "warning"]]
    assert model.checks_["columns"][0] == ["outcome"]
    stored = json.loads((tmp_path / "structured_data" / "data_checks.json").read_text())
    assert stored[0]["check"] == "target_leak"
    report = automl.report(tmp_path / "structured_data").read_text()
    assert "Data checks" in report and "alone predicts the target" in report
    with pytest.warns(DataCheckWarning, match="10 of 10 rows of x also occur in the training"):
        model.evaluate(table.iloc[:10], "label")
    fresh = clean_table(rows=10, seed=9)
    fresh["outcome"] = fresh["label"].map({"tall": "yes", "short": "no"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataCheckWarning)
        model.evaluate(fresh, "label")


def test_checks_raise_stops_before_any_candidate_and_off_skips_them(tmp_path):
    table = clean_table()
    table["outcome"] = table["label"].map({"tall": "yes", "short": "no"})
    strict = automl.StructuredDataClassifier(checks="raise", directory=tmp_path, **TINY)
    with pytest.raises(DataCheckError, match="(?s)found 1 problem.*'outcome'.*checks='warn'"):
        strict.fit(table, "label")
    assert not (tmp_path / "structured_data").exists()
    quiet = automl.StructuredDataClassifier(checks="off", **TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataCheckWarning)
        quiet.fit(table, "label")
    assert quiet.checks_.empty
    with pytest.raises(ValueError, match="checks must be one of"):
        automl.StructuredDataClassifier(checks="loud", **TINY).fit(table, "label")


def test_the_command_line_stops_on_a_leak_with_checks_raise(tmp_path, capsys):
    from automl.cli import main

    table = clean_table()
    table["outcome"] = table["label"].map({"tall": "yes", "short": "no"})
    table.to_csv(tmp_path / "people.csv", index=False)
    capsys.readouterr()
    code = main(["fit", str(tmp_path / "people.csv"), "--target", "label", "--checks", "raise",
                 "--output", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    assert "automl: error: the data checks found 1 problem" in capsys.readouterr().err


# --- behaviour tests -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def logistic(tmp_path_factory):
    """A logistic regression found by a tiny search: P(tall) rises with height."""
    from automl import AutoModel, ClassificationHead, StructuredDataBlock, StructuredDataInput

    inp = StructuredDataInput()
    out = ClassificationHead()(StructuredDataBlock(models=["LogisticRegression"])(inp))
    model = AutoModel(inputs=inp, outputs=out, directory=tmp_path_factory.mktemp("behaviour"),
                      project_name="people", **TINY)
    return model.fit(clean_table(), "label")


def test_invariance_lists_exactly_the_rows_whose_prediction_changes(logistic):
    rows = clean_table(rows=60, seed=7).drop(columns="label")
    broken = automl.checks.invariance(logistic, rows, "colour", ["red", "blue"])
    expected = sorted(
        (value, row) for value in ("red", "blue") for row in np.flatnonzero(
            logistic.predict(rows) != logistic.predict(rows.assign(colour=value))))
    assert sorted(zip(broken["value"], broken["row"])) == expected
    assert list(broken.columns) == ["row", "value", "before", "after"]
    assert broken.attrs["rows"] == 120 and broken.attrs["passed"] == (not expected)
    red = rows[rows["colour"] == "red"]
    assert automl.checks.invariance(logistic, red, "colour", ["red"]).empty


def test_directional_expectations_hold_one_way_and_break_the_other(logistic):
    rows = clean_table(rows=40, seed=8).drop(columns="label")
    assert automl.checks.directional(logistic, rows, "height", 15, "increase",
                                     target_class="tall").empty
    against = automl.checks.directional(logistic, rows, "height", lambda h: h + 15, "decrease",
                                        target_class="tall")
    assert len(against) == 40 and (against["after"] > against["before"]).all()
    assert (against["new_value"] == against["value"] + 15).all()
    with pytest.raises(ValueError, match="expect must be 'increase' or 'decrease'"):
        automl.checks.directional(logistic, rows, "height", 1, "up")
    with pytest.raises(ValueError, match="column 'age' is not in x"):
        automl.checks.directional(logistic, rows, "age", 1)
    with pytest.raises(ValueError, match="target_class 'giant' is not one of"):
        automl.checks.directional(logistic, rows, "height", 1, target_class="giant")


def test_minimum_functionality_returns_the_cases_got_wrong_and_the_report_lists_the_tests(
        logistic):
    cases = pd.DataFrame({"height": [205.0, 135.0, 205.0], "weight": [70.0, 70.0, 70.0],
                          "colour": ["blue", "blue", "blue"],
                          "expected": ["tall", "short", "short"]})
    wrong = automl.checks.minimum_functionality(logistic, cases)
    assert wrong.index.tolist() == [2] and wrong["prediction"].tolist() == ["tall"]
    summaries = logistic.behaviour_tests_
    assert summaries[-1] == {"test": "minimum_functionality", "column": None,
                             "expectation": "expected answers", "rows": 3, "broken": 1,
                             "passed": False}
    stored = json.loads((logistic.project_folder / "behaviour_tests.json").read_text())
    assert stored[-1]["broken"] == 1
    report = automl.report(logistic.project_folder).read_text()
    assert "Behaviour tests" in report and "minimum_functionality" in report
    from sklearn.dummy import DummyRegressor

    regressor = DummyRegressor().fit(cases[["height"]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="tolerance is required for a regressor"):
        automl.checks.minimum_functionality(regressor, cases[["height", "expected"]])
    close = cases[["height"]].assign(expected=[2.0, 2.5, 9.0])
    assert automl.checks.minimum_functionality(regressor, close, tolerance=0.5).index.tolist() \
        == [2]


# --- drift ---------------------------------------------------------------------------------


def test_drift_is_stable_on_rows_like_the_training_ones_and_names_what_moved(logistic):
    same = logistic.drift(clean_table(rows=1000, seed=11).drop(columns="label"))
    assert list(same["column"]) == ["height", "weight", "colour", "(prediction)"]
    assert (same["verdict"] == "stable").all(), same
    moved = clean_table(rows=1000, seed=12).drop(columns="label")
    moved["height"] += 20
    moved.loc[:99, "colour"] = "purple"
    moved.loc[:199, "weight"] = np.nan
    table = logistic.drift(moved).set_index("column")
    assert table.loc["height", "verdict"] == "drifted" and table.loc["height", "psi"] > 1
    assert table.loc["(prediction)", "verdict"] == "drifted"  # everyone is tall now
    assert table.loc["colour", "unseen_categories"] == ["purple"]
    assert table.loc["weight", "missing_in_fit"] == 0 and table.loc["weight", "missing_now"] == 0.2
    assert logistic.drift(moved.iloc[:10])["verdict"].eq("too few rows").all()


def test_automl_predict_warns_when_the_input_drifts(logistic, tmp_path, capsys):
    from automl.cli import main

    rows = clean_table(rows=400, seed=13).drop(columns="label")
    rows.to_csv(tmp_path / "same.csv", index=False)
    rows.assign(height=rows["height"] + 20, colour="purple").to_csv(tmp_path / "moved.csv",
                                                                    index=False)
    capsys.readouterr()
    assert main(["predict", str(logistic.project_folder), str(tmp_path / "same.csv"),
                 "-o", str(tmp_path / "p.csv")]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["predict", str(logistic.project_folder), str(tmp_path / "moved.csv"),
                 "-o", str(tmp_path / "p.csv")]) == 0
    err = capsys.readouterr().err
    assert "automl: warning: 'height' drifted from fit (PSI" in err
    assert "the predictions drifted from fit" in err
    assert "column 'colour' holds categories never seen in fit: 'purple'" in err
