"""The trial store: every trial of a project in one SQLite file, written as it finishes.

One project folder (``directory/project_name``) holds ``trials.sqlite`` with three tables:

* ``project``: what makes trials comparable (task, objective, folds, seed, fingerprints of the
  data and of the search space), written by the first run;
* ``runs``: one row per ``fit`` (start, elapsed seconds, status, process, library versions);
* ``trials``: one row per evaluated genome (genome, decoded hyperparameters, per-fold scores,
  objective vector, timings, status and reason, seed, worker, timestamps, fingerprints, and
  for networks with several outputs each output's score).

The file is in write-ahead-log mode and every write is one short transaction, so a process
killed at any moment leaves every committed trial readable, and several processes can write
at once (SQLite serialises them; a writer waits up to ``BUSY_SECONDS`` for the lock).
"""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import sqlite3
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from automl.evaluation import Status, Trial
from automl.genome import Genome
from automl.trials._schema import (
    ADDED_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    TABLES,
    TRIAL_COLUMNS,
)
from automl.trials._store_errors import foreign_store, newer_store, reads, writes

FILE_NAME = "trials.sqlite"
BUSY_SECONDS = 60.0
_VERSIONED = ("automl", "scikit-learn", "numpy", "pandas", "deap", "tensorflow", "keras",
              "autokeras")



def library_versions() -> dict[str, str]:
    """Installed versions of the libraries a trial's result depends on (nothing is imported)."""
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def _finite(value: float) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class TrialStore:
    """The SQLite file of one project; create it with ``TrialStore(folder)``.

    Args:
        folder: the project folder; created if missing.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / FILE_NAME
        #: Set while a search runs: a failed write then warns once instead of raising, and
        #: ``write_error`` says why every later write is skipped.
        self.survive_write_errors = False
        self.write_error: str | None = None
        self._connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS,
                                           isolation_level=None, check_same_thread=False)
        try:
            self._create(self._checked_version())
        except BaseException:
            self._connection.close()
            raise

    @reads
    def _checked_version(self) -> int:
        """The file's schema version, after refusing a newer schema or another program's
        database (before anything is written to it)."""
        (version,) = self._connection.execute("PRAGMA user_version").fetchone()
        if version > SCHEMA_VERSION:
            raise newer_store(self.path, version, SCHEMA_VERSION)
        tables = self._tables()
        core = set(TRIAL_COLUMNS) - set(ADDED_COLUMNS)
        if tables and not ({"project", "runs", "trials"} <= tables <= TABLES
                           and core <= self._columns()):
            raise foreign_store(self.path, tables)
        return version

    @writes
    def _create(self, version: int) -> None:
        self._connection.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a committed transaction survives the process being killed.
        self._connection.execute("PRAGMA synchronous=NORMAL")
        if self._tables() != TABLES:  # IF NOT EXISTS, in one transaction: a process opening
            # the store meanwhile sees all the tables or none, never a foreign-looking half
            self._connection.executescript(f"BEGIN IMMEDIATE;\n{SCHEMA}\nCOMMIT;")
        if self._missing_columns():
            with self._transaction():  # listed again under the write lock: one process adds
                for column in self._missing_columns():
                    self._connection.execute(
                        f"ALTER TABLE trials ADD COLUMN {column} {ADDED_COLUMNS[column]}")
        if version != SCHEMA_VERSION:
            self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _tables(self) -> set[str]:
        return {name for (name,) in self._connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")}  # SQLite's own (statistics, sequences)

    def _columns(self) -> set[str]:
        return {row[1] for row in self._connection.execute("PRAGMA table_info(trials)")}

    def _missing_columns(self) -> list[str]:
        present = self._columns()
        return [column for column in ADDED_COLUMNS if column not in present]

    @classmethod
    def exists_in(cls, folder: str | os.PathLike) -> bool:
        return (Path(folder) / FILE_NAME).is_file()

    @classmethod
    def open_existing(cls, folder: str | os.PathLike) -> TrialStore:
        """The store of an earlier search; unlike ``TrialStore(folder)`` it creates nothing."""
        if not cls.exists_in(folder):
            raise FileNotFoundError(f"{str(folder)!r} holds no {FILE_NAME}: pass the project "
                                    "folder of a search (its directory/project_name).")
        return cls(folder)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _transaction(self):
        return _Transaction(self._connection)

    # --- the project ----------------------------------------------------------------------

    @reads
    def project(self) -> dict:
        """The settings the first run stored (empty for a new store)."""
        rows = self._connection.execute("SELECT key, value FROM project").fetchall()
        return {key: json.loads(value) for key, value in rows}

    @writes
    def set_project(self, settings: dict) -> None:
        with self._transaction() as cursor:
            cursor.executemany("INSERT OR REPLACE INTO project VALUES (?, ?)",
                               [(key, json.dumps(value)) for key, value in settings.items()])

    # --- runs -------------------------------------------------------------------------------

    @writes
    def start_run(self, settings: dict | None = None) -> int:
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO runs (started_at, status, pid, host, versions, settings) "
                "VALUES (?, 'running', ?, ?, ?, ?)",
                (time.time(), os.getpid(), socket.gethostname(), json.dumps(library_versions()),
                 json.dumps(settings or {}, default=str)))
            return int(cursor.lastrowid)

    @writes
    def update_run(self, run: int, elapsed: float, status: str | None = None) -> None:
        with self._transaction() as cursor:
            if status is None:
                cursor.execute("UPDATE runs SET elapsed = ? WHERE run = ?", (elapsed, run))
            else:
                cursor.execute("UPDATE runs SET elapsed = ?, status = ?, finished_at = ? "
                               "WHERE run = ?", (elapsed, status, time.time(), run))

    @reads
    def runs(self) -> list[dict]:
        cursor = self._connection.execute("SELECT * FROM runs ORDER BY run")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        for row in rows:
            row["versions"] = json.loads(row["versions"] or "{}")
            row["settings"] = json.loads(row["settings"] or "{}")
        return rows

    @reads
    def spent_seconds(self) -> float:
        """Wall-clock seconds all earlier runs of this project used."""
        (total,) = self._connection.execute("SELECT COALESCE(SUM(elapsed), 0) FROM runs").fetchone()
        return float(total)

    # --- trials -----------------------------------------------------------------------------

    def add_trial(self, trial: Trial, *, run: int, seed: int | None = None,
                  data_fingerprint: str | None = None,
                  space_fingerprint: str | None = None) -> None:
        """Writes ``trial`` (committed when this returns). A genome stored before is an error:
        the search never evaluates a genome twice."""
        self.add_trials([trial], run=run, seed=seed, data_fingerprint=data_fingerprint,
                        space_fingerprint=space_fingerprint)

    @writes
    def add_trials(self, trials, *, run: int, seed: int | None = None,
                   data_fingerprint: str | None = None, space_fingerprint: str | None = None,
                   skip_stored: bool = False) -> int:
        """Writes several trials in one transaction; returns how many were new.
        ``skip_stored``: silently keep the stored row of a genome already there."""
        verb = "INSERT OR IGNORE" if skip_stored else "INSERT"
        described = [trial.genome.describe() for trial in trials]
        rows = [(
            trial.number, run, trial.genome.key, trial.genome.to_json(),
            json.dumps(params), params.get("model"),
            trial.status.value, trial.reason, _finite(trial.score),
            None if trial.objectives is None else json.dumps(list(trial.objectives)),
            json.dumps(list(trial.fold_scores)), trial.fit_seconds, trial.predict_seconds,
            trial.generation, seed, trial.worker, trial.started_at, trial.finished_at,
            data_fingerprint, space_fingerprint,
            json.dumps(dict(trial.output_scores)) if trial.output_scores else None,
            json.dumps(dict(trial.costs)) if trial.costs else None,
            json.dumps(list(trial.rung_scores)) if trial.rung_scores else None,
        ) for trial, params in zip(trials, described)]
        with self._transaction() as cursor:
            before = self._connection.total_changes
            cursor.executemany(f"{verb} INTO trials ({', '.join(TRIAL_COLUMNS)}) "
                               f"VALUES ({', '.join('?' * len(TRIAL_COLUMNS))})", rows)
            return self._connection.total_changes - before

    @reads
    def trials(self) -> list[Trial]:
        """Every stored trial, in order of its number."""
        cursor = self._connection.execute(
            "SELECT genome, status, objectives, fold_scores, fit_seconds, predict_seconds, "
            "reason, number, generation, started_at, finished_at, worker, output_scores, costs, "
            "rung_scores FROM trials ORDER BY number")
        return [Trial(Genome.from_json(genome), Status(status),
                      None if objectives is None else tuple(json.loads(objectives)),
                      tuple(json.loads(folds)), fit, predict, reason, number, generation,
                      started or 0.0, finished or 0.0, worker or "main",
                      tuple(json.loads(outputs).items()) if outputs else (),
                      tuple(json.loads(costs).items()) if costs else (),
                      tuple(json.loads(rungs)) if rungs else ())
                for (genome, status, objectives, folds, fit, predict, reason, number,
                     generation, started, finished, worker, outputs, costs, rungs)
                in cursor.fetchall()]

    @reads
    def trial_rows(self) -> list[dict]:
        """Every stored trial as a plain dict (JSON columns decoded), in order of number."""
        cursor = self._connection.execute("SELECT * FROM trials ORDER BY number")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        for row in rows:
            for column in ("params", "objectives", "fold_scores", "output_scores", "costs",
                           "rung_scores"):
                row[column] = None if row[column] is None else json.loads(row[column])
        return rows

    # --- out-of-fold predictions of the ensemble's candidates ------------------------------

    @writes
    def put_predictions(self, genome_key: str, predictions: np.ndarray) -> None:
        """Keeps a trial's out-of-fold predictions (float32), so a resumed search can
        ensemble it."""
        array = np.ascontiguousarray(predictions, dtype="float32")
        with self._transaction() as cursor:
            cursor.execute("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?)",
                           (genome_key, json.dumps(array.shape), array.tobytes()))

    @writes
    def drop_predictions(self, genome_key: str) -> None:
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM predictions WHERE genome_key = ?", (genome_key,))

    @reads
    def predictions(self) -> dict[str, np.ndarray]:
        """Every kept trial's out-of-fold predictions, by genome key."""
        rows = self._connection.execute("SELECT genome_key, shape, data FROM predictions")
        return {key: np.frombuffer(data, dtype="float32").reshape(json.loads(shape))
                for key, shape, data in rows.fetchall()}

    @reads
    def count(self) -> int:
        (total,) = self._connection.execute("SELECT COUNT(*) FROM trials").fetchone()
        return int(total)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error): takes the write lock up front,
    so two writers queue instead of failing half-way."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Cursor:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            return self.connection.cursor()
        except BaseException:
            # Ctrl-C handled just after BEGIN returns would otherwise leave the write lock
            # held and the transaction open: ``__exit__`` does not run when this raises.
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise

    def __exit__(self, kind, error, traceback) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
