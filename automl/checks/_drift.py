"""Drift: compact summaries of the training columns and predictions (kept with the model, a few
kilobytes of JSON), and how far new rows have moved from them.

The statistic is the population stability index (PSI) over the training deciles of a number
(and a bin for missing values) or the training categories (the 30 most frequent, the rest
pooled, missing values a category of their own): one statistic for both kinds, read the same
way whatever the number of rows (a KS or chi-squared p-value calls any tiny shift significant
on a large batch). The usual reading: under 0.1 stable, 0.1-0.25 a moderate shift, above 0.25
drifted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from automl.data import MISSING_CATEGORY, ColumnKind

MODERATE, DRIFTED = 0.1, 0.25
#: Fewer new rows than this give a PSI too noisy to judge by.
MINIMUM_ROWS = 50
TOP_CATEGORIES = 30
#: Categories kept to name unseen ones, at most (more: an identifier, not worth the bytes).
SEEN_CATEGORIES = 1_000
OTHER = "<other>"
#: Shares are floored at this before the logarithm (an empty bin is not an infinite shift).
FLOOR = 1e-4
PREDICTION = "(prediction)"


def _numeric_summary(values: np.ndarray) -> dict:
    present = values[~np.isnan(values)]
    edges = np.unique(np.quantile(present, np.linspace(0.1, 0.9, 9))) if len(present) else []
    summary = {"kind": "numerical", "edges": [float(e) for e in edges]}
    summary["shares"] = _numeric_shares(summary, values).tolist()
    return summary


def _numeric_shares(summary: dict, values: np.ndarray) -> np.ndarray:
    """Shares of ``values`` per bin between the edges, then missing."""
    values = np.asarray(values, dtype="float64")
    missing = np.isnan(values)
    bins = np.searchsorted(np.asarray(summary["edges"]), values[~missing], side="right")
    counts = np.append(np.bincount(bins, minlength=len(summary["edges"]) + 1), missing.sum())
    return counts / max(len(values), 1)


def _categorical_summary(values: pd.Series) -> dict:
    counts = values.value_counts()
    top = [str(c) for c in counts.index[:TOP_CATEGORIES]]
    summary = {"kind": "categorical", "categories": top}
    summary["shares"] = _categorical_shares(summary, values).tolist()
    return summary


def _categorical_shares(summary: dict, values: pd.Series) -> np.ndarray:
    """Shares of ``values`` per known category, then the pooled rest."""
    known = summary["categories"]
    counts = values.astype(str).value_counts()
    shares = [counts.get(c, 0) for c in known] + [counts.drop(known, errors="ignore").sum()]
    return np.asarray(shares, dtype="float64") / max(len(values), 1)


def summarize(values, kind: ColumnKind) -> dict:
    """What drift needs to know of a column (or of predictions) in training."""
    if kind is ColumnKind.NUMERICAL:
        return _numeric_summary(np.asarray(values, dtype="float64"))
    return _categorical_summary(pd.Series(values).astype(str))


def profile(x: pd.DataFrame, kinds: Sequence[ColumnKind], predictions, *,
            classification: bool) -> dict:
    """The training profile: each column's summary and the predictions' (JSON-ready)."""
    columns = {name: summarize(x[name], kind) for name, kind in zip(x.columns, kinds)}
    for name, kind in zip(x.columns, kinds):
        if kind is not ColumnKind.CATEGORICAL:
            continue
        seen = pd.unique(x[name].astype(str))
        if len(seen) <= SEEN_CATEGORIES:
            columns[name]["seen"] = sorted(seen)  # to name the categories never seen
    prediction_kind = ColumnKind.CATEGORICAL if classification else ColumnKind.NUMERICAL
    return {"rows": len(x), "columns": columns,
            "prediction": summarize(predictions, prediction_kind)}


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """The population stability index between two share vectors."""
    e = np.maximum(np.asarray(expected, dtype="float64"), FLOOR)
    a = np.maximum(np.asarray(actual, dtype="float64"), FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def verdict(statistic: float, rows: int) -> str:
    if rows < MINIMUM_ROWS:
        return "too few rows"
    return "drifted" if statistic > DRIFTED else "moderate" if statistic > MODERATE else "stable"


def _coerced(summary: dict, values) -> np.ndarray | pd.Series:
    """Raw values as fit saw them: numbers (unreadable ones missing), or text with missing
    values as their own category."""
    values = pd.Series(np.asarray(values, dtype=object)).reset_index(drop=True)
    if summary["kind"] == "numerical":
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    return values.map(lambda v: MISSING_CATEGORY if pd.isna(v) else str(v))


def drift_table(training: dict, x: pd.DataFrame, predictions) -> pd.DataFrame:
    """Per column of ``x`` (raw, as predict takes it), and for the predictions: ``psi``,
    ``verdict``, the missing rate in training and now, and categories never seen in fit."""
    rows = []
    for name, summary in [*training["columns"].items(), (PREDICTION, training["prediction"])]:
        values = _coerced(summary, predictions if name == PREDICTION else x[name])
        numeric = summary["kind"] == "numerical"
        shares = (_numeric_shares(summary, values) if numeric
                  else _categorical_shares(summary, values))
        statistic = psi(summary["shares"], shares)
        unseen = [] if "seen" not in summary else sorted(
            set(values.unique()) - set(summary["seen"]) - {MISSING_CATEGORY})
        missing_now = float(shares[-1] if numeric else (values == MISSING_CATEGORY).mean())
        rows.append({"column": name, "psi": statistic, "verdict": verdict(statistic, len(values)),
                     "missing_in_fit": _missing_share(summary),
                     "missing_now": missing_now, "unseen_categories": unseen})
    return pd.DataFrame(rows)


def _missing_share(summary: dict) -> float:
    if summary["kind"] == "numerical":
        return float(summary["shares"][-1])
    categories = summary["categories"]
    return float(summary["shares"][categories.index(MISSING_CATEGORY)]
                 if MISSING_CATEGORY in categories else 0.0)


def drift_warnings(table: pd.DataFrame) -> list[str]:
    """One line per drifted column and per column with unseen categories."""
    lines = []
    for row in table.itertuples():
        if row.verdict == "drifted":
            lines.append(f"{'the predictions' if row.column == PREDICTION else repr(row.column)}"
                         f" drifted from fit (PSI {row.psi:.2f} > {DRIFTED})")
        if row.unseen_categories:
            shown = ", ".join(map(repr, row.unseen_categories[:5]))
            lines.append(f"column {row.column!r} holds categories never seen in fit: {shown}"
                         + (f" and {len(row.unseen_categories) - 5} more"
                            if len(row.unseen_categories) > 5 else ""))
    return lines
