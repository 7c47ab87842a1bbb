"""Optional MLflow logging: one parent run per ``fit``, one nested run per trial.

Uses ``MlflowClient`` with an explicit tracking URI rather than ``mlflow.start_run``: nothing
touches the caller's active run or global MLflow state.
"""

from __future__ import annotations

import math
import os
import time

from automl.evaluation import Trial
from automl.space import MODEL_SLOT


def check_mlflow(setting) -> None:
    """Validates the ``mlflow`` argument; raises if logging is asked for without mlflow."""
    if setting in (None, False):
        return
    if not (setting is True or isinstance(setting, str)):
        raise ValueError(f"mlflow must be False, True (MLflow's default tracking URI) or a "
                         f"tracking URI such as 'file:///tmp/mlruns' or 'http://host:5000'; "
                         f"received {setting!r}.")
    try:
        import mlflow  # noqa: F401
    except ImportError:
        raise ImportError("mlflow logging was asked for, but mlflow is not installed: "
                          "pip install mlflow-skinny (or automl[mlflow]).") from None


class MlflowLogger:
    """Logs a search to MLflow.

    Args:
        tracking_uri: where (``None``: MLflow's default, e.g. ``MLFLOW_TRACKING_URI``).
        experiment: the experiment's name (created when missing).
        settings: the fit's arguments, logged as the parent run's parameters.
    """

    def __init__(self, tracking_uri: str | None, experiment: str, settings: dict):
        from mlflow.tracking import MlflowClient

        if tracking_uri is not None and tracking_uri.startswith("file:"):
            # MLflow 3 refuses file stores unless this is set; a file URI passed here is the
            # user's explicit choice (a database or server URI needs no such switch).
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        self.client = MlflowClient(tracking_uri=tracking_uri)
        found = self.client.get_experiment_by_name(experiment)
        self.experiment_id = (found.experiment_id if found is not None
                              else self.client.create_experiment(experiment))
        self.parent = self.client.create_run(
            self.experiment_id, run_name=f"search {time.strftime('%Y-%m-%d %H:%M:%S')}",
            tags={"automl.kind": "search"})
        self._log(self.parent.info.run_id, params={k: v for k, v in settings.items()
                                                    if v is not None})

    @property
    def run_id(self) -> str:
        return self.parent.info.run_id

    def _log(self, run_id: str, *, params=None, metrics=None, tags=None, step: int = 0) -> None:
        from mlflow.entities import Metric, Param, RunTag

        now = int(time.time() * 1000)
        self.client.log_batch(
            run_id,
            metrics=[Metric(key, float(value), now, step) for key, value in (metrics or {}).items()
                     if value is not None and math.isfinite(value)],
            params=[Param(key, str(value)[:6000]) for key, value in (params or {}).items()],
            tags=[RunTag(key, str(value)) for key, value in (tags or {}).items()])

    def log_trial(self, trial: Trial) -> None:
        run = self.client.create_run(self.experiment_id, run_name=f"trial {trial.number}",
                                     tags={"mlflow.parentRunId": self.run_id,
                                           "automl.kind": "trial"},
                                     start_time=int(trial.started_at * 1000) or None)
        metrics = {"score": trial.score if trial.ok else None, "fit_seconds": trial.fit_seconds,
                   "predict_seconds": trial.predict_seconds}
        metrics.update({f"fold_{k}_score": s for k, s in enumerate(trial.fold_scores)})
        metrics.update({f"{output}_score": s for output, s in trial.output_scores})
        metrics.update(dict(trial.costs))
        if trial.objectives:
            metrics.update({f"objective_{k}": v for k, v in enumerate(trial.objectives)})
        self._log(run.info.run_id, params=trial.genome.describe(), metrics=metrics,
                  tags={"status": trial.status.value, "reason": trial.reason,
                        "genome": trial.genome.key, "generation": trial.generation,
                        "worker": trial.worker})
        self.client.set_terminated(run.info.run_id, "FINISHED" if trial.ok else "FAILED",
                                   end_time=int(trial.finished_at * 1000) or None)
        self._log(self.run_id, metrics={"trials": trial.number + 1}, step=trial.number)

    def finish(self, best: Trial | None, status: str = "FINISHED") -> None:
        if best is not None:
            self._log(self.run_id, metrics={"best_score": best.score},
                      tags={"best_model": best.genome.describe().get(MODEL_SLOT),
                            "best_genome": best.genome.key})
        self.client.set_terminated(self.run_id, status)
