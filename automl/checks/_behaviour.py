"""Behaviour tests of a fitted model (Ribeiro et al. 2020, CheckList): what must not change a
prediction (invariance), what must move it one way (directional expectation), and cases it
must get right (minimum functionality). Each returns the rows that broke the expectation, a
DataFrame (empty: passed), so it reads as an assertion in the user's own tests:

    assert automl.checks.invariance(model, x_test, "name", ["Ann", "Bob"]).empty

A fitted ``AutoModel`` keeps a summary of each test run on it (``behaviour_tests_``), and its
report, and its project folder's, shows them.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from automl.trials import BEHAVIOUR_FILE, Project

EXPECTATIONS = ("increase", "decrease")


def _frame(x) -> pd.DataFrame:
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"x must be a DataFrame of rows as fit took them; received "
                        f"{type(x).__name__}.")
    if x.empty:
        raise ValueError("x has no rows: pass the rows to test the model on.")
    return x.reset_index(drop=True)


def _column(x: pd.DataFrame, column: str) -> None:
    if column not in x.columns:
        raise ValueError(f"column {column!r} is not in x; its columns are "
                         f"{list(x.columns)[:20]}.")


def _classifies(model) -> bool:
    return hasattr(model, "predict_proba") and hasattr(model, "classes_")


def _scores(model, x: pd.DataFrame, target_class) -> np.ndarray:
    """What a directional test watches: the probability of ``target_class`` for a classifier,
    the prediction for a regressor."""
    if not _classifies(model):
        return np.asarray(model.predict(x), dtype="float64")
    classes = list(np.asarray(model.classes_))
    label = classes[-1] if target_class is None else target_class
    if label not in classes:
        raise ValueError(f"target_class {label!r} is not one of the model's classes {classes}.")
    return np.asarray(model.predict_proba(x))[:, classes.index(label)]


def _record(model, test: str, column: str | None, rows: int, broken: pd.DataFrame,
            expectation: str) -> pd.DataFrame:
    """Keeps the test's summary on the model (and in its project folder) for the report."""
    summary = {"test": test, "column": column, "expectation": expectation, "rows": rows,
               "broken": len(broken), "passed": broken.empty}
    broken.attrs.update(summary)
    if hasattr(model, "fitted_model_"):
        model.behaviour_tests_ = [*getattr(model, "behaviour_tests_", []), summary]
        folder = getattr(model, "project_folder", None)
        if folder is not None and folder.is_dir():
            kept = json.loads((folder / BEHAVIOUR_FILE).read_text()) \
                if (folder / BEHAVIOUR_FILE).is_file() else []
            with Project(folder) as project:
                unsaved = project.save({BEHAVIOUR_FILE: lambda path: Path(path).write_text(
                    json.dumps([*kept, summary], indent=1))})
            if unsaved:
                warnings.warn(f"{unsaved} in {str(folder)!r}: the summary is kept on the "
                              "model only.", RuntimeWarning, stacklevel=3)
    return broken


def invariance(model, x, column: str, values: Sequence, *, tolerance: float = 0.0
               ) -> pd.DataFrame:
    """Rows whose prediction changes when ``column`` is set to each of ``values`` (a name, a
    postcode: what must not matter). For a regressor, a change within ``tolerance`` is none.

    Returns one row per broken (row, value): ``row``, ``value``, ``before``, ``after``.
    """
    x = _frame(x)
    _column(x, column)
    before = np.asarray(model.predict(x))
    broken = []
    for value in values:
        after = np.asarray(model.predict(x.assign(**{column: value})))
        changed = (after != before) if _classifies(model) else \
            np.abs(after.astype(float) - before.astype(float)) > tolerance
        broken += [{"row": int(i), "value": value, "before": before[i], "after": after[i]}
                   for i in np.flatnonzero(changed)]
    table = pd.DataFrame(broken, columns=["row", "value", "before", "after"])
    return _record(model, "invariance", column, len(x) * len(values), table,
                   f"unchanged when set to {list(values)[:5]}")


def directional(model, x, column: str, change, expect: str = "increase", *,
                target_class=None, tolerance: float = 1e-9) -> pd.DataFrame:
    """Rows whose prediction moves against ``expect`` (``"increase"`` or ``"decrease"``) when
    ``column`` changes by ``change``: a number added, or a function of the column returning
    its new values (``lambda c: c * 2``). A classifier's probability of ``target_class`` is
    watched (default: its last class, the positive one of two); moving less than
    ``tolerance`` either way is no move.

    Returns one row per broken row: ``row``, ``value``, ``new_value``, ``before``, ``after``.
    """
    if expect not in EXPECTATIONS:
        raise ValueError(f"expect must be 'increase' or 'decrease'; received {expect!r}.")
    x = _frame(x)
    _column(x, column)
    new = change(x[column]) if callable(change) else x[column] + change
    before, after = _scores(model, x, target_class), _scores(
        model, x.assign(**{column: new}), target_class)
    sign = 1 if expect == "increase" else -1
    wrong = np.flatnonzero(sign * (after - before) < -tolerance)
    table = pd.DataFrame({"row": wrong, "value": x[column].to_numpy()[wrong],
                          "new_value": np.asarray(new)[wrong], "before": before[wrong],
                          "after": after[wrong]})
    watched = "prediction" if not _classifies(model) else "probability"
    return _record(model, "directional", column, len(x), table, f"{watched} {expect}s")


def minimum_functionality(model, cases, expected: str = "expected", *,
                          tolerance: float | None = None) -> pd.DataFrame:
    """Cases the model must get right: ``cases`` is a DataFrame of rows with their expected
    answer in the column ``expected``. A regressor's answer must be within ``tolerance``.

    Returns the cases it got wrong, with its ``prediction``.
    """
    cases = _frame(cases)
    _column(cases, expected)
    if not _classifies(model) and tolerance is None:
        raise ValueError("tolerance is required for a regressor: how far from the expected "
                         "value a prediction may be, e.g. tolerance=0.5.")
    predicted = np.asarray(model.predict(cases.drop(columns=[expected])))
    truth = cases[expected].to_numpy()
    wrong = (predicted != truth) if tolerance is None else \
        np.abs(predicted.astype(float) - truth.astype(float)) > tolerance
    table = cases[wrong].assign(prediction=predicted[wrong])
    return _record(model, "minimum_functionality", None, len(cases), table,
                   "expected answers" if tolerance is None else f"within {tolerance}")
