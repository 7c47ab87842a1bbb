"""Synthetic rows for distillation: MUNGE (Bucilua, Caruana & Niculescu-Mizil 2006, "Model
compression"). A student trained on the training rows alone learns the teacher where data is;
MUNGE rows fill the space between neighbouring rows, where the teacher's decisions still have
to be copied."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from automl.data import ColumnKind, DataSpec

#: Chance that a column of a synthetic row is taken from the neighbour (MUNGE's p).
SWAP_PROBABILITY = 0.5
#: A numerical value drawn around the neighbour's, with this share of their distance as its
#: standard deviation (MUNGE's 1/s).
SPREAD = 1.0


def munge(rows: pd.DataFrame, features: np.ndarray, spec: DataSpec, count: int,
          seed: int) -> pd.DataFrame:
    """``count`` synthetic rows in the columns of ``rows`` (raw, as ``TableAdapter`` gives
    them): each starts from a random row and takes each column, with ``SWAP_PROBABILITY``,
    from that row's nearest neighbour in ``features`` (the rows as the student's
    preprocessing sees them) — a category as it is, a number drawn around the neighbour's."""
    rng = np.random.default_rng(seed)
    neighbours = NearestNeighbors(n_neighbors=2).fit(features).kneighbors(
        features, return_distance=False)[:, 1]
    start = rng.integers(len(rows), size=count)
    own, other = rows.iloc[start].reset_index(drop=True), rows.iloc[neighbours[start]]
    other = other.reset_index(drop=True)
    synthetic = {}
    for name, kind in zip(spec.column_names, spec.column_kinds):
        swap = rng.random(count) < SWAP_PROBABILITY
        if kind is ColumnKind.NUMERICAL:
            mine, theirs = own[name].to_numpy(float), other[name].to_numpy(float)
            spread = np.nan_to_num(SPREAD * np.abs(mine - theirs))  # a NaN draws the NaN
            drawn = rng.normal(theirs, spread)
            drawn = np.where(np.isnan(mine), theirs, drawn)  # a missing value has no spread
            synthetic[name] = np.where(swap, drawn, mine)
        else:
            synthetic[name] = np.where(swap, other[name].to_numpy(object),
                                       own[name].to_numpy(object))
    return pd.DataFrame(synthetic, columns=list(spec.column_names))
