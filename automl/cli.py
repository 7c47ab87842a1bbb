"""The ``automl`` command: search a model for a CSV file, predict with it, report on it.

    automl fit data.csv --target y [--task classification|regression] [--time-budget S]
               [--output DIR] [--groups COLUMN | --time-column COLUMN] [--strategy NAME]
               [--no-screening] [--meta-store FILE]
    automl select DIR data.csv (--trial N | [--max-latency-ms MS] [--max-size-mb MB])
                                [--time-budget SECONDS]
    automl distill DIR data.csv [--time-budget 60] [--tolerance 0.01]
    automl predict DIR new.csv [-o predictions.csv] [--proba]
    automl report DIR [-o report.html]
    automl importance DIR
    automl serve DIR [--port 8000] [--host 127.0.0.1] [--token TOKEN]

Exit codes (for scripts): 0 done; 1 the search found no model that works; 2 bad usage or
input (a missing file or column, a changed data set for a stored search, ...); 130 stopped
with Ctrl-C (a fit still saves the best model found so far).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from automl._cli_parser import (
    EXIT_INTERRUPTED,
    EXIT_NO_MODEL,
    EXIT_OK,
    EXIT_USAGE,
    build_parser,
)
from automl.trials import CHECKSUMS_FILE, MODEL_FILE, SELECTION_FILE

#: What a project serves: a refused select puts back what was there before the command.
SERVED_FILES = (MODEL_FILE, CHECKSUMS_FILE, SELECTION_FILE)


def _infer_task(target) -> str:
    import pandas as pd

    values = target.dropna()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "classification"
    integral = bool((values == values.round()).all())
    return "classification" if integral and values.nunique() <= 20 else "regression"


def _fit(args) -> int:
    import warnings

    import automl
    from automl.checks import DataCheckWarning
    from automl.data import read_csv

    table = read_csv(args.data, argument="DATA")
    for option, column in (("--target", args.target), ("--groups", args.groups),
                           ("--time-column", args.time_column)):
        if column is not None and column not in table.columns:
            raise ValueError(f"{option} {column!r} is not a column of {args.data}; its columns "
                             f"are {list(table.columns)[:20]}.")
    task = args.task or _infer_task(table[args.target])
    output = Path(args.output).absolute()  # '.' has no name to be the project's
    estimator = (automl.StructuredDataClassifier if task == "classification"
                 else automl.StructuredDataRegressor)
    model = estimator(time_budget=args.time_budget, max_trials=args.max_trials,
                      objective=args.objective, cv=args.cv, n_jobs=args.n_jobs, seed=args.seed,
                      directory=output.parent, project_name=output.name,
                      overwrite=args.overwrite, checks=args.checks,
                      max_latency_ms=args.max_latency_ms, max_size_mb=args.max_size_mb,
                      strategy=args.strategy, meta_store=args.meta_store,
                      screening="auto" if args.screening else False,
                      verbose=0 if args.quiet else 1)
    if not args.quiet:
        taken = [column for column in (args.groups, args.time_column) if column]
        order = (f", grouped by {args.groups!r}" if args.groups else "") + (
            f", in the time order of {args.time_column!r}" if args.time_column else "")
        print(f"automl: {task} of {args.target!r} from {table.shape[1] - 1 - len(taken)} "
              f"columns, {len(table)} rows{order}; results in {output}", flush=True)
    with warnings.catch_warnings():  # the progress output shows them, or the summary below
        warnings.simplefilter("ignore", DataCheckWarning)
        model.fit(table, args.target, groups=args.groups, time_column=args.time_column)
    if args.quiet:
        for finding in model.checks_.itertuples():
            print(f"automl: data check ({finding.severity}): {finding.message}",
                  file=sys.stderr)
    try:
        report = automl.report(output)
    except OSError as error:  # a full disk: the model is fitted, its report is lost
        report = None
        print(f"automl: warning: the report could not be written ({error})", file=sys.stderr)
    best = model.best_trial_
    print(json.dumps({"task": task, "objective": model.objective_, "cv_score": best.score,
                      "model": best.genome.describe()["model"], "trials": len(model.trials_),
                      "interrupted": model.interrupted_, "seconds": round(model.fit_seconds_, 1),
                      "data_checks": {check: int(count) for check, count
                                      in model.checks_["check"].value_counts().items()},
                      "saved_model": str(output / MODEL_FILE),
                      "report": report and str(report)}))
    return EXIT_INTERRUPTED if model.interrupted_ else EXIT_OK


def _select(args) -> int:
    import automl
    from automl.data import read_csv
    from automl.fitting import trial_numbered
    from automl.trials import Project, TrialStore

    folder, settings = _project(args.folder)
    target = _target_column(folder, settings, "select")
    with TrialStore.open_existing(folder) as store:
        trials = store.trials()
    if args.trial is not None:  # before anything in DIR changes
        trial_numbered(trials, args.trial)
    table = read_csv(args.data, argument="DATA")
    estimator = (automl.StructuredDataClassifier if settings["task"] == "classification"
                 else automl.StructuredDataRegressor)
    # The stored search resumed with no trial left to run: only the choice and refit remain,
    # made by the fit itself unless a trial or a refit time is asked for (select() weighs those).
    limits = {"max_latency_ms": args.max_latency_ms, "max_size_mb": args.max_size_mb}
    by_select = args.trial is not None or args.time_budget is not None
    model = estimator(max_trials=len(trials), objective=settings["objective"], cv=settings["cv"],
                      secondary_objectives=settings["secondary_objectives"],
                      directory=folder.parent, project_name=folder.name, checks="off",
                      verbose=0, **({} if by_select else limits))
    # The resumed fit refits and saves its own choice; a choice select() then refuses must
    # leave the folder served before the command as it was (a file it lacked, it lacks again).
    served = {name: (folder / name).read_bytes() if (folder / name).is_file() else None
              for name in SERVED_FILES} if by_select else {}
    model.fit(table, target, groups=settings.get("groups_column"),
              time_column=settings.get("time_column"))
    if by_select:
        try:
            model.select(trial=args.trial, time_budget=args.time_budget, **limits)
        except ValueError:
            for name in [name for name, data in served.items() if data is None]:
                (folder / name).unlink(missing_ok=True)
            with Project(folder) as project:
                unsaved = project.save({name: lambda path, data=data: Path(path).write_bytes(
                    data) for name, data in served.items() if data is not None})
            if unsaved:
                print(f"automl: warning: putting back the model served before: {unsaved}",
                      file=sys.stderr)
            raise
    best, ensemble = model.best_trial_, model.ensemble_
    print(json.dumps({"trial": None if ensemble else best.number,
                      "model": "Ensemble" if ensemble else best.genome.describe()["model"],
                      "cv_score": ensemble.score if ensemble else best.score,
                      "costs": model.costs_, "saved_model": str(folder / MODEL_FILE)}))
    return EXIT_OK


def _distill(args) -> int:
    from automl.data import Task, load_training_data, read_csv
    from automl.export import distill_pipeline
    from automl.fitting import load_model, save_student

    folder, settings = _project(args.folder)
    target = _target_column(folder, settings, "distill")
    model = load_model(folder)
    model.check_supports("distill")
    table = read_csv(args.data, argument="DATA")
    data = load_training_data(table, target, Task(settings["task"]))
    selection = folder / SELECTION_FILE
    costs = json.loads(selection.read_text())["costs"] if selection.is_file() else {}
    student = distill_pipeline(model.pipeline, data.x, data.spec, costs,
                               time_budget=args.time_budget, tolerance=args.tolerance,
                               seed=settings.get("seed") or 0)
    path = save_student(folder, student)
    summary = {key: value for key, value in student.summary.items() if key != "tried"}
    print(json.dumps({"student": str(path), **summary}))
    return EXIT_OK


def _project(folder: str):
    from automl.fitting import saved_model_file
    from automl.trials import TrialStore

    path = Path(folder)
    if saved_model_file(path) is None:
        raise FileNotFoundError(f"{folder!r} holds no saved model ({MODEL_FILE}): pass the "
                                "output folder of a finished 'automl fit'.")
    with TrialStore.open_existing(path) as store:  # never creates a store in DIR
        settings = store.project()
    return path, settings


def _target_column(folder: Path, settings: dict, command: str) -> str:
    """The column of DATA the project's model learnt to predict, for ``command``'s refit."""
    if settings.get("target_column") is None:
        raise ValueError(f"'automl {command}' refits on DATA, but {str(folder)!r} was fitted "
                         "with y as an array, so it does not know DATA's target column: call "
                         f"{command}() on the model in Python with x and y, or fit with "
                         "'automl fit DATA --target COLUMN'.")
    return settings["target_column"]


def _predict(args) -> int:
    import pandas as pd

    from automl.checks import drift_warnings
    from automl.data import read_csv
    from automl.fitting import load_model

    folder, _ = _project(args.folder)
    model = load_model(folder)
    model.check_supports("predict")
    table = read_csv(args.data, argument="NEW")
    if table.empty:
        raise ValueError(f"NEW ({args.data}) has no rows: pass at least one row to predict.")
    if args.proba and not model.is_classifier:
        raise ValueError("--proba is for classification models; this one does regression.")
    predictions = model.predict(table)
    result = pd.DataFrame({model.target_column or "prediction": predictions})
    if model.profile is not None:  # folders fitted before drift existed have none
        for line in drift_warnings(model.drift(table, predictions)):
            print(f"automl: warning: {line}", file=sys.stderr)
    if args.proba:
        probabilities = model.predict_proba(table)
        for index, label in enumerate(model.classes_):
            result[f"probability_{label}"] = probabilities[:, index]
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(args.output, index=False)
        print(f"automl: {len(result)} predictions written to {args.output}", file=sys.stderr)
    else:
        result.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _serve(args) -> int:
    import os

    from automl.serve import TOKEN_VARIABLE, serve

    try:
        import fastapi  # noqa: F401
        import prometheus_client  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as error:
        raise ValueError(f"'automl serve' needs {error.name!r}: pip install "
                         "\"automl[serve]\".") from None
    print(f"automl: serving {args.folder} on http://{args.host}:{args.port} (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    serve(args.folder, host=args.host, port=args.port, window=args.window,
          # An explicit --token "" (an unset shell variable) is refused, never served openly.
          token=args.token if args.token is not None else os.environ.get(TOKEN_VARIABLE) or None)
    return EXIT_OK


def _report(args) -> int:
    import automl

    path = automl.report(args.folder, args.output)
    print(path)
    return EXIT_OK


def _importance(args) -> int:
    import pandas as pd

    import automl

    table = automl.importance(args.folder)
    if table.empty:
        print("automl: too few successful trials per model family to analyse (10 needed).")
        return EXIT_OK
    shown = table.groupby("family", sort=False).head(args.top)
    with pd.option_context("display.width", 120, "display.max_rows", None):
        print(shown.round(3).to_string(index=False))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Runs the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = build_parser().parse_args(argv)
    from automl.trials import ProjectLockedError, ProjectMismatchError

    try:
        return {"fit": _fit, "select": _select, "distill": _distill, "predict": _predict,
                "report": _report, "serve": _serve,
                "importance": _importance}[args.command](args)
    except KeyboardInterrupt:
        print("automl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, OSError, ProjectMismatchError,
            ProjectLockedError) as error:  # OSError: a path that cannot be read or written
        print(f"automl: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as error:
        print(f"automl: {error}", file=sys.stderr)
        return EXIT_NO_MODEL


if __name__ == "__main__":
    sys.exit(main())
