"""Where training data comes from: arrays, DataFrames, or a CSV path with the target named."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from automl.data._messages import preview
from automl.data._rows import copied_records
from automl.data._spec import DataSpec, Task
from automl.data._structure import group_codes, joined_groups, split_off
from automl.data._table import as_frame, coerce_table, infer_column_kinds
from automl.data._target import validate_target


def read_csv(path: str | os.PathLike, *, argument: str = "x") -> pd.DataFrame:
    """Reads a CSV (or .tsv, optionally gzipped) file, with a clear error if it is not there."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{argument} is the path {str(path)!r}, which is a folder: pass the CSV "
                         "file inside it.")
    if not path.is_file():
        raise FileNotFoundError(
            f"{argument} is the path {str(path)!r}, but no such file exists: pass the path of a "
            "CSV file (relative paths start from the current directory, "
            f"{os.getcwd()!r})."
        )
    separator = "\t" if ".tsv" in path.suffixes else ","
    try:
        return pd.read_csv(path, sep=separator)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"{argument} {str(path)!r} is not a readable CSV file ({reason}): pass "
                         "a comma-separated text file (tab-separated for .tsv) with a header "
                         "row.") from None


def _is_path(x) -> bool:
    return isinstance(x, str | os.PathLike)


def _split_target(frame: pd.DataFrame, y, *, argument: str) -> tuple[pd.DataFrame, object]:
    if isinstance(y, str):
        if y not in frame.columns:
            raise ValueError(
                f"y is the column name {y!r}, but {argument} has no such column; its columns are "
                f"{preview(list(frame.columns))}."
            )
        return frame.drop(columns=[y]), frame[y]
    if y is None:
        raise ValueError("fit requires y to be passed, but the target y is None: pass the "
                         "targets, or the name of the target column.")
    return frame, y


@dataclass(frozen=True)
class TrainingData:
    """Validated training data: coerced features, a 1-D target and their summary."""

    x: pd.DataFrame
    y: np.ndarray
    spec: DataSpec
    target_column: str | None = None
    #: The user's groups (``fit(groups=...)``), a number per row; ``None``: rows are i.i.d.
    groups: np.ndarray | None = None
    #: Each row's place in time (``fit(time_column=...)``): splits chain forward.
    times: np.ndarray | None = None

    def split_groups(self) -> np.ndarray | None:
        """What every split keeps on one side: the user's groups, joined with copies of one
        record (``copied_records``); ``None``: rows split freely."""
        return joined_groups(self.groups, copied_records(self.x))

    def fingerprint(self) -> str:
        """A short hash of the rows, columns, column kinds and targets: equal data, equal hash
        (in any process); any changed value, row order or column changes it."""
        digest = hashlib.sha256()
        digest.update(repr((self.spec.column_names, self.spec.column_kinds,
                            [str(t) for t in self.x.dtypes])).encode())
        digest.update(pd.util.hash_pandas_object(self.x, index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_array(np.asarray(self.y, dtype=object)).tobytes())
        for order in (self.groups, self.times):  # other groups, other folds: another search
            if order is not None:
                digest.update(order.tobytes())
        return digest.hexdigest()[:16]


def load_training_data(
    x,
    y,
    task: Task,
    *,
    column_names=None,
    column_types=None,
    groups=None,
    time_column: str | None = None,
) -> TrainingData:
    """Validates ``x``/``y`` at the API boundary and summarises them in a ``DataSpec``.

    Args:
        x: a DataFrame, a 2-D array or list of rows, or the path of a CSV file.
        y: the targets (array, list, Series), or the name of the target column of ``x``.
        task: classification or regression.
        column_names: names for the columns of an array ``x``.
        column_types: column name -> "numerical" | "categorical", overriding the inference.
        groups: one group label per row, or the name of a column of ``x`` holding them (not
            a feature then): each group stays on one side of every split.
        time_column: the column of ``x`` (dates or numbers; not a feature) that orders the
            rows in time: every split trains on the past and validates on what follows.
    """
    target_column = y if isinstance(y, str) else None
    if _is_path(x):
        if y is None:
            raise ValueError("y is required: pass the name of the target column of the CSV file.")
        x = read_csv(x)
    frame = as_frame(x, column_names)
    if isinstance(y, str) and not isinstance(x, pd.DataFrame):
        raise ValueError(
            f"y is the column name {y!r}, which only works when x is a DataFrame or a CSV path: "
            "pass the targets themselves."
        )
    frame, y = _split_target(frame, y, argument="x")
    frame, groups, times, taken = split_off(frame, groups, time_column, x)
    if frame.shape[0] == 0:
        raise ValueError("x has no rows: pass at least two rows of training data.")
    if frame.shape[1] == 0:
        raise ValueError(f"x has 0 feature(s) (shape=({frame.shape[0]}, 0)) while a minimum of "
                         "1 is required: pass at least one column besides the target.")
    empty = [name for name in frame.columns if frame[name].isna().all()]
    if empty:
        raise ValueError(
            f"column {empty[0]!r} of x is entirely missing (all values NaN): drop it, e.g. "
            f"x.drop(columns={empty!r}); there is nothing to learn from it."
        )
    kinds = infer_column_kinds(frame, column_types)
    features = coerce_table(frame, tuple(frame.columns), kinds)
    target = validate_target(y, task, len(features))
    spec = DataSpec(
        task=task,
        column_names=tuple(features.columns),
        column_kinds=kinds,
        n_rows=int(len(features)),
        classes=tuple(np.unique(target).tolist()) if task is Task.CLASSIFICATION else None,
        has_missing=bool(frame.isna().to_numpy().any()),
        ignored_columns=taken,
    )
    return TrainingData(features.reset_index(drop=True), target, spec, target_column, groups,
                        times)


def with_groups(data: TrainingData, groups) -> TrainingData:
    """``data`` (images or documents) with the user's ``groups``, one label per row."""
    if groups is None:
        return data
    if isinstance(groups, str):
        raise ValueError(f"groups is the column name {groups!r}, but only a table has columns: "
                         "pass one group label per image or document.")
    return dataclasses.replace(data, groups=group_codes(groups, len(data.y)))

