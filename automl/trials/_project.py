"""A project folder (``directory/project_name``): its trial store, the lock that keeps two
``fit`` calls from writing one search at once, and the checks that decide whether a new
``fit`` may continue the stored search."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from automl.trials._store import FILE_NAME, TrialStore

try:  # POSIX; elsewhere the lock is skipped
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

LOCK_NAME = ".lock"
#: The fitted model (``automl.load_model`` reads it: the pipeline or network with its data
#: spec, target column and drift profile), the leaderboard and the data checks' findings
#: (JSON records), which a finished fit leaves; the behaviour tests run on its model
#: (``automl.checks``).
MODEL_FILE, LEADERBOARD_FILE, CHECKS_FILE = "model.joblib", "leaderboard.csv", "data_checks.json"
BEHAVIOUR_FILE = "behaviour_tests.json"
#: What folders written before ``MODEL_FILE`` hold instead: the bare pipeline and the profile.
PIPELINE_FILE, PROFILE_FILE = "best_pipeline.joblib", "data_profile.json"
#: Which trial the saved model is (``null`` for an ensemble), the cost limits it was chosen
#: under, and what it costs to ship (``AutoModel.costs_``).
SELECTION_FILE = "selection.json"
#: ``distill``'s student network and its summary (fidelity, size, latency).
STUDENT_FILE, DISTILLATION_FILE = "student.keras", "distillation.json"
#: The SHA-256 of each pickled file, recorded when it is saved and checked when it is loaded.
CHECKSUMS_FILE = "checksums.json"
#: Files a project owns: ``overwrite=True`` removes these and nothing else.
PROJECT_FILES = (FILE_NAME, f"{FILE_NAME}-wal", f"{FILE_NAME}-shm", MODEL_FILE, PIPELINE_FILE,
                 LEADERBOARD_FILE, CHECKS_FILE, PROFILE_FILE, BEHAVIOUR_FILE, SELECTION_FILE,
                 STUDENT_FILE, DISTILLATION_FILE, CHECKSUMS_FILE, "report.html")

#: Stored settings that must match for trials of two runs to be compared, with what each is.
COMPARABLE = {
    "task": "task",
    "objective": "objective",
    "output_metrics": "metric of each output",
    "cv": "number of folds (cv)",
    "secondary_objectives": "secondary objectives",
    "data_fingerprint": "training data (fingerprint)",
    "space_fingerprint": "search space (fingerprint)",
}


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Writes ``path`` with ``write(partial)`` to a temporary file beside it, then renames it
    into place: a failed write (disk full) leaves the earlier file whole and nothing partial."""
    partial = path.with_name(f"{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class ProjectMismatchError(ValueError):
    """The stored search was run on other data, space or settings than this ``fit``."""


class ProjectLockedError(RuntimeError):
    """Another process is running a fit on this project."""


class Project:
    """Opens (and locks) a project folder; ``overwrite`` first removes its earlier results.

    The lock is an ``flock`` on ``.lock``: the kernel drops it when the process ends, however
    it ends, so a killed search never leaves a stale lock behind.
    """

    def __init__(self, folder: str | os.PathLike, *, overwrite: bool = False):
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.folder / LOCK_NAME, "a+")  # noqa: SIM115 (held until close)
        except OSError as error:  # a file in the way, no permission, a read-only disk
            raise ValueError(f"the project folder {str(self.folder)!r} cannot be created or "
                             f"written ({error.strerror or error}): pass a writable folder as "
                             "directory.") from None
        if fcntl is not None:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock.close()
                raise ProjectLockedError(
                    f"another fit is running on the project {str(self.folder)!r}: wait for it, "
                    "or use another project_name or directory.") from None
        if overwrite:
            for name in PROJECT_FILES:
                (self.folder / name).unlink(missing_ok=True)
        try:
            self.store = TrialStore(self.folder)
        except BaseException:  # a damaged or foreign store: the error says so, the lock goes
            self._lock.close()
            raise

    def save(self, writers: dict[str, Callable[[Path], None]]) -> str | None:
        """Writes each file ``name`` of the folder with ``writers[name](path)``, through a
        temporary file beside it, so a failed write (disk full) leaves the earlier file whole.
        Returns what could not be written and why (``None``: all were)."""
        failed = []
        for name, write in writers.items():
            try:
                write_atomically(self.folder / name, write)
            except OSError as error:
                failed.append(f"{name} ({error.strerror or error})")
        return f"could not write {', '.join(failed)}" if failed else None

    def close(self) -> None:
        self.store.close()
        self._lock.close()  # releases the flock

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def check_resumable(self, settings: dict) -> dict:
        """Compares ``settings`` with the stored ones (stores them for a new project) and
        returns the stored settings. Raises ``ProjectMismatchError`` naming what changed."""
        stored = self.store.project()
        if not stored:
            self.store.set_project(settings)
            return settings
        for key, what in COMPARABLE.items():
            if key in stored and stored[key] != settings.get(key):
                raise ProjectMismatchError(
                    f"the project {str(self.folder)!r} holds {self.store.count()} trials of a "
                    f"search whose {what} differs from this fit's ({stored[key]!r} then, "
                    f"{settings.get(key)!r} now): their scores cannot be mixed. Pass "
                    "overwrite=True to start afresh, or use another project_name or directory.")
        if settings.get("seed") is not None and stored.get("seed") != settings["seed"]:
            raise ProjectMismatchError(
                f"the project {str(self.folder)!r} was searched with seed={stored.get('seed')} "
                f"and this fit asks for seed={settings['seed']}: the folds would differ. Pass "
                f"seed={stored.get('seed')} (or None) to resume, or overwrite=True to start "
                "afresh.")
        return stored
