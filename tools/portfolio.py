"""Learns the first generation's portfolio from stored searches, and measures it leave-one-table-out.

    python benchmarks/suite.py --budget 60 --keep-trials runs/trials   # searches (35 tables)
    python tools/portfolio.py --trials runs/trials --out runs/portfolio   # matrix,
        # portfolio, and one leave-one-table-out preset per table
    python benchmarks/suite.py --budget 60 --presets runs/portfolio/loo    # measure
    python tools/portfolio.py --trials runs/trials --out runs/portfolio --install
    python tools/portfolio.py --trials runs/trials --out runs/no-lgbm --without LightGBM
        # a world without a model family: its candidates, defaults and preset entry left out
        # (copy runs/portfolio/matrix.json to runs/no-lgbm/ first to reuse the scores)

How (as auto-sklearn 2.0's and AutoGluon's portfolios): the best ``--top`` distinct pipelines of
each table's search are the candidates; every candidate, and every model's default pipeline, is
scored by the search's own cross-validation on every table of its task (the matrix, cached in
``--out``). A candidate's error on a table is its shortfall from the table's best score, over
the spread between that best and the table's median candidate (clipped to [0, 1]; a failure
counts 1). Greedy selection then adds, up to ``--size`` times, the candidate that lowers the
mean over tables of the error reached so far, starting from the defaults' (they are in the
first generation anyway); it stops when nothing lowers it. A table's error reached is the mean
of its ``--depth`` smallest errors: with depth 1 the greedy stops once every table holds its
own best (one pipeline per table at most), and a table served by one pipeline is served
badly when that pipeline's score does not carry to a new split or it runs out of time;
depth 2 asks two near-best pipelines of every table.

Leave-one-table-out: table T's portfolio is chosen from the other tables' candidates, on the
other tables' columns of the matrix, so T's own searches never pick it; ``--out``/loo holds a
preset per table naming that portfolio (``suite.py --presets`` uses them). ``--install`` writes
the portfolio learned from every table to ``search_spaces/``.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from suite import load  # noqa: E402 (benchmarks/ holds the suite's table loader)

REPOSITORY = Path(__file__).resolve().parents[1]
PRESETS = {"classification": "structured_classification", "regression": "structured_regression"}
#: The candidates and score matrix the shipped portfolio was learned from (``--install``
#: writes it), kept so that any table's leave-one-table-out portfolio can be rebuilt
#: (``held_out_preset``; ``suite.py`` does so by default).
MATRIX = REPOSITORY / "tools" / "portfolio_matrix.json"
SIZE, DEPTH = 13, 2
#: Seconds one candidate may take on one table (its score is then a failure).
EVALUATION_SECONDS = 30.0


@functools.cache
def task_of(table: str) -> str:
    """``"classification"`` or ``"regression"`` (the table is read once)."""
    return load(table)[4]


def search_space(table: str):
    """``(training data, search space, task)`` of ``table``'s training split, as fit builds them."""
    import automl
    from automl.data import Task, load_training_data
    from automl.graph import Graph
    from automl.space import build_space

    x_train, _, y_train, _, task = load(table)
    data = load_training_data(x_train, y_train, Task(task))
    inputs = automl.StructuredDataInput()
    head = automl.ClassificationHead if task == "classification" else automl.RegressionHead
    graph = Graph(inputs, head()(automl.StructuredDataBlock()(inputs)))
    return data, build_space(graph, data.spec), task


def candidates_of(trials: Path, top: int) -> list[dict]:
    """The best ``top`` distinct pipelines of each stored search, and each model's defaults."""
    from automl.genome import Genome, default_genomes
    from automl.genome._portfolio import pipeline_of

    found = []
    for path in sorted(trials.glob("*.jsonl")):
        table = path.stem
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        ranked = sorted((r for r in rows if r["score"] is not None), key=lambda r: -r["score"])
        seen = set()
        for row in ranked:
            if row["genome"] in seen:
                continue
            seen.add(row["genome"])
            found.append({"source": table, "task": task_of(table),
                          "pipeline": pipeline_of(Genome.from_json(row["genome"]))})
            if len(seen) == top:
                break
    for task in PRESETS:
        tables = [c["source"] for c in found if c["task"] == task]
        if tables:
            space = search_space(tables[0])[1]
            found += [{"source": "defaults", "task": task, "pipeline": pipeline_of(genome)}
                      for genome in default_genomes(space)]
    return found


def score_table(table: str, pipelines: list[dict], n_jobs: int) -> list[float]:
    """Each pipeline's score on ``table`` by the search's own cross-validation, on automl's
    worker processes (a candidate still running after ``EVALUATION_SECONDS`` is killed:
    nan, as for a pipeline the table's space cannot hold)."""
    from automl.evaluation import CrossValidation, make_folds, resolve_objective, scored_folds
    from automl.execution import make_executor
    from automl.genome import genome_in

    data, space, _ = search_space(table)
    objective = resolve_objective(None, data.spec.task, data.y)
    evaluate = CrossValidation(data, space, scored_folds(make_folds(data, 5, 0)), objective, 0)
    genomes = [genome_in(pipeline, space) for pipeline in pipelines]
    held = [genome for genome in genomes if genome is not None]
    with make_executor(n_jobs, max_eval_time=EVALUATION_SECONDS) as executor:
        trials = executor.map(evaluate, held, failure=lambda *failed, **where: None)
    scores = {genome: trial.score for genome, trial in zip(held, trials)
              if trial is not None and trial.ok}
    return [scores.get(genome, float("nan")) if genome is not None else float("nan")
            for genome in genomes]


def score_matrix(candidates: list[dict], tables: list[str], n_jobs: int, cache: Path) -> dict:
    """``{table: [score of each candidate of the table's task, nan where not]}``, kept in
    ``cache`` table by table (an interrupted run goes on where it stopped)."""
    matrix = json.loads(cache.read_text())["matrix"] if cache.exists() else {}
    for table in tables:
        if table in matrix:
            continue
        started = time.monotonic()
        task = task_of(table)
        indices = [i for i, c in enumerate(candidates) if c["task"] == task]
        scores = score_table(table, [candidates[i]["pipeline"] for i in indices], n_jobs)
        matrix[table] = [float("nan")] * len(candidates)
        for index, score in zip(indices, scores):
            matrix[table][index] = score
        cache.write_text(json.dumps({"candidates": candidates, "matrix": matrix}))
        print(f"{table}: {len(indices)} candidates in {time.monotonic() - started:.0f} s, "
              f"{sum(s == s for s in scores)} scored", flush=True)
    return matrix


def errors(matrix: dict, tables: list[str], indices: list[int]) -> np.ndarray:
    """Candidates x tables: shortfall from the table's best over its spread, in [0, 1]."""
    scores = np.array([[matrix[t][i] for t in tables] for i in indices], dtype=float)
    best = np.nanmax(scores, axis=0)
    spread = best - np.nanmedian(scores, axis=0)
    spread[~(spread > 0)] = 1e-9
    result = np.clip((best - scores) / spread, 0.0, 1.0)
    return np.where(np.isnan(result), 1.0, result)


def choose(candidates: list[dict], matrix: dict, tables: list[str], task: str, size: int,
           depth: int = 1, left_out: str | None = None) -> tuple[list[int], list[float]]:
    """Greedy portfolio over ``tables`` (``left_out``'s candidates excluded): candidate indices
    in order, and the mean error after each (a table's error: the mean of its ``depth``
    smallest)."""
    usable = [i for i, c in enumerate(candidates) if c["task"] == task
              and c["source"] != left_out]
    error = errors(matrix, tables, usable)
    defaults = [k for k, i in enumerate(usable) if candidates[i]["source"] == "defaults"]
    # each table's ``depth`` smallest errors so far (1 where fewer pipelines hold it)
    reached = np.sort(np.vstack([error[defaults], np.ones((depth, len(tables)))]), axis=0)[:depth]
    chosen, means = [], []
    for _ in range(size):
        with_each = np.sort(np.concatenate([np.broadcast_to(reached, (len(usable), *reached.shape)),
                                            error[:, None, :]], axis=1), axis=1)[:, :depth]
        means_if = with_each.mean(axis=(1, 2))
        means_if[defaults + [usable.index(i) for i in chosen]] = np.inf  # each counts once
        best = int(np.argmin(means_if))
        if means_if[best] >= reached.mean() - 1e-9:
            break
        chosen.append(usable[best])
        means.append(float(means_if[best]))
        reached = with_each[best]
    return chosen, means


def write_portfolio(path: Path, candidates: list[dict], chosen: list[int], note: str) -> None:
    pipelines = ",\n  ".join(json.dumps(candidates[i]["pipeline"], sort_keys=True)
                             for i in chosen)  # one per line: diffs stay readable
    path.write_text(f'{{\n "description": {json.dumps(note)},\n "pipelines": [\n  {pipelines}\n ]\n}}\n')


def preset_with(portfolio: Path, task: str, without: tuple[str, ...] = ()) -> str:
    """The task's default preset, naming ``portfolio`` instead of its own (and without the
    model blocks ``without``)."""
    text = (REPOSITORY / "search_spaces" / f"{PRESETS[task]}.toml").read_text()
    for model in without:
        text = text.replace(f'"{model}", ', "").replace(f', "{model}"', "")
    lines = [line for line in text.splitlines() if not line.startswith("portfolio =")]
    return "\n".join([f'portfolio = "{portfolio.resolve()}"', *lines]) + "\n"


def write_held_out(table: str, candidates: list[dict], matrix: dict, size: int, depth: int,
                   folder: Path, without: tuple[str, ...] = ()) -> list[int]:
    """Writes ``folder``/<table>.json, the portfolio learned from the other tables of its
    task (their candidates and columns of ``matrix``), and ``folder``/<table>.toml, the
    default preset naming it; returns the chosen candidates."""
    task = task_of(table)
    others = sorted(t for t in matrix if t != table and task_of(t) == task)
    own, _ = choose(candidates, matrix, others, task, size, depth, table)
    write_portfolio(folder / f"{table}.json", candidates, own,
                    f"Leave-one-table-out portfolio for {table}.")
    (folder / f"{table}.toml").write_text(preset_with(folder / f"{table}.json", task, without))
    return own


def held_out_preset(table: str, folder: Path, matrix_file: Path = MATRIX) -> Path | None:
    """The preset that searches ``table`` with a portfolio learned without it (written to
    ``folder``), from the stored matrix; ``None`` when the matrix does not hold ``table``."""
    stored = json.loads(matrix_file.read_text()) if matrix_file.is_file() else {"matrix": {}}
    if table not in stored["matrix"]:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    write_held_out(table, stored["candidates"], stored["matrix"], SIZE, DEPTH, folder)
    return folder / f"{table}.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--top", type=int, default=1)
    # 13 fills the first generation (20) beside the 7 model defaults: 25 classification
    # pipelines delayed evolution and ranked 1.87 against 13's 1.65 (60 s, 26 tables, held out)
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--depth", type=int, default=DEPTH,
                        help="pipelines near its best each table asks for (see the top)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--without", nargs="+", default=(), metavar="MODEL",
                        help="leave out the candidates and preset entry of these models")
    parser.add_argument("--install", action="store_true",
                        help="write the portfolio of all tables to search_spaces/, and its "
                        f"matrix to {MATRIX.relative_to(REPOSITORY)}")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cache = args.out / "matrix.json"
    candidates = (json.loads(cache.read_text())["candidates"] if cache.exists()
                  else candidates_of(args.trials, args.top))
    tables = sorted({c["source"] for c in candidates} - {"defaults"})
    matrix = score_matrix(candidates, tables, args.n_jobs, cache)
    kept = [i for i, c in enumerate(candidates) if c["pipeline"]["model"][0][0] not in args.without]
    candidates = [candidates[i] for i in kept]
    matrix = {table: [row[i] for i in kept] for table, row in matrix.items()}
    if args.install:
        MATRIX.write_text(json.dumps({"candidates": candidates, "matrix": matrix}))
    loo = args.out / "loo"
    loo.mkdir(exist_ok=True)
    for task in PRESETS:
        tables = sorted(t for t in matrix if task_of(t) == task)
        if not tables:
            continue
        chosen, means = choose(candidates, matrix, tables, task, args.size, args.depth)
        print(f"{task}: {len(chosen)} pipelines; mean error on these tables as each is added: "
              + ", ".join(f"{m:.3f}" for m in means))
        note = (f"Learned by tools/portfolio.py from the searches of {len(tables)} "
                f"{task} tables (top {args.top} each), greedily, depth {args.depth}.")
        write_portfolio(args.out / f"portfolio_{task}.json", candidates, chosen, note)
        if args.install:
            write_portfolio(REPOSITORY / "search_spaces" / f"portfolio_{task}.json",
                            candidates, chosen, note)
        of_task = [i for i, c in enumerate(candidates) if c["task"] == task]
        error = errors(matrix, tables, of_task)  # against every candidate, own ones included
        defaults = [k for k, i in enumerate(of_task) if candidates[i]["source"] == "defaults"]
        held_out = []
        for table in tables:
            own = write_held_out(table, candidates, matrix, args.size, args.depth, loo,
                                 tuple(args.without))
            column = error[:, tables.index(table)]
            with_portfolio = column[defaults + [of_task.index(i) for i in own]].min()
            held_out.append((column[defaults].min(), with_portfolio))
            print(f"  {table}: {len(own)} pipelines; its error: defaults "
                  f"{column[defaults].min():.3f}, with the portfolio {with_portfolio:.3f}")
        before, after = np.mean(held_out, axis=0)
        print(f"  leave-one-table-out, mean error over {len(tables)} tables: defaults "
              f"{before:.3f}, with the portfolio {after:.3f}; better on "
              f"{sum(b > a for b, a in held_out)}, worse on {sum(b < a for b, a in held_out)}")


if __name__ == "__main__":
    main()
