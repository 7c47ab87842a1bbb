"""Checks of the training data before any candidate runs (Breck et al. 2017, "The ML Test
Score": features, data and their leaks): a column that restates the target, identifiers,
duplicated rows, constant columns, severe class imbalance, a target that is an index or a
date. Each finding names the column or rows and what to do."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from automl.checks._signal import column_scores, determined_by_target, sample
from automl.data import ColumnKind, Task, TrainingData, copied_records, duplicate_groups
from automl.data._messages import plain, preview
from automl.evaluation import fold_indices

#: A column alone scoring this (balanced accuracy, or R²) under CV restates the target.
LEAK_SCORE = 0.99
#: Share of each class's rows in which a column must take that class's value to be a function
#: of the target: below a copy of the target with a few per cent of it changed (at 0.99 one
#: with 1 % changed went unnamed), above every clean suite table's columns (at most 0.92).
DETERMINED_SHARE = 0.95
#: An identifier alone scores at most chance plus this (it carries no signal).
IDENTIFIER_MARGIN = 0.05
#: A column whose most frequent value fills this share of the rows is near-constant.
NEAR_CONSTANT_SHARE = 0.995
#: Largest class over smallest class from which imbalance is severe.
IMBALANCE_RATIO = 20
#: Objectives that reward predicting the majority class of an imbalanced target.
MAJORITY_REWARDING = ("accuracy", "top_k_accuracy")
SEVERITIES = ("warning", "info")
COLUMNS = ("check", "severity", "columns", "rows", "message")


@dataclass(frozen=True)
class Finding:
    """One problem with the data.

    Attributes:
        check: its kind (``"target_leak"``, ``"identifier"``, ``"duplicates"``, ...).
        severity: ``"warning"`` when the score or the model would mislead (``checks="raise"``
            stops the fit for these), ``"info"`` when it is worth knowing but handled.
        columns: the columns concerned. ``rows``: example rows (positions in ``x``).
        message: what was found and what to do.
    """

    check: str
    severity: str
    columns: tuple[str, ...]
    rows: tuple[int, ...]
    message: str


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """The findings as a DataFrame (``checks_``), warnings first."""
    frame = pd.DataFrame([{"check": f.check, "severity": f.severity, "columns": list(f.columns),
                           "rows": list(f.rows), "message": f.message} for f in findings],
                         columns=list(COLUMNS))
    order = frame["severity"].map(SEVERITIES.index)
    return frame.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _drop(columns: Sequence[str]) -> str:
    return f"x.drop(columns={list(columns)!r})"


def _column_findings(data: TrainingData) -> list[Finding]:
    """Leaks, identifiers, constant columns: counts on all rows, scores on a sample."""
    x, y = sample(data.x, data.y)
    task = data.spec.task
    classification = task is Task.CLASSIFICATION
    metric = "balanced accuracy" if classification else "R²"
    chance = 1 / len(np.unique(y)) if classification else 0.0
    scores = column_scores(x, y, task)
    findings = []
    for name, kind in zip(data.spec.column_names, data.spec.column_kinds):
        column, score = data.x[name], scores[name]
        counts = column.value_counts(dropna=False)
        top = "missing" if pd.isna(counts.index[0]) else repr(plain(counts.index[0]))
        if len(counts) == 1:
            findings.append(Finding("constant", "info", (name,), (), (
                f"column {name!r} has one value ({top}) in every row: it carries nothing to "
                f"learn from; drop it ({_drop([name])}).")))
        elif counts.iloc[0] >= NEAR_CONSTANT_SHARE * len(column):
            others = np.flatnonzero(~column.isin(counts.index[:1]).to_numpy())[:10]
            findings.append(Finding("near_constant", "info", (name,), tuple(others.tolist()), (
                f"column {name!r} is {top} in {counts.iloc[0]} of "
                f"{len(column)} rows: near-constant, it can only matter for the few others; "
                "keep it if those rows are meaningful, else drop it.")))
        elif score >= LEAK_SCORE:
            findings.append(Finding("target_leak", "warning", (name,), (), (
                f"column {name!r} alone predicts the target under cross-validation ({metric} "
                f"{score:.3f}): it probably restates the target or is known only after it. "
                f"Drop it ({_drop([name])}) unless it is truly available when predicting.")))
        elif classification and determined_by_target(column, data.y, DETERMINED_SHARE):
            findings.append(Finding("target_leak", "warning", (name,), (), (
                f"column {name!r} takes one value per class of the target in over "
                f"{DETERMINED_SHARE:.0%} of each class's rows: it is (nearly) a function of the "
                f"target (it restates it). Drop it ({_drop([name])}) unless it is truly available "
                "when predicting.")))
        elif (len(counts) == len(column) and not column.isna().any()
              and _discrete(column, kind) and score <= chance + IDENTIFIER_MARGIN):
            findings.append(Finding("identifier", "warning", (name,), (), (
                f"column {name!r} has a different value in every row (an identifier) and "
                f"alone predicts no better than chance ({metric} {score:.3f}): nothing learnt "
                f"from it carries over to new rows; drop it ({_drop([name])}).")))
    return findings


def _discrete(column: pd.Series, kind: ColumnKind) -> bool:
    """Labels or whole numbers: what identifiers are made of (measurements are not)."""
    if kind is not ColumnKind.NUMERICAL:
        return True
    values = column.to_numpy(dtype="float64")
    return bool(np.all(values == np.round(values)))


def _duplicates(data: TrainingData, cv: int) -> list[Finding]:
    groups = duplicate_groups(data.x)
    if groups is None:
        return []
    size = np.bincount(groups)[groups]
    copies = np.flatnonzero(size > 1)
    conflicting = pd.Series(data.y[copies]).groupby(groups[copies]).nunique()
    found = (f"{len(copies)} of {len(data.y)} rows are copies of another row "
             f"({int((np.bincount(groups) > 1).sum())} groups of identical features, e.g. rows "
             f"{preview(copies[:6].tolist())}"
             + (f"; {int((conflicting > 1).sum())} groups hold different targets"
                if (conflicting > 1).any() else "") + "). ")
    records = copied_records(data.x)
    if records is None:
        return [Finding("duplicates", "info", (), tuple(copies[:10].tolist()), found + (
            "They repeat common values (a discrete feature space, where new rows repeat "
            "training rows as often), so cross-validation scores them as it would new rows.")
        )]
    grouped = np.flatnonzero(np.bincount(records)[records] > 1)
    # What plain k-fold would do: validate copies of a record against another in training.
    plain_folds = fold_indices(data.y, cv, 0, stratify=data.spec.task is Task.CLASSIFICATION)
    straddling = sum(int(np.isin(records[validation], records[train]).sum())
                     for train, validation in plain_folds)
    return [Finding("duplicates", "info", (), tuple(grouped[:10].tolist()), found + (
        f"{len(grouped)} of them hold a value no other row has (one record entered twice, e.g. "
        f"rows {preview(grouped[:6].tolist())}): plain {cv}-fold cross-validation would score "
        f"{straddling} of those against their copy in training, inflating the score, so the "
        "folds keep each record's copies together. If they are mistakes, drop them "
        "(x.drop_duplicates())."))]


def _imbalance(data: TrainingData, objective: str) -> list[Finding]:
    labels, counts = np.unique(data.y, return_counts=True)
    if counts.max() < IMBALANCE_RATIO * counts.min():
        return []
    rare, common = labels[counts.argmin()], labels[counts.argmax()]
    found = (f"the target is imbalanced: class {plain(rare)!r} has {counts.min()} rows, class "
             f"{plain(common)!r} {counts.max()} (1:{counts.max() / counts.min():.0f}).")
    if objective in MAJORITY_REWARDING:
        return [Finding("imbalance", "warning", (), (), (
            f"{found} The objective {objective!r} rewards always predicting {plain(common)!r} "
            f"({counts.max() / counts.sum():.3f} that way): use objective='balanced_accuracy' "
            "(the default), 'f1_macro' or 'roc_auc_ovr', which weigh every class."))]
    return [Finding("imbalance", "info", (), (), (
        f"{found} The objective {objective!r} suits it (it does not reward predicting the "
        "majority class); more examples of the rare classes would help most."))]


def _target_shape(data: TrainingData) -> list[Finding]:
    """A target that is a row index, or a date."""
    y = data.y
    if y.dtype.kind == "M" or _dates(y):
        return [Finding("target_date", "warning", (), (), (
            "the target holds dates: a model cannot extrapolate a date, and a date target "
            "usually orders the rows rather than measures them. Predict a duration (e.g. days "
            "since a reference date) or what happened at that date instead."))]
    numeric = y.dtype.kind in "biuf"
    distinct = len(pd.unique(y)) == len(y)
    if numeric and distinct and np.all(y == np.round(y)):
        steps = np.diff(y.astype("float64"))
        if np.all(steps > 0) or np.all(steps < 0) or y.max() - y.min() == len(y) - 1:
            return [Finding("target_index", "warning", (), (0, 1, 2), (
                "the target looks like a row index (whole numbers, a different one in every "
                "row, consecutive or in row order): there is nothing to learn; pass the real "
                "target column."))]
    if data.spec.task is Task.CLASSIFICATION and distinct:
        return [Finding("target_index", "warning", (), (), (
            "every row has a class of its own: the target is an identifier, not a label; pass "
            "the real target column."))]
    return []


def _dates(y: np.ndarray) -> bool:
    """Date strings (ISO, 2024-01-31 or 31/01/2024), or integers spelling yyyymmdd."""
    if y.dtype.kind in "iuf":
        values = y.astype("float64")
        if not np.all(values == np.round(values)) or values.min() < 19000101 \
                or values.max() > 21001231:
            return False
        text = pd.Series(values.astype("int64").astype(str))
        return bool(pd.to_datetime(text, format="%Y%m%d", errors="coerce").notna().all())
    if y.dtype.kind not in "OUS":
        return False
    text = pd.Series(y[:1000]).astype(str)
    if not text.str.contains(r"\d[-/.]\d", regex=True).all():
        return False
    return bool(pd.to_datetime(text, errors="coerce", format="mixed").notna().mean() > 0.9)


def check_data(data: TrainingData, *, objective: str, cv: int) -> list[Finding]:
    """Every check that applies to ``data``: column checks for tables (not pixels or text),
    duplicated rows and the target's checks for any."""
    findings = _target_shape(data)
    if data.spec.image_shape is None and not data.spec.is_text:
        findings += _column_findings(data)
    findings += _duplicates(data, cv)
    if data.spec.task is Task.CLASSIFICATION:
        findings += _imbalance(data, objective)
    return findings


CHECK_MODES = ("warn", "raise", "off")


class DataCheckWarning(UserWarning):
    """A finding of the data checks (``checks="warn"``)."""


class DataCheckError(ValueError):
    """The data checks found problems and ``checks="raise"`` asked to stop."""


def run_checks(data: TrainingData, mode: str, *, objective: str, cv: int,
               say=None) -> pd.DataFrame:
    """Runs the checks as ``mode`` says (``"warn"``: each finding through ``say`` and each
    warning as a ``DataCheckWarning``; ``"raise"``: a ``DataCheckError`` when a warning is
    found; ``"off"``: none) and returns the findings' frame."""
    if mode == "off":
        return findings_frame([])
    findings = check_data(data, objective=objective, cv=cv)
    warnings_found = [f for f in findings if f.severity == "warning"]
    if mode == "raise" and warnings_found:
        listed = "\n".join(f"- {f.message}" for f in warnings_found)
        raise DataCheckError(f"the data checks found {len(warnings_found)} problem(s) before "
                             f"the search:\n{listed}\nFix the data, or pass checks='warn' to "
                             "search anyway.")
    if say is not None:
        for finding in findings:
            say(f"data check ({finding.severity}): {finding.message}")
    for finding in warnings_found:
        warnings.warn(finding.message, DataCheckWarning, stacklevel=4)
    return findings_frame(findings)
