"""What a trial store that cannot be read or written tells its user: an error naming the file
and the way out, or, once a search is under way, one warning and a search that goes on."""

from __future__ import annotations

import functools
import sqlite3
import warnings

#: SQLite's answers for a file that is damaged (truncated, overwritten) or not a database.
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_AFRESH = ("fit with overwrite=True (automl fit --overwrite) starts the project afresh and "
           "replaces it; move the file elsewhere first to keep it")


class StoreError(ValueError):
    """A trial store that is damaged, not a trial store, written by a newer automl, or that
    cannot be written. Its message names the file and the way out."""


def _damaged(error: sqlite3.Error) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _DAMAGED


def damaged_store(path, error) -> StoreError:
    return StoreError(f"the trial store {str(path)!r} cannot be read ({error}): it is damaged "
                      f"or not a trial store. {_AFRESH}.")


def foreign_store(path, tables) -> StoreError:
    return StoreError(f"{str(path)!r} is an SQLite file but not automl's trial store (it holds "
                      f"the tables {', '.join(sorted(tables))}); nothing was changed in it. "
                      f"{_AFRESH}, or use another project_name or directory.")


def newer_store(path, version: int, supported: int) -> StoreError:
    return StoreError(f"the trial store {str(path)!r} was written by a newer automl (store "
                      f"schema {version}; this one reads up to {supported}): upgrade automl "
                      f"(pip install -U automl) to use it, or {_AFRESH}.")


def unwritable_store(path, error) -> StoreError:
    return StoreError(f"the trial store {str(path)!r} cannot be written ({error}): free disk "
                      "space or make the folder writable, or pass another directory.")


def reads(method):
    """A store read: a damaged file raises ``StoreError`` naming it."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if _damaged(error):
                raise damaged_store(self.path, error) from None
            raise

    return read


def writes(method):
    """A store write. A failure (disk full, read-only, damaged) raises ``StoreError``, or, once
    ``survive_write_errors`` is set (a search is under way), warns once; that write and every
    later one are then skipped (they return ``None``), so the search goes on without its store."""

    @functools.wraps(method)
    def write(self, *args, **kwargs):
        if self.write_error is not None:
            return None
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError:
            raise  # a bug (a genome stored twice), not the disk
        except (sqlite3.Error, OSError) as error:
            if not self.survive_write_errors:
                if isinstance(error, sqlite3.Error) and _damaged(error):
                    raise damaged_store(self.path, error) from None
                raise unwritable_store(self.path, error) from None
            self.write_error = str(error)
            warnings.warn(f"the trial store {str(self.path)!r} cannot be written ({error}): the "
                          "search goes on, but what finishes from now on is not stored (a "
                          "resumed fit will not know those trials, nor that this run ended); "
                          "the fitted model is returned as usual.", RuntimeWarning,
                          stacklevel=3)
            return None

    return write
