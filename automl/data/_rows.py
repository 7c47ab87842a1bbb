"""Rows as values: a hash per row, so that copies of a row are found in one pass (duplicated
training rows, test rows that also occur in training)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of ``frame`` (its values only: equal rows, equal hashes)."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def duplicate_groups(frame: pd.DataFrame) -> np.ndarray | None:
    """A group number per row, copies of a row sharing theirs; ``None`` when every row is
    unique (the usual case: nothing to group)."""
    groups, uniques = pd.factorize(row_hashes(frame))
    return None if len(uniques) == len(groups) else groups


#: A column with at least this many distinct values can tell records apart (a measurement,
#: a name); in one with fewer, a rare value is just a rare category.
FINGERPRINT_VALUES = 20


def copied_records(frame: pd.DataFrame) -> np.ndarray | None:
    """Like ``duplicate_groups``, but only copies that hold, in a column of many values
    (``FINGERPRINT_VALUES``), a value no other row has share a group (every other row is a
    group of its own); ``None`` when there are none.

    Such copies are one record entered twice: a new row would not repeat it, so cross-validation
    must not score one copy against the other. Copies made of common values are what a discrete
    feature space gives (a new row repeats a training row as often): they are not grouped; nor
    are copies of a single column (a message sent twice is as likely a common one).
    """
    groups = duplicate_groups(frame)
    if groups is None or frame.shape[1] < 2:  # one column (a text) is its own fingerprint
        return None
    size = np.bincount(groups)[groups]
    unique_to_copies = np.zeros(len(frame), dtype=bool)
    for name in frame.columns:
        codes, values = pd.factorize(frame[name], use_na_sentinel=False)
        if len(values) >= FINGERPRINT_VALUES:
            unique_to_copies |= np.bincount(codes)[codes] == size
    copied = (size > 1) & unique_to_copies
    if not copied.any():
        return None
    return np.where(copied, groups, groups.max() + 1 + np.arange(len(frame)))


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
