"""Feature tables: column-kind inference and the coercion every table goes through, at fit and
at predict time, so both see identical dtypes and identical errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from automl.data._messages import plain, preview
from automl.data._spec import ColumnKind

#: Categorical missing values become a category of their own instead of being imputed.
MISSING_CATEGORY = "<missing>"

# Text is a kind of its own input (TextInput), not of a table column.
_KIND_NAMES = {kind.value: kind for kind in (ColumnKind.NUMERICAL, ColumnKind.CATEGORICAL)}


def as_frame(x, column_names: Sequence[str] | None, *, argument: str = "x") -> pd.DataFrame:
    """Turns a DataFrame, a 2-D array or a list of rows into a DataFrame with string column names."""
    if isinstance(x, pd.Series):
        raise ValueError(
            f"{argument} is a pandas Series, but a table is expected: pass a DataFrame "
            f"({argument}.to_frame() if it is one feature, {argument}.to_frame().T if it is one "
            "row)."
        )
    if isinstance(x, pd.DataFrame):
        frame = x.copy()
        frame.columns = [str(c) for c in frame.columns]
        if frame.columns.duplicated().any():
            duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
            raise ValueError(f"{argument} has duplicated column names {preview(duplicated)}: "
                             "rename them so that every column name is unique.")
        if column_names is not None and set(column_names) != set(frame.columns):
            raise ValueError(
                f"column_names {preview(column_names)} do not match the columns of {argument} "
                f"({preview(list(frame.columns))}): pass column_names=None to use the DataFrame's "
                "own column names."
            )
        return frame
    if hasattr(x, "toarray") or hasattr(x, "tocsr"):  # scipy.sparse, without importing it
        raise TypeError(f"{argument} is a sparse matrix ({type(x).__name__}), and sparse input "
                        f"is not supported for tables: pass {argument}.toarray(), or a "
                        "DataFrame (pd.DataFrame.sparse.from_spmatrix(...).sparse.to_dense()).")
    try:
        array = np.asarray(x)
    except Exception as error:  # ragged lists and the like
        raise TypeError(
            f"{argument} must be a pandas DataFrame, a 2-D array or a CSV path; "
            f"received an object of type {type(x).__name__} ({error})."
        ) from None
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {argument} holds complex numbers; pass "
                         "their real and imaginary parts as two columns (x.real, x.imag).")
    if array.dtype.kind not in "biufOUSM" or array.ndim == 0:
        raise TypeError(f"{argument} must be a pandas DataFrame, a 2-D array or a CSV path; "
                        f"received {type(x).__name__}.")
    if array.ndim == 1:
        raise ValueError(
            f"{argument} must be 2-D (rows, columns), but a 1-D array of shape {array.shape} was "
            f"received. Reshape your data: {argument}.reshape(-1, 1) for a single feature, "
            f"{argument}.reshape(1, -1) for a single row."
        )
    if array.ndim > 2:
        raise ValueError(
            f"{argument} must be 2-D (rows, columns), but an array of shape {array.shape} was "
            f"received: flatten each row with {argument}.reshape(len({argument}), -1)."
        )
    if column_names is None:
        column_names = [f"x{i}" for i in range(array.shape[1])]
    elif len(column_names) != array.shape[1]:
        raise ValueError(
            f"column_names has {len(column_names)} names, but {argument} has {array.shape[1]} "
            "columns: pass one name per column."
        )
    return pd.DataFrame(array, columns=[str(c) for c in column_names])


def _reject_dates(column: pd.Series, name: str, argument: str) -> None:
    """Dates would pass as numbers (nanoseconds, a missing one as -9.2e18): refuse them."""
    if (pd.api.types.is_datetime64_any_dtype(column)
            or pd.api.types.is_timedelta64_dtype(column)):
        raise ValueError(
            f"column {name!r} of {argument} holds dates or durations ({column.dtype}), which "
            f"automl does not turn into features itself: convert it to numbers, e.g. "
            f"{argument}[{name!r}].dt.year, .dt.dayofweek, or "
            f"({argument}[{name!r}] - {argument}[{name!r}].min()).dt.days; if it orders the "
            f"rows in time, fit(..., time_column={name!r}) validates on later rows."
        )


def _looks_numeric(column: pd.Series) -> bool:
    """Numbers, and booleans (as 0/1: then True/False and 1/0 mean the same at predict)."""
    if pd.api.types.is_numeric_dtype(column):  # bool dtype included
        return True
    values = column.dropna()
    if len(values) == 0:
        return False
    return bool(pd.to_numeric(values, errors="coerce").notna().all())


def infer_column_kinds(
    frame: pd.DataFrame, column_types: Mapping[str, str] | None = None
) -> tuple[ColumnKind, ...]:
    """Kinds per column: numbers and booleans are numerical, anything else categorical (dates
    are refused by ``coerce_table``, which every table goes through next).

    ``column_types`` (column name -> "numerical" | "categorical") overrides the inference.
    """
    column_types = dict(column_types or {})
    unknown_columns = [name for name in column_types if name not in frame.columns]
    if unknown_columns:
        raise ValueError(
            f"column_types names columns that are not in the data: {preview(unknown_columns)}. "
            f"The columns are {preview(list(frame.columns))}."
        )
    bad_kinds = {n: k for n, k in column_types.items() if k not in _KIND_NAMES}
    if bad_kinds:
        name, kind = next(iter(bad_kinds.items()))
        raise ValueError(
            f"column_types[{name!r}] is {kind!r}, which is not a column type: use one of "
            f"{sorted(_KIND_NAMES)}."
        )
    kinds = []
    for name in frame.columns:
        if name in column_types:
            kind = _KIND_NAMES[column_types[name]]
            if kind is ColumnKind.NUMERICAL and not _looks_numeric(frame[name]):
                raise ValueError(
                    f"column_types[{name!r}] is 'numerical', but column {name!r} holds values "
                    f"that are not numbers (e.g. {plain(frame[name].dropna().iloc[0])!r}): declare it "
                    "'categorical' or convert it to numbers."
                )
            kinds.append(kind)
        else:
            kinds.append(
                ColumnKind.NUMERICAL if _looks_numeric(frame[name]) else ColumnKind.CATEGORICAL
            )
    return tuple(kinds)


def coerce_table(
    frame: pd.DataFrame,
    column_names: Sequence[str],
    column_kinds: Sequence[ColumnKind],
    *,
    argument: str = "x",
) -> pd.DataFrame:
    """Checks the columns against those seen in fit and gives each the dtype of its kind."""
    missing = [c for c in column_names if c not in frame.columns]
    extra = [c for c in frame.columns if c not in set(column_names)]
    generated = [f"x{i}" for i in range(len(column_names))]
    if missing and list(column_names) == generated and frame.shape[1] == len(column_names):
        raise ValueError(
            f"{argument} has other column names than fit saw: the model was fitted on an array "
            f"(its columns named {preview(generated)}), and {argument} is a DataFrame with "
            f"columns {preview(list(frame.columns))}. Pass {argument}.to_numpy(), or fit on the "
            "DataFrame."
        )
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"lacks {preview(missing)}")
        if extra:
            problems.append(f"has columns not seen in fit: {preview(extra)}")
        raise ValueError(
            f"{argument} has {frame.shape[1]} columns, but the model was fitted with "
            f"{len(column_names)}; {argument} {' and '.join(problems)}. Pass the same columns "
            f"as in fit ({preview(column_names)})."
        )
    # Numerical columns that already hold numbers convert as one block: one row through the
    # pipeline (a served request) then costs far less than a conversion per column.
    dtypes = frame.dtypes
    ready = [name for name, kind in zip(column_names, column_kinds)
             if kind is ColumnKind.NUMERICAL and dtypes[name].kind in "biuf"]
    block = frame[ready].to_numpy(dtype="float64")
    if np.isinf(block).any():
        name = ready[int(np.flatnonzero(np.isinf(block).any(axis=0))[0])]
        raise ValueError(
            f"column {name!r} of {argument} contains infinite values: replace them with "
            "finite numbers or NaN (missing values are imputed)."
        )
    if len(ready) == len(column_names):
        return pd.DataFrame(block, columns=list(column_names), index=frame.index)
    columns = dict(zip(ready, block.T))
    for name, kind in zip(column_names, column_kinds):
        if name in columns:
            continue
        column = frame[name]
        _reject_dates(column, name, argument)
        if kind is ColumnKind.NUMERICAL:
            try:
                numbers = pd.to_numeric(column, errors="raise").astype("float64")
            except (ValueError, TypeError):
                bad = column[pd.to_numeric(column, errors="coerce").isna() & column.notna()]
                raise ValueError(
                    f"column {name!r} of {argument} is numerical but holds {plain(bad.iloc[0])!r}: "
                    "pass numbers (missing values as NaN)."
                ) from None
            if np.isinf(numbers.to_numpy()).any():
                raise ValueError(
                    f"column {name!r} of {argument} contains infinite values: replace them with "
                    "finite numbers or NaN (missing values are imputed)."
                )
            columns[name] = numbers
        else:
            as_text = column.astype(object).map(lambda v: MISSING_CATEGORY if pd.isna(v) else str(v))
            columns[name] = as_text.astype(object)
    return pd.DataFrame({name: columns[name] for name in column_names}, index=frame.index)


class TableAdapter(TransformerMixin, BaseEstimator):
    """First step of every exported pipeline: accepts a DataFrame or a 2-D array with the columns
    seen in fit, and checks and coerces it, so the pipeline rejects bad input with a clear error.
    A DataFrame's ``ignored_columns`` (the groups or time column fit read) are dropped."""

    def __init__(self, column_names: tuple[str, ...] = (), column_kinds: tuple[str, ...] = (),
                 ignored_columns: tuple[str, ...] = ()):
        self.column_names = column_names
        self.column_kinds = column_kinds
        self.ignored_columns = ignored_columns

    def fit(self, x, y=None):
        self.n_features_in_ = len(self.column_names)
        return self

    def transform(self, x):
        # A pipeline pickled before ignored_columns existed has no such attribute.
        ignored = [c for c in getattr(self, "ignored_columns", ()) if c in getattr(
            x, "columns", ())]
        if ignored:
            x = x.drop(columns=ignored)
        if not isinstance(x, pd.DataFrame):
            shape = np.shape(x)
            if len(shape) == 2 and shape[1] != len(self.column_names):
                raise ValueError(
                    f"x has {shape[1]} columns, but the model was fitted with "
                    f"{len(self.column_names)}: pass the same columns as in fit "
                    f"({preview(self.column_names)})."
                )
        frame = as_frame(x, None if isinstance(x, pd.DataFrame) else self.column_names)
        kinds = [ColumnKind(k) for k in self.column_kinds]
        return coerce_table(frame, self.column_names, kinds)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        return tags


def table_adapter(spec) -> TableAdapter:
    """The check and coercion every pipeline of the table ``spec`` (a ``DataSpec``) starts
    with."""
    return TableAdapter(spec.column_names, tuple(kind.value for kind in spec.column_kinds),
                        tuple(getattr(spec, "ignored_columns", ())))
