"""The server's Prometheus metrics: requests and errors, latency, the predictions' distribution,
and each column's drift over a sliding window of the rows recently asked about."""

from __future__ import annotations

import threading
from collections import deque

import numpy as np
import pandas as pd
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from automl.checks import drift_table

#: Latency buckets (seconds): a row of a small pipeline answers in milliseconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class ServingMetrics:
    """Counts what the server does; ``exposition()`` is the ``/metrics`` text.

    Args:
        profile: the training profile (``None``: no drift gauges).
        classifies: predictions are classes (counted per class) or numbers (a histogram).
        window: rows kept for the drift gauges (the most recent ones).
    """

    def __init__(self, profile: dict | None, classifies: bool, window: int = 1_000):
        self.registry = CollectorRegistry()
        self.requests = Counter("automl_requests", "Requests answered, by endpoint and HTTP "
                                "status", ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram("automl_request_latency_seconds", "Time to answer a request",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.rows = Counter("automl_predicted_rows", "Rows predicted", registry=self.registry)
        self.classifies = classifies
        if classifies:
            self.predictions = Counter("automl_predictions", "Predictions by class",
                                       ["class_"], registry=self.registry)
        else:
            self.predictions = Histogram("automl_prediction_value", "Predicted values",
                                         registry=self.registry,
                                         buckets=_value_buckets(profile))
        self.profile = profile
        self.drift = Gauge("automl_drift_psi", "Population stability index of each column "
                           "(and of the predictions) over the recent rows against training",
                           ["column"], registry=self.registry)
        self.window_rows = Gauge("automl_drift_window_rows", "Rows in the drift window",
                                 registry=self.registry)
        self._recent: deque = deque(maxlen=window)
        self._lock = threading.Lock()

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def predicted(self, rows: pd.DataFrame, predictions: list) -> None:
        self.rows.inc(len(rows))
        if self.classifies:
            for label, count in pd.Series(predictions).astype(str).value_counts().items():
                self.predictions.labels(label).inc(count)
        else:
            for value in predictions:
                self.predictions.observe(float(value))
        if self.profile is not None:
            with self._lock:
                self._recent.extend(zip(rows.to_dict("records"), predictions))

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format, drift recomputed over the window."""
        if self.profile is not None:
            with self._lock:
                recent = list(self._recent)
            self.window_rows.set(len(recent))
            if recent:
                rows = pd.DataFrame([row for row, _ in recent])
                table = drift_table(self.profile, rows, [p for _, p in recent])
                for column, statistic in zip(table["column"], table["psi"]):
                    self.drift.labels(column).set(statistic)
        return generate_latest(self.registry)


def _value_buckets(profile: dict | None) -> tuple:
    """Histogram buckets for regression predictions: the training predictions' deciles."""
    edges = [] if profile is None else profile["prediction"].get("edges", [])
    if not edges:
        return Histogram.DEFAULT_BUCKETS
    return tuple(np.unique(np.round(edges, 6))) + (float("inf"),)
