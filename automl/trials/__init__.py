"""Every trial kept: the SQLite store of a project, resuming, leaderboards, hyperparameter
importance and the HTML report."""

from automl.trials._frame import leaderboard
from automl.trials._project import Project, ProjectMismatchError
from automl.trials._store import TrialStore, library_versions

__all__ = ["Project", "ProjectMismatchError", "TrialStore", "leaderboard", "library_versions"]
