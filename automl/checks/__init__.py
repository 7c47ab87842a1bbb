"""Trust in the data and the model: checks of the training data before the search (leaks,
identifiers, duplicates, constant columns, imbalance, a target that is an index or a date), and
behaviour tests of a fitted model (invariance, directional expectations, minimum
functionality), and drift of new rows from the training data."""

from automl.checks._behaviour import directional, invariance, minimum_functionality
from automl.checks._data import (
    CHECK_MODES,
    DataCheckError,
    DataCheckWarning,
    Finding,
    check_data,
    findings_frame,
    run_checks,
)
from automl.checks._drift import drift_table, drift_warnings, profile
from automl.checks._signal import sample

__all__ = [
    "CHECK_MODES",
    "DataCheckError",
    "DataCheckWarning",
    "Finding",
    "check_data",
    "directional",
    "drift_table",
    "drift_warnings",
    "findings_frame",
    "invariance",
    "minimum_functionality",
    "profile",
    "run_checks",
    "sample",
]
