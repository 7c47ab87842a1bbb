"""A fitted model in its project folder: saved whole, as ``model.joblib`` (the ``FittedModel``:
pipeline, ensemble or network, with its data spec, target column and drift profile), through
the project's atomic save, its SHA-256 in ``checksums.json``; loaded back by ``load_model``,
whatever it holds, once its checksum matches. And the student network ``distill`` trains beside
it."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path

from automl.data import ColumnKind, DataSpec, Task
from automl.evaluation import DEFAULT_OBJECTIVES
from automl.export import Student
from automl.fitting._fitted import FittedModel, PipelineModel
from automl.trials import (
    CHECKSUMS_FILE,
    DISTILLATION_FILE,
    MODEL_FILE,
    PIPELINE_FILE,
    PROFILE_FILE,
    STUDENT_FILE,
    Project,
    TrialStore,
)


def model_writer(fitted: FittedModel) -> dict[str, Callable[[Path], None]]:
    """What ``Project.save`` takes to write ``fitted`` into a project folder: the model, then
    the checksum of the file then in place (the earlier one's, if the new one failed)."""
    import joblib

    def record_checksum(path: Path) -> None:
        Path(path).write_text(json.dumps(
            {MODEL_FILE: file_digest(Path(path).parent / MODEL_FILE)}, indent=1))

    return {MODEL_FILE: lambda path: joblib.dump(fitted, path), CHECKSUMS_FILE: record_checksum}


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hex."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def check_checksum(path: Path) -> None:
    """Raises a ``ValueError`` naming ``path`` when its SHA-256 is not the one its folder's
    ``checksums.json`` recorded at save time. Folders saved before checksums pass."""
    recorded = path.parent / CHECKSUMS_FILE
    if not recorded.is_file():
        return
    try:
        expected = json.loads(recorded.read_text()).get(path.name)
    except (ValueError, AttributeError, UnicodeDecodeError):
        raise ValueError(f"{str(recorded)!r} is not the checksum record automl writes: it was "
                         "damaged or changed. Run 'automl fit' again (with --overwrite to start "
                         "afresh).") from None
    if expected is not None and file_digest(path) != expected:
        raise ValueError(
            f"{str(path)!r} is not the file automl saved there: its SHA-256 differs from the "
            f"one {CHECKSUMS_FILE} recorded, so it was damaged or changed since. (This catches "
            "damage and later edits, not a forger who rewrites both files: load only folders "
            "you trust.) Run 'automl fit' again (with --overwrite to start afresh).")


def save_student(folder: Path, student: Student) -> Path:
    """Writes ``student.keras`` and ``distillation.json`` into a project folder; returns the
    first's path."""
    def save_keras(path) -> None:
        staged = f"{path}.keras"  # Keras saves to a name ending in .keras only
        student.save(staged)
        os.replace(staged, path)

    with Project(folder) as project:
        unsaved = project.save({STUDENT_FILE: save_keras,
                                DISTILLATION_FILE: lambda path: Path(path).write_text(
                                    json.dumps(student.summary, indent=1))})
    if unsaved:
        warnings.warn(f"{unsaved} in {str(folder)!r}: the student is in memory only.",
                      RuntimeWarning, stacklevel=3)
    return folder / STUDENT_FILE


def saved_model_file(folder: str | os.PathLike) -> Path | None:
    """The file holding the model of ``folder`` (``None``: it holds none)."""
    for name in (MODEL_FILE, PIPELINE_FILE):  # the second: folders saved before MODEL_FILE
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def load_model(path: str | os.PathLike) -> FittedModel:
    """The fitted model saved in a project folder: ``DIR`` of ``automl fit --output DIR``, or
    ``directory/project_name`` of a task class.

    It predicts on raw ``x`` as the estimator did (a CSV path or a DataFrame, its target column
    dropped if present): ``predict``, ``predict_proba`` and ``classes_`` for a classifier,
    ``evaluate``, ``score``, ``drift``, ``export``; ``pipeline`` is the fitted scikit-learn
    pipeline (or, for several inputs and outputs, the network's model itself).

    Loading unpickles the folder's files, which runs code from whoever wrote them: load only
    folders you trust.
    """
    folder = Path(path)
    if folder.is_file():
        raise ValueError(f"{str(folder)!r} is a file: pass the project folder that holds it "
                         f"({str(folder.parent)!r}).")
    saved = saved_model_file(folder)
    if saved is None:
        raise FileNotFoundError(f"{str(folder)!r} holds no saved model ({MODEL_FILE}): pass the "
                                "output folder of a finished 'automl fit', or a task class's "
                                "directory/project_name after fit.")
    model = _unpickled(saved)
    if not isinstance(model, FittedModel):  # a folder saved before MODEL_FILE
        model = _from_pipeline(model, folder)
    return model


def _unpickled(path: Path):
    import joblib

    check_checksum(path)
    try:
        return joblib.load(path)
    except ModuleNotFoundError as error:
        raise ValueError(f"{str(path)!r} needs the package {error.name!r}, which is not "
                         f"installed here: pip install {error.name}.") from None
    except Exception as error:  # truncated, overwritten, or pickled by other library versions
        raise ValueError(f"{str(path)!r} cannot be loaded ({type(error).__name__}: {error}): "
                         "it is damaged or was saved with other versions of its libraries. "
                         "Run 'automl fit' again (with --overwrite to start afresh).") from None


def _from_pipeline(pipeline, folder: Path) -> PipelineModel:
    """The model of a folder that kept only the bare pipeline, with what else it kept: the
    search's settings and the training profile (its columns and their kinds)."""
    settings = {}
    if TrialStore.exists_in(folder):
        with TrialStore.open_existing(folder) as store:
            settings = store.project()
    profile = json.loads((folder / PROFILE_FILE).read_text()) \
        if (folder / PROFILE_FILE).is_file() else None
    columns = (profile or {"columns": {}})["columns"]
    classifies = settings.get("task", "classification" if hasattr(pipeline, "classes_")
                              else "regression") == "classification"
    task = Task.CLASSIFICATION if classifies else Task.REGRESSION
    spec = DataSpec(task, tuple(columns),
                    tuple(ColumnKind(summary["kind"]) for summary in columns.values()),
                    n_rows=profile["rows"] if profile else 0,
                    classes=tuple(pipeline.classes_) if classifies else None,
                    ignored_columns=tuple(settings[key] for key in ("groups_column",
                                                                    "time_column")
                                          if settings.get(key)))
    return PipelineModel(pipeline, spec, settings.get("objective") or DEFAULT_OBJECTIVES[task],
                         settings.get("target_column"), profile=profile)
