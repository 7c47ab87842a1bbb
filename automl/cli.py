"""The ``automl`` command: search a model for a CSV file, predict with it, report on it.

    automl fit data.csv --target y [--task classification|regression] [--time-budget S]
               [--output DIR]
    automl select DIR data.csv (--trial N | [--max-latency-ms MS] [--max-size-mb MB])
    automl predict DIR new.csv [-o predictions.csv] [--proba]
    automl report DIR [-o report.html]
    automl importance DIR
    automl serve DIR [--port 8000]

Exit codes (for scripts): 0 done; 1 the search found no model that works; 2 bad usage or
input (a missing file or column, a changed data set for a stored search, ...); 130 stopped
with Ctrl-C (a fit still saves the best model found so far).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from automl.trials import PIPELINE_FILE, PROFILE_FILE

EXIT_OK, EXIT_NO_MODEL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
examples:
  automl fit titanic.csv --target survived --time-budget 120 --output runs/titanic
  automl predict runs/titanic new_passengers.csv -o predictions.csv
  automl report runs/titanic          # writes runs/titanic/report.html

Running the same 'automl fit' again resumes the stored search (add --overwrite to start
afresh). Exit codes: 0 done, 1 no model found, 2 bad usage or input, 130 Ctrl-C.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code for usage errors is 2 as well
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"automl: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, not {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="automl", description="Find a good scikit-learn pipeline for a table "
                     "by evolutionary search, then predict with it.", epilog=_EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)

    fit = commands.add_parser("fit", help="search a model for a CSV file and save it",
                              description="Search pipelines for the CSV file DATA, predicting "
                              "the column TARGET from the others; save the best one, every "
                              "trial and an HTML report in the output folder.")
    fit.add_argument("data", metavar="DATA", help="CSV file with a header row")
    fit.add_argument("--target", "-t", required=True, help="name of the column to predict")
    fit.add_argument("--task", choices=("classification", "regression"),
                     help="default: classification for a text, boolean or integer target with "
                     "at most 20 distinct values, regression otherwise")
    fit.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                     help="wall-clock seconds for the whole fit (default: 60)")
    fit.add_argument("--max-trials", type=int, default=None, metavar="N",
                     help="evaluate at most N pipelines (default: no limit)")
    fit.add_argument("--output", "-o", default="automl_output", metavar="DIR",
                     help="folder for the model, trials and report (default: automl_output)")
    fit.add_argument("--objective", default=None,
                     help="scikit-learn scorer to maximise (default: balanced_accuracy / r2)")
    fit.add_argument("--cv", type=int, default=5, help="cross-validation folds (default: 5)")
    fit.add_argument("--n-jobs", type=int, default=-1,
                     help="worker processes (default: -1, one per core)")
    fit.add_argument("--seed", type=int, default=None, help="seed for a reproducible search")
    fit.add_argument("--checks", choices=("warn", "raise", "off"), default="warn",
                     help="data checks before the search (leaks, identifiers, duplicates, ...): "
                     "report them (default), stop at a warning (exit 2), or skip them")
    _add_limits(fit, "the model served: candidates over them are kept but never chosen")
    fit.add_argument("--overwrite", action="store_true",
                     help="start afresh instead of resuming a search stored in DIR")
    fit.add_argument("--quiet", "-q", action="store_true", help="print only the result")

    select = commands.add_parser("select", help="refit another trial of a stored search",
                                 description="Refit, in place of DIR's model, trial N of its "
                                 "search or the best one within the limits (see the report's "
                                 "'Score against costs'), on DATA, the CSV file of the fit.")
    select.add_argument("folder", metavar="DIR", help="output folder of 'automl fit'")
    select.add_argument("data", metavar="DATA", help="the CSV file 'automl fit' searched")
    select.add_argument("--trial", type=int, metavar="N", help="the trial's number")
    _add_limits(select, "the trial chosen")

    predict = commands.add_parser("predict", help="predict with a saved model",
                                  description="Predict the target for every row of NEW with "
                                  "the model that 'automl fit' saved in DIR.")
    predict.add_argument("folder", metavar="DIR", help="output folder of 'automl fit'")
    predict.add_argument("data", metavar="NEW", help="CSV file with the columns used in fit")
    predict.add_argument("--output", "-o", metavar="FILE",
                         help="write the predictions here as CSV (default: standard output)")
    predict.add_argument("--proba", action="store_true",
                         help="also write one probability column per class (classification)")

    report = commands.add_parser("report", help="write the HTML report of a search",
                                 description="Write a self-contained HTML report of the search "
                                 "stored in DIR: progress, leaderboard, hyperparameter importance, "
                                 "failures.")
    report.add_argument("folder", metavar="DIR", help="output folder of 'automl fit'")
    report.add_argument("--output", "-o", metavar="FILE",
                        help="where to write it (default: DIR/report.html)")

    serve = commands.add_parser("serve", help="serve a saved model over HTTP",
                                description="Answer POST /predict (JSON rows or CSV) with the "
                                "model in DIR (or an exported .keras file); GET /health; GET "
                                "/metrics in Prometheus' format (requests, errors, latency, "
                                "predictions, drift of recent rows). Needs automl[serve].")
    serve.add_argument("folder", metavar="DIR", help="output folder of 'automl fit', or a "
                       ".keras file")
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    serve.add_argument("--port", type=_positive_int, default=8000, help="default: 8000")
    serve.add_argument("--window", type=_positive_int, default=1000,
                       help="recent rows the drift metrics look at (default: 1000)")

    importance = commands.add_parser("importance", help="print which hyperparameters mattered",
                                     description="Functional ANOVA of the search stored in DIR: "
                                     "the share of score variance each hyperparameter (and "
                                     "pair) explains, per model family.")
    importance.add_argument("folder", metavar="DIR", help="output folder of 'automl fit'")
    importance.add_argument("--top", type=_positive_int, default=10,
                            help="rows per family (default: 10)")
    return parser


def _add_limits(command, what: str) -> None:
    command.add_argument("--max-latency-ms", type=float, metavar="MS",
                         help=f"limit on milliseconds to predict one row, for {what}")
    command.add_argument("--max-size-mb", type=float, metavar="MB",
                         help=f"limit on megabytes of the saved model, for {what}")


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
    if args.target not in table.columns:
        raise ValueError(f"--target {args.target!r} is not a column of {args.data}; its columns "
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
                      verbose=0 if args.quiet else 1)
    if not args.quiet:
        print(f"automl: {task} of {args.target!r} from {table.shape[1] - 1} columns, "
              f"{len(table)} rows; results in {output}", flush=True)
    with warnings.catch_warnings():  # the progress output shows them, or the summary below
        warnings.simplefilter("ignore", DataCheckWarning)
        model.fit(table, args.target)
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
                      "pipeline": str(output / PIPELINE_FILE),
                      "report": report and str(report)}))
    return EXIT_INTERRUPTED if model.interrupted_ else EXIT_OK


def _select(args) -> int:
    import automl
    from automl.data import read_csv
    from automl.tasks._search_results import trial_numbered
    from automl.trials import TrialStore

    folder, settings = _project(args.folder)
    with TrialStore.open_existing(folder) as store:
        trials = store.trials()
    if args.trial is not None:  # before anything in DIR changes
        trial_numbered(trials, args.trial)
    table = read_csv(args.data, argument="DATA")
    estimator = (automl.StructuredDataClassifier if settings["task"] == "classification"
                 else automl.StructuredDataRegressor)
    # The stored search resumed with no trial left to run: only the choice and refit remain.
    limits = {"max_latency_ms": args.max_latency_ms, "max_size_mb": args.max_size_mb}
    model = estimator(max_trials=len(trials), objective=settings["objective"], cv=settings["cv"],
                      secondary_objectives=settings["secondary_objectives"],
                      directory=folder.parent, project_name=folder.name, checks="off",
                      verbose=0, **({} if args.trial is not None else limits))
    model.fit(table, settings["target_column"])
    if args.trial is not None:
        model.select(trial=args.trial, **limits)
    best, ensemble = model.best_trial_, model.ensemble_
    print(json.dumps({"trial": None if ensemble else best.number,
                      "model": "Ensemble" if ensemble else best.genome.describe()["model"],
                      "cv_score": ensemble.score if ensemble else best.score,
                      "costs": model.costs_, "pipeline": str(folder / PIPELINE_FILE)}))
    return EXIT_OK


def _project(folder: str):
    from automl.trials import TrialStore

    path = Path(folder)
    if not (path / PIPELINE_FILE).is_file():
        raise FileNotFoundError(f"{folder!r} holds no {PIPELINE_FILE}: pass the output folder "
                                "of a finished 'automl fit'.")
    with TrialStore.open_existing(path) as store:  # never creates a store in DIR
        settings = store.project()
    return path, settings


def _predict(args) -> int:
    import pandas as pd

    from automl.data import read_csv
    from automl.serve._served import load_pipeline
    from automl.tasks._multi_io import MultiIOModel

    folder, settings = _project(args.folder)
    pipeline = load_pipeline(folder)
    if isinstance(pipeline, MultiIOModel):
        raise ValueError(
            f"{args.folder!r} holds a network with inputs {pipeline.input_names} and outputs "
            f"{pipeline.output_names} (the IO API): the command line predicts with models of "
            f"one table. In Python: joblib.load({str(folder / PIPELINE_FILE)!r}).predict([...]), "
            "one entry per input.")
    table = read_csv(args.data, argument="NEW")
    if table.empty:
        raise ValueError(f"NEW ({args.data}) has no rows: pass at least one row to predict.")
    target = settings.get("target_column")
    if target in table.columns:
        table = table.drop(columns=[target])
    predictions = pipeline.predict(table)
    result = pd.DataFrame({target or "prediction": predictions})
    _warn_of_drift(folder, table, predictions)
    if args.proba:
        if settings.get("task") != "classification":
            raise ValueError("--proba is for classification models; this one does regression.")
        probabilities = pipeline.predict_proba(table)
        for index, label in enumerate(pipeline.classes_):
            result[f"probability_{label}"] = probabilities[:, index]
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        result.to_csv(args.output, index=False)
        print(f"automl: {len(result)} predictions written to {args.output}", file=sys.stderr)
    else:
        result.to_csv(sys.stdout, index=False)
    return EXIT_OK


def _warn_of_drift(folder: Path, table, predictions) -> None:
    """Says on standard error when the rows drifted from the training data, or hold
    categories never seen in fit (projects fitted before drift existed have no profile)."""
    from automl.checks import drift_table, drift_warnings

    profile = folder / PROFILE_FILE
    if not profile.is_file():
        return
    for line in drift_warnings(drift_table(json.loads(profile.read_text()), table, predictions)):
        print(f"automl: warning: {line}", file=sys.stderr)


def _serve(args) -> int:
    from automl.serve import serve

    try:
        import fastapi  # noqa: F401
        import prometheus_client  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as error:
        raise ValueError(f"'automl serve' needs {error.name!r}: pip install "
                         "\"automl[serve]\".") from None
    print(f"automl: serving {args.folder} on http://{args.host}:{args.port} (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    serve(args.folder, host=args.host, port=args.port, window=args.window)
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
    args = _parser().parse_args(argv)
    from automl.trials import ProjectLockedError, ProjectMismatchError

    try:
        return {"fit": _fit, "select": _select, "predict": _predict, "report": _report,
                "serve": _serve, "importance": _importance}[args.command](args)
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
