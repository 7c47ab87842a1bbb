"""Project folders that are damaged, foreign, from a newer automl, or on a disk that fills up:
errors that name the file and the way out, nothing deleted without ``overwrite=True``, and a
search that outlives its store."""

import resource
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from search_processes import finish, small_table, wait_for_trials

import automl
from automl import StructuredDataClassifier
from automl.cli import main
from automl.trials import CHECKSUMS_FILE, MODEL_FILE, StoreError, TrialStore

SMALL = dict(cv=2, seed=0, verbose=0, population_size=4, n_jobs=1, scheduler="in-process")


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """The folder of a finished 4-trial search."""
    root = tmp_path_factory.mktemp("finished")
    StructuredDataClassifier(directory=root, project_name="p", max_trials=4, **SMALL).fit(*small_table())
    return root / "p"


def _not_sqlite(path):
    path.write_bytes(b"not a database, whatever its name says\n" * 200)


def _truncated(path):
    data = path.read_bytes()
    page = int.from_bytes(data[16:18], "big")  # SQLite's page size, from the file's header
    path.write_bytes(data[:page])  # the schema page whole, every table's pages gone


def _foreign(path):
    path.unlink()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE customers (name TEXT)")
    connection.commit()
    connection.close()


def _newer(path):
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()


@pytest.mark.parametrize(("damage", "says"), [
    (_not_sqlite, "cannot be read .*damaged or not a trial store"),
    (_truncated, "cannot be read .*damaged or not a trial store"),
    (_foreign, "not automl's trial store .*customers.*nothing was changed"),
    (_newer, "written by a newer automl .*schema 99.*pip install -U automl"),
], ids=["not-sqlite", "truncated", "foreign", "newer-schema"])
def test_a_damaged_store_is_named_everywhere_and_kept_until_overwrite(finished, tmp_path,
                                                                       capsys, damage, says):
    folder = shutil.copytree(finished, tmp_path / "p")
    store = folder / "trials.sqlite"
    damage(store)
    before = store.read_bytes()
    small_table()[0].head(3).to_csv(tmp_path / "new.csv", index=False)
    settings = dict(directory=tmp_path, project_name="p", max_trials=6, **SMALL)
    with pytest.raises(StoreError, match=says) as caught:
        StructuredDataClassifier(**settings).fit(*small_table())
    assert str(store) in str(caught.value) and "overwrite=True" in str(caught.value)
    for read in (automl.report, automl.importance):
        with pytest.raises(StoreError, match=says):
            read(folder)
    for command in (["report"], ["importance"], ["predict"]):
        extra = [str(tmp_path / "new.csv")] if command == ["predict"] else []
        assert main([*command, str(folder), *extra]) == 2
        error = capsys.readouterr().err
        assert error.startswith("automl: error: ") and str(store) in error
    assert store.read_bytes() == before  # read, refused, never rewritten
    fresh = StructuredDataClassifier(**{**settings, "overwrite": True}).fit(*small_table())
    assert len(fresh.trials_) == 6
    with TrialStore(folder) as reopened:
        assert reopened.count() == 6


def test_a_missing_or_unreadable_saved_model_is_named(finished, tmp_path, capsys):
    folder = shutil.copytree(finished, tmp_path / "p")
    new = tmp_path / "new.csv"
    small_table()[0].head(3).to_csv(new, index=False)
    assert main(["predict", str(folder), str(new)]) == 0
    capsys.readouterr()
    (folder / MODEL_FILE).write_bytes(b"\x80\x04 half a pickle")
    assert main(["predict", str(folder), str(new)]) == 2
    error = capsys.readouterr().err
    assert f"{folder / MODEL_FILE}' is not the file automl saved there" in error
    assert "automl fit" in error
    (folder / CHECKSUMS_FILE).unlink()  # as a folder saved before checksums
    assert main(["predict", str(folder), str(new)]) == 2
    error = capsys.readouterr().err
    assert f"{folder / MODEL_FILE}' cannot be loaded" in error and "automl fit" in error
    (folder / MODEL_FILE).unlink()
    assert main(["predict", str(folder), str(new)]) == 2
    assert f"holds no saved model ({MODEL_FILE})" in capsys.readouterr().err


# Writes past RLIMIT_FSIZE fail with EFBIG as on a full disk (SIGXFSZ ignored, so the write
# fails instead of killing the process): a size-limited filesystem without mounting one.
FULL_DISK_SCRIPT = textwrap.dedent("""
    import faulthandler, resource, signal, sys
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if sys.argv[3] == "full-from-start":
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
    sys.path.insert(0, sys.argv[4])
    from search_processes import small_table
    from automl import StructuredDataClassifier
    model = StructuredDataClassifier(directory=sys.argv[1], project_name="p", cv=2, seed=0,
                                     max_trials=int(sys.argv[2]), population_size=4, n_jobs=1)
    model.fit(*small_table())
    print("RESULT", len(model.trials_), len(model.predict(small_table()[0])), flush=True)
""")


def _search(tmp_path, max_trials, mode):
    script = tmp_path / "search.py"
    script.write_text(FULL_DISK_SCRIPT)
    tests = str(Path(__file__).parents[1])  # where search_processes.py is
    return subprocess.Popen([sys.executable, str(script), str(tmp_path), str(max_trials), mode,
                             tests], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_folder_that_cannot_be_written_is_an_error_before_the_search(tmp_path):
    output = finish(_search(tmp_path, 4, "full-from-start"), 120)
    assert "StoreError: the trial store" in output and "cannot be written" in output
    assert "RESULT" not in output


@pytest.mark.slow  # ~11 s on 2 cores; the default run stays under 10 minutes
def test_a_disk_that_fills_mid_search_costs_the_store_not_the_fit(tmp_path):
    process = _search(tmp_path, 12, "fills-later")
    wait_for_trials(tmp_path, process, 4)
    resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, 1))  # the disk is full from now
    output = finish(process, 300)
    assert process.returncode == 0, output
    assert "RESULT 12 120" in output  # every candidate evaluated, the model fitted
    assert output.count("cannot be written") == 1, output  # warned once, not per trial
    assert "trials.sqlite" in output and "not stored" in output
    assert "could not write leaderboard.csv" in output and MODEL_FILE in output
    folder = tmp_path / "p"
    assert not (folder / MODEL_FILE).exists()
    assert not list(folder.glob("*.partial"))  # no half-written file left behind
    with TrialStore(folder) as store:  # what was written before the disk filled is intact
        assert 4 <= store.count() < 12
        assert store.runs()[0]["status"] == "running"  # its end could not be recorded
