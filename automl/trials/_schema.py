"""The trial store's layout: its SQLite tables, the columns added since the first release,
and the schema version kept in SQLite's ``user_version``."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS project (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    elapsed REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    versions TEXT,
    settings TEXT
);
CREATE TABLE IF NOT EXISTS trials (
    number INTEGER PRIMARY KEY,
    run INTEGER NOT NULL REFERENCES runs(run),
    genome_key TEXT NOT NULL UNIQUE,
    genome TEXT NOT NULL,
    params TEXT NOT NULL,
    model TEXT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    score REAL,
    objectives TEXT,
    fold_scores TEXT NOT NULL,
    fit_seconds REAL NOT NULL,
    predict_seconds REAL NOT NULL,
    generation INTEGER NOT NULL,
    seed INTEGER,
    worker TEXT,
    started_at REAL,
    finished_at REAL,
    data_fingerprint TEXT,
    space_fingerprint TEXT,
    output_scores TEXT,
    costs TEXT,
    rung_scores TEXT
);
CREATE TABLE IF NOT EXISTS predictions (
    genome_key TEXT PRIMARY KEY,
    shape TEXT NOT NULL,
    data BLOB NOT NULL
);
"""
#: Columns added to ``trials`` after its first release, with their types: a store written
#: before gets them on open.
ADDED_COLUMNS = {"output_scores": "TEXT", "costs": "TEXT", "rung_scores": "TEXT"}
#: The layout above, kept in SQLite's ``user_version``: 0 before it was kept, 2 since
#: ``output_scores``, 3 since ``costs``, 4 since ``rung_scores`` (and the ``"screened"``
#: status). A store of a higher version is refused rather than misread.
SCHEMA_VERSION = 4
TABLES = {"project", "runs", "trials", "predictions"}
TRIAL_COLUMNS = ("number", "run", "genome_key", "genome", "params", "model", "status", "reason",
                  "score", "objectives", "fold_scores", "fit_seconds", "predict_seconds",
                  "generation", "seed", "worker", "started_at", "finished_at", "data_fingerprint",
                  "space_fingerprint", "output_scores", "costs", "rung_scores")
