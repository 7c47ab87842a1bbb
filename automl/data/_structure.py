"""Rows that are not independent draws: the user's groups (a patient's visits), copies of one
record, and time order. Every split the search makes keeps a group on one side and, with time
order, trains on the past and validates on what follows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from automl.data._messages import preview


def group_codes(groups, rows: int) -> np.ndarray:
    """The user's ``groups`` (one label per row: a patient, a customer, a site) as group
    numbers, with a clear error when they cannot be."""
    if isinstance(groups, str | bytes) or not hasattr(groups, "__len__"):
        raise ValueError(f"groups is {groups!r}: pass one group label per row (an array, list "
                         "or Series), or the name of a column of x.")
    values = np.asarray(groups, dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"groups has shape {values.shape}: pass one label per row (1-D).")
    labels = pd.Series(values)
    if len(labels) != rows:
        raise ValueError(f"groups has {len(labels)} labels, but x has {rows} rows: pass one "
                         "group label per row.")
    if labels.isna().any():
        raise ValueError(f"groups is missing for row {int(np.flatnonzero(labels.isna())[0])}: "
                         "give every row a group (a row of its own: a label no other row has).")
    return pd.factorize(labels)[0]


def joined_groups(*labellings: np.ndarray | None) -> np.ndarray | None:
    """One group number per row: rows that share a group in any of ``labellings`` (``None``:
    no grouping) share one, as do the groups they chain together."""
    given = [labels for labels in labellings if labels is not None]
    if len(given) < 2:
        return given[0] if given else None
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = len(given[0])
    # A graph of rows and labels, each row joined to its label in every labelling.
    offsets = np.cumsum([rows] + [int(labels.max()) + 1 for labels in given])
    targets = np.concatenate([offset + labels for offset, labels in zip(offsets, given)])
    sources = np.tile(np.arange(rows), len(given))
    graph = coo_matrix((np.ones(len(sources)), (sources, targets)),
                       shape=(int(offsets[-1]),) * 2)
    return connected_components(graph, directed=False)[1][:rows]


def time_ranks(column: pd.Series, name: str) -> np.ndarray:
    """The rows' places in time (dense ranks: equal times, equal ranks) from ``column`` of
    dates, date strings or numbers."""
    values = column
    if not (pd.api.types.is_datetime64_any_dtype(column)
            or pd.api.types.is_timedelta64_dtype(column)
            or pd.api.types.is_numeric_dtype(column)):
        try:
            values = pd.to_datetime(column, errors="raise", format="mixed")
        except (ValueError, TypeError):
            bad = column.dropna().iloc[0] if column.notna().any() else None
            raise ValueError(f"time_column {name!r} holds {bad!r}, neither a date nor a number: "
                             "pass a column of dates (or date strings) or numbers that "
                             "order the rows in time.") from None
    if values.isna().any():
        raise ValueError(f"time_column {name!r} is missing for row "
                         f"{int(np.flatnonzero(values.isna().to_numpy())[0])}: give every row "
                         "its time.")
    return pd.Series(values).rank(method="dense").to_numpy(dtype="int64") - 1


def split_off(frame: pd.DataFrame, groups, time_column, x
              ) -> tuple[pd.DataFrame, np.ndarray | None, np.ndarray | None, tuple[str, ...]]:
    """``frame``'s features without the groups and time columns that ``groups`` and
    ``time_column`` name, the group numbers, the time ranks, and the columns taken off."""
    named = [(option, column) for option, column in (("groups", groups),
                                                     ("time_column", time_column))
             if isinstance(column, str)]
    for option, column in named:
        if not isinstance(x, pd.DataFrame):
            raise ValueError(f"{option} is the column name {column!r}, which only works when x "
                             "is a DataFrame or a CSV path: "
                             + ("pass the group labels themselves." if option == "groups" else
                                "put the times in a DataFrame with the features."))
        if column not in frame.columns:
            raise ValueError(f"{option} is the column name {column!r}, but x has no such "
                             f"column; its columns are {preview(list(frame.columns))}.")
    if time_column is not None and not isinstance(time_column, str):
        raise ValueError(f"time_column is {time_column!r}: pass the name of the column of x "
                         "that orders the rows in time.")
    if groups is not None and time_column is not None:
        raise ValueError("groups and time_column together are not supported yet: pass one "
                         "(time_column: forward-chaining splits; groups: grouped splits).")
    codes = None if groups is None else group_codes(
        frame[groups] if isinstance(groups, str) else groups, len(frame))
    ranks = None if time_column is None else time_ranks(frame[time_column], time_column)
    taken = tuple(column for _, column in named)
    return frame.drop(columns=list(taken)), codes, ranks, taken
