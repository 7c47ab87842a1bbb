"""Which hyperparameters mattered: functional ANOVA over the stored trials.

The method of Hutter, Hoos & Leyton-Brown (2014, "An efficient approach for assessing
hyperparameter importance"), as used by van Rijn & Hutter (2018): fit a random-forest surrogate
of the score over the hyperparameters, then, in each tree, decompose the variance of its
prediction over the (uniform) configuration space into main effects of single hyperparameters
and interaction effects of pairs. A tree is a set of boxes with constant values, so every
marginal is exact: the marginal of a subset U is constant on the grid the tree's splits draw on
U, and its value there is the volume-weighted mean of the leaves covering that cell. Fractions
of variance are computed per tree and averaged over the forest.

The ``fanova`` package implements the same on pyrfr, a C++ extension without wheels for current
Pythons; this is the algorithm on scikit-learn's trees (tested against functions whose
importances are known analytically).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from automl.evaluation import Trial
from automl.space import ENCODER_SLOT, IMPUTER_SLOT, MODEL_SLOT, PREPROCESSING_SLOT
from automl.trials._store import TrialStore

#: Columns of ``genome.describe()`` that choose structure rather than tune a value.
STRUCTURE = (IMPUTER_SLOT, ENCODER_SLOT, PREPROCESSING_SLOT)


def functional_anova(features: np.ndarray, scores: np.ndarray, names: Sequence[str], *,
                     pairs: bool = True, n_trees: int = 64, seed: int = 0) -> pd.DataFrame:
    """Variance fractions of ``scores`` explained by each feature and each pair of features.

    Args:
        features: (n, d) configurations encoded in ``[0, 1]`` per column; the configuration
            space is taken as uniform over the unit cube (a categorical with k values takes k
            equal intervals).
        scores: (n,) the objective of each configuration.
        names: the d column names.
        pairs: also decompose pairwise interactions.
        n_trees: trees in the surrogate forest.
        seed: the forest's seed.

    Returns:
        One row per effect: ``hyperparameter`` (``"a"`` or ``"a × b"``), ``kind`` (``"main"``
        or ``"interaction"``), ``importance`` (mean fraction of variance over trees) and ``std``
        (its spread over trees), most important first.
    """
    features = np.asarray(features, dtype=float)
    forest = RandomForestRegressor(n_estimators=n_trees, random_state=seed, min_samples_leaf=1,
                                   max_features=1.0, bootstrap=True)
    forest.fit(features, np.asarray(scores, dtype=float))
    d = features.shape[1]
    subsets = [(i,) for i in range(d)] + (list(itertools.combinations(range(d), 2))
                                            if pairs else [])
    fractions = []
    for estimator in forest.estimators_:
        per_tree = _tree_fractions(estimator.tree_, d, subsets)
        if per_tree is not None:
            fractions.append(per_tree)
    rows = []
    table = np.array(fractions) if fractions else np.zeros((1, len(subsets)))
    for k, subset in enumerate(subsets):
        rows.append({"hyperparameter": " × ".join(names[i] for i in subset),
                     "kind": "main" if len(subset) == 1 else "interaction",
                     "importance": float(table[:, k].mean()), "std": float(table[:, k].std())})
    return (pd.DataFrame(rows).sort_values("importance", ascending=False, kind="stable")
            .reset_index(drop=True))


def _leaves(tree, d: int):
    """Each leaf's box (lower, upper per dimension, inside the unit cube) and value."""
    lower, upper, values = [], [], []
    stack = [(0, np.zeros(d), np.ones(d))]
    while stack:
        node, low, high = stack.pop()
        left, right = tree.children_left[node], tree.children_right[node]
        if left == -1:
            lower.append(low)
            upper.append(high)
            values.append(tree.value[node].ravel()[0])
            continue
        feature, threshold = tree.feature[node], tree.threshold[node]
        cut = min(max(threshold, low[feature]), high[feature])
        left_high = high.copy()
        left_high[feature] = cut
        right_low = low.copy()
        right_low[feature] = cut
        stack.append((left, low, left_high))
        stack.append((right, right_low, high))
    return np.array(lower), np.array(upper), np.array(values)


def _tree_fractions(tree, d: int, subsets) -> np.ndarray | None:
    lower, upper, values = _leaves(tree, d)
    widths = upper - lower
    volume = widths.prod(axis=1)
    mean = float(volume @ values)
    total = float(volume @ (values - mean) ** 2)
    if total <= 1e-12 * max(1.0, mean * mean):
        return None  # a constant tree explains nothing
    marginal_variance: dict[tuple[int, ...], float] = {}
    out = []
    for subset in subsets:
        variance = _marginal_variance(lower, upper, widths, values, subset, mean)
        marginal_variance[subset] = variance
        effect = variance - sum(marginal_variance[(i,)] for i in subset) if len(subset) > 1 \
            else variance
        out.append(max(effect, 0.0) / total)
    return np.array(out)


def _marginal_variance(lower, upper, widths, values, subset, mean) -> float:
    """Variance over the unit cube of the tree's marginal on ``subset`` (one or two dims)."""
    others = [k for k in range(lower.shape[1]) if k not in subset]
    weight = values * (widths[:, others].prod(axis=1) if others else 1.0)
    grids = []
    for dim in subset:
        edges = np.unique(np.concatenate([[0.0, 1.0], lower[:, dim], upper[:, dim]]))
        middle = (edges[:-1] + edges[1:]) / 2
        inside = (lower[:, dim][None, :] <= middle[:, None]) & (middle[:, None] < upper[:, dim])
        grids.append((np.diff(edges), inside.astype(float)))
    if len(subset) == 1:
        (sizes, inside), = grids
        marginal = inside @ weight
        return float(sizes @ (marginal - mean) ** 2)
    (sizes_a, inside_a), (sizes_b, inside_b) = grids
    marginal = (inside_a * weight) @ inside_b.T
    return float(sizes_a @ ((marginal - mean) ** 2) @ sizes_b)


# --- trials -> encoded configurations ----------------------------------------------------------

def _encode(column: pd.Series) -> np.ndarray | None:
    """A hyperparameter's values in [0, 1], or ``None`` when it never varied. Numbers scale
    linearly over the range seen (logarithmically when positive and spanning over two decades,
    as log-uniform hyperparameters do); anything else is categorical with equal widths."""
    values = column.tolist()
    if len({repr(v) for v in values}) < 2:
        return None
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool)
                  and v is not None and math.isfinite(v) for v in values)
    if numeric:
        array = np.asarray(values, dtype=float)
        if array.min() > 0 and array.max() / array.min() > 100:
            array = np.log(array)
        low, high = array.min(), array.max()
        return (array - low) / (high - low)
    categories = sorted({repr(v) for v in values})
    index = np.array([categories.index(repr(v)) for v in values])
    return (index + 0.5) / len(categories)


def _configurations(trials: list[Trial], family: str | None):
    """Encoded features for one model family (its hyperparameters and the pipeline's
    structural choices) or, with ``family=None``, across families (model and structure)."""
    described = pd.DataFrame([trial.genome.describe() for trial in trials])
    if family is None:
        columns = [MODEL_SLOT, *[c for c in STRUCTURE if c in described]]
    else:
        columns = [c for c in described if c.startswith("model.")]
        columns += [c for c in STRUCTURE if c in described]
    names, encoded = [], []
    for column in columns:
        values = _encode(described[column].astype(object).where(described[column].notna(), None))
        if values is not None:
            names.append(column.removeprefix("model."))
            encoded.append(values)
    return names, (np.column_stack(encoded) if encoded else np.empty((len(trials), 0)))


def trial_importance(trials: Sequence[Trial], *, min_trials: int = 10, pairs: bool = True,
                     n_trees: int = 64, seed: int = 0) -> pd.DataFrame:
    """Functional ANOVA of successful trials' scores, per model family and across families.

    Returns:
        A DataFrame with ``family`` (a model name, or ``"all"`` for the choice of model and
        pipeline structure across families, when several were tried), ``hyperparameter``,
        ``kind``, ``importance``, ``std`` and ``trials`` (how many trials the family's
        analysis used). Families with fewer than ``min_trials`` successful trials, or whose
        scores never varied, are left out.
    """
    finished = [trial for trial in trials if trial.ok and math.isfinite(trial.score)]
    by_family: dict[str | None, list[Trial]] = {}
    for trial in finished:
        by_family.setdefault(trial.genome[MODEL_SLOT][0].block, []).append(trial)
    if len(by_family) > 1:  # which model, and which pipeline structure, across families
        by_family = {None: finished, **by_family}
    frames = []
    for family, group in by_family.items():
        scores = np.array([trial.score for trial in group])
        if len(group) < min_trials or np.ptp(scores) == 0:
            continue
        names, features = _configurations(group, family)
        if not names:
            continue
        frame = functional_anova(features, scores, names, pairs=pairs, n_trees=n_trees,
                                 seed=seed)
        frame.insert(0, "family", "all" if family is None else family)
        frame["trials"] = len(group)
        frames.append(frame)
    columns = ["family", "hyperparameter", "kind", "importance", "std", "trials"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def importance(source, **options) -> pd.DataFrame:
    """Hyperparameter importance of a search (see ``trial_importance`` for ``options``).

    Args:
        source: a fitted ``AutoModel`` (or task), a project folder (``directory/project_name``
            with its ``trials.sqlite``), or a list of trials.
    """
    if isinstance(source, str | os.PathLike):
        with TrialStore.open_existing(source) as store:
            trials = store.trials()
    elif hasattr(source, "trials_"):
        trials = source.trials_
    elif isinstance(source, Sequence):
        trials = list(source)
    else:
        raise TypeError(f"importance() takes a fitted AutoModel, a project folder or a list of "
                        f"trials; received {type(source).__name__}.")
    return trial_importance(trials, **options)
