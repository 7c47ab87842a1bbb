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

