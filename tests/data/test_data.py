"""The data layer: adapters, column-kind inference, coercion, the DataSpec."""

import numpy as np
import pandas as pd

from automl.data import (
    MISSING_CATEGORY,
    ColumnKind,
    TableAdapter,
    Task,
    infer_column_kinds,
    load_training_data,
)


def test_dataframe_kinds_are_inferred(mixed_table):
    x, y = mixed_table
    data = load_training_data(x, y, Task.CLASSIFICATION)
    assert data.spec.column_names == ("age", "city", "member", "income")
    # 'member' is boolean: numerical (0/1), so True/False and 1/0 mean the same at predict.
    assert data.spec.column_kinds == (ColumnKind.NUMERICAL, ColumnKind.CATEGORICAL,
                                      ColumnKind.NUMERICAL, ColumnKind.NUMERICAL)
    assert data.spec.classes == ("no", "yes")
    assert data.spec.has_missing
    assert data.x["age"].dtype == np.float64
    assert data.x["city"].isna().sum() == 0
    assert (data.x["city"] == MISSING_CATEGORY).sum() == x["city"].isna().sum()


def test_numeric_strings_are_numerical_and_column_types_override():
    frame = pd.DataFrame({"zip": ["75001", "00100", "75001", None], "n": [1, 2, 3, 4]})
    assert infer_column_kinds(frame) == (ColumnKind.NUMERICAL, ColumnKind.NUMERICAL)
    kinds = infer_column_kinds(frame, {"zip": "categorical"})
    assert kinds == (ColumnKind.CATEGORICAL, ColumnKind.NUMERICAL)


def test_numpy_array_gets_column_names():
    x = np.arange(20, dtype=float).reshape(10, 2)
    data = load_training_data(x, np.arange(10.0), Task.REGRESSION, column_names=["a", "b"])
    assert data.spec.column_names == ("a", "b")
    default = load_training_data(x, np.arange(10.0), Task.REGRESSION)
    assert default.spec.column_names == ("x0", "x1")


def test_csv_path_with_target_column(tmp_path, mixed_table):
    x, y = mixed_table
    path = tmp_path / "table.csv"
    x.assign(label=y).to_csv(path, index=False)
    data = load_training_data(str(path), "label", Task.CLASSIFICATION)
    assert "label" not in data.x.columns
    assert data.target_column == "label"
    assert data.spec.n_rows == len(x)
    assert list(data.y) == list(y)


def test_target_may_be_a_column_of_a_dataframe(mixed_table):
    x, y = mixed_table
    data = load_training_data(x.assign(label=y), "label", Task.CLASSIFICATION)
    assert data.spec.column_names == ("age", "city", "member", "income")


def test_table_adapter_reorders_columns_and_accepts_arrays(mixed_table):
    x, y = mixed_table
    data = load_training_data(x, y, Task.CLASSIFICATION)
    adapter = TableAdapter(data.spec.column_names,
                           tuple(k.value for k in data.spec.column_kinds)).fit(data.x)
    shuffled = adapter.transform(x[["income", "member", "city", "age"]])
    pd.testing.assert_frame_equal(shuffled, data.x)
    from_array = adapter.transform(x.to_numpy())
    assert list(from_array.columns) == list(data.spec.column_names)


def test_regression_target_from_numeric_strings():
    data = load_training_data(np.ones((6, 1)), ["1.5", "2", "3", "4", "5", "6"], Task.REGRESSION)
    assert data.y.dtype == np.float64
