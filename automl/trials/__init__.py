"""Every trial kept: the SQLite store of a project, resuming, leaderboards, hyperparameter
importance and the HTML report."""

from automl.trials._frame import leaderboard
from automl.trials._importance import functional_anova, importance, trial_importance
from automl.trials._meta_store import MetaStore, check_meta_store, meta_features
from automl.trials._mlflow import MlflowLogger, check_mlflow
from automl.trials._project import (
    BEHAVIOUR_FILE,
    CHECKS_FILE,
    CHECKSUMS_FILE,
    DISTILLATION_FILE,
    LEADERBOARD_FILE,
    MODEL_FILE,
    PIPELINE_FILE,
    PROFILE_FILE,
    SELECTION_FILE,
    STUDENT_FILE,
    Project,
    ProjectLockedError,
    ProjectMismatchError,
)
from automl.trials._report import render_report, write_report
from automl.trials._store import TrialStore, library_versions
from automl.trials._store_errors import StoreError

__all__ = [
    "check_meta_store",
    "meta_features",
    "BEHAVIOUR_FILE",
    "CHECKS_FILE",
    "CHECKSUMS_FILE",
    "DISTILLATION_FILE",
    "LEADERBOARD_FILE",
    "MODEL_FILE",
    "PIPELINE_FILE",
    "PROFILE_FILE",
    "SELECTION_FILE",
    "STUDENT_FILE",
    "MetaStore",
    "MlflowLogger",
    "Project",
    "ProjectLockedError",
    "ProjectMismatchError",
    "StoreError",
    "TrialStore",
    "functional_anova",
    "importance",
    "leaderboard",
    "library_versions",
    "check_mlflow",
    "render_report",
    "trial_importance",
    "write_report",
]
