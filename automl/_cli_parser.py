"""The ``automl`` command's arguments: its commands and options, and their help."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_NO_MODEL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_EPILOG = """\
examples:
  automl fit titanic.csv --target survived --time-budget 120 --output runs/titanic
  automl predict runs/titanic new_passengers.csv -o predictions.csv
  automl report runs/titanic          # writes runs/titanic/report.html
  automl select runs/titanic titanic.csv --max-latency-ms 5    # a faster model instead
  automl distill runs/titanic titanic.csv   # runs/titanic/student.keras imitates the model

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


def build_parser() -> argparse.ArgumentParser:
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
    order = fit.add_mutually_exclusive_group()
    order.add_argument("--groups", metavar="COLUMN",
                       help="the column saying which rows belong together (a patient, a "
                       "customer): each group stays on one side of every split, so scores are "
                       "those of groups never seen (not a feature)")
    order.add_argument("--time-column", metavar="COLUMN",
                       help="the column of dates or numbers that orders the rows in time: "
                       "every split trains on the past and validates on what follows (not a "
                       "feature)")
    fit.add_argument("--strategy", default="evolution",
                     help="how candidates are proposed: evolution (default), random, grid or "
                     "bayesian (the evolution's offspring ranked by a surrogate model)")
    fit.add_argument("--no-screening", dest="screening", action="store_false",
                     help="score every candidate on all its folds (default: on a table large "
                     "enough, score candidates on a share of the rows first and fully only "
                     "the promising ones)")
    fit.add_argument("--meta-store", metavar="FILE",
                     help="warm-start from the best pipelines of earlier searches of similar "
                     "tables stored in FILE (JSON lines; nothing of the data), and add this one")
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
    select.add_argument("--time-budget", type=float, metavar="SECONDS",
                        help="seconds the chosen trial's refit may take, judged from its "
                        "cross-validated fits (default: no limit)")

    distill = commands.add_parser("distill", help="imitate DIR's model with a small network",
                                  description="Train a small Keras network on the outputs of "
                                  "DIR's model over the rows of DATA (the CSV file of the fit) "
                                  "and rows between them; save it as DIR/student.keras (one file "
                                  "that takes the raw columns) with DIR/distillation.json.")
    distill.add_argument("folder", metavar="DIR", help="output folder of 'automl fit'")
    distill.add_argument("data", metavar="DATA", help="the CSV file 'automl fit' searched")
    distill.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                         help="seconds for the distillation (default: 60)")
    distill.add_argument("--tolerance", type=float, default=0.01,
                         help="keep the smallest network whose fidelity is within this of the "
                         "best one's (default: 0.01)")

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
    serve.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on every endpoint "
                       "but /health (default: the AUTOML_SERVE_TOKEN environment variable; "
                       "none: no token)")
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
