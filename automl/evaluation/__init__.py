"""Cross-validated evaluation of genomes into typed trials."""

from automl.evaluation._costs import BATCH_ROWS, COSTS, latencies, measure_costs, saved_size
from automl.evaluation._cross_validation import (
    VALIDATION_ROWS,
    CrossValidation,
    fold_indices,
    forward_folds,
    make_folds,
    scored_folds,
    validation_rows,
)
from automl.evaluation._folds import cross_validate, current_worker, run_folds
from automl.evaluation._objectives import (
    DEFAULT_OBJECTIVES,
    SECONDARY_OBJECTIVES,
    check_secondary_objectives,
    evaluation_scores,
    objective_vector,
    resolve_objective,
    score_predictions,
)
from automl.evaluation._screening import Candidate, Rungs, genome_of, rung_fractions
from automl.evaluation._trial import Status, Trial, describe_error

__all__ = [
    "BATCH_ROWS",
    "COSTS",
    "Candidate",
    "DEFAULT_OBJECTIVES",
    "SECONDARY_OBJECTIVES",
    "VALIDATION_ROWS",
    "CrossValidation",
    "Status",
    "Trial",
    "check_secondary_objectives",
    "cross_validate",
    "current_worker",
    "describe_error",
    "evaluation_scores",
    "fold_indices",
    "forward_folds",
    "genome_of",
    "latencies",
    "make_folds",
    "measure_costs",
    "objective_vector",
    "Rungs",
    "resolve_objective",
    "rung_fractions",
    "run_folds",
    "saved_size",
    "score_predictions",
    "scored_folds",
    "validation_rows",
]
