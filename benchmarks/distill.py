"""Distillation: each table's served model (the teacher) imitated by a small Keras network.

    python benchmarks/distill.py [--search 60] [--distill 60] [--tables churn magic ...]
                                 [--variants munge plain]
                                 [--output results/distill.json]

Per table (the suite's split; the 7 raw tables of ../shared/data/tables and 8 PMLB tables):
a ``--search``-second fit, then ``distill`` with ``--distill`` seconds once per variant:
``munge`` (as shipped, with MUNGE rows) and ``plain`` (without); for each: test score of
teacher and student (balanced accuracy or R²), fidelity on the test rows (agreement of
classes, or R² of the student against the teacher), sizes (joblib bytes of the teacher,
.keras bytes of the student) and latency per row for a batch of 1 and of 1,000. Every student is then reloaded
in a fresh process, in Keras's safe mode, and its test predictions compared with the
student's in memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

import automl
from automl.data import TableAdapter
from automl.export import keras_feed

from _datasets import TABLE_NAMES
from suite import headline, load

VARIANTS = ("munge", "plain")
PMLB_TABLES = ("banana", "magic", "pima", "texture", "yeast", "225_puma8NH", "227_cpu_small",
               "529_pollen")

RELOAD = textwrap.dedent("""
    import json, sys, keras, numpy as np, pandas as pd
    import automl.keras_layers
    from automl.export import keras_feed
    worst = {}
    for stem in json.loads(sys.argv[1]):
        model = keras.saving.load_model(stem + ".keras", safe_mode=True)
        rows = pd.read_pickle(stem + "_rows.pkl")
        answers = np.asarray(model.predict_on_batch(keras_feed(model, rows)))
        worst[stem] = float(np.abs(answers - np.load(stem + "_answers.npy")).max())
    print(json.dumps(worst))
""")


def _fidelity(task: str, student, teacher) -> float:
    return float(np.mean(student == teacher)) if task == "classification" else \
        float(r2_score(teacher, student))


def run(name: str, search: float, seconds: float, folder: Path,
        variants: list[str]) -> list[dict]:
    x_train, x_test, y_train, y_test, task = load(name)
    estimator = (automl.StructuredDataClassifier if task == "classification"
                 else automl.StructuredDataRegressor)
    model = estimator(time_budget=search, seed=0, verbose=0, checks="off").fit(x_train,
                                                                               y_train)
    teacher = model.predict(x_test)
    served = "Ensemble" if model.ensemble_ else model.best_trial_.genome.describe()["model"]
    records = []
    for variant in variants:
        synthetic = variant == "munge"
        student = model.distill(time_budget=seconds, synthetic=synthetic)
        answers = student.predict(x_test)
        summary = student.summary
        stem = folder / f"{name}_{variant}"
        student.save(f"{stem}.keras")
        rows = TableAdapter(student.spec.column_names,
                            tuple(k.value for k in student.spec.column_kinds)).transform(x_test)
        rows.to_pickle(f"{stem}_rows.pkl")
        np.save(f"{stem}_answers.npy",
                np.asarray(student.model.predict_on_batch(keras_feed(student.model, rows))))
        records.append({
            "table": name, "task": task, "teacher": served, "variant": variant,
            "teacher_test": headline(task, y_test, teacher),
            "student_test": headline(task, y_test, answers),
            "test_fidelity": _fidelity(task, answers, teacher),
            "check_fidelity": summary["choice_fidelity"],
            "measured_fidelity": summary["fidelity"], "shape": f"{summary['layers']}x"
            f"{summary['units']}", "epochs": summary["epochs"],
            "seconds": summary["seconds"], "stem": str(stem),
            **{key: summary[key] for key in summary if key.startswith(("teacher_", "student_"))
               or key.endswith("_ratio")}})
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v)
                          for k, v in records[-1].items() if k != "stem"}), flush=True)
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", type=float, default=60.0)
    parser.add_argument("--distill", type=float, default=60.0)
    parser.add_argument("--tables", nargs="+", default=[*TABLE_NAMES, *PMLB_TABLES])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--output", type=Path, default=Path("results/distill.json"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="students-"))
    records = [record for name in args.tables
               for record in run(name, args.search, args.distill, folder, args.variants)]
    reloaded = subprocess.run([sys.executable, "-c", RELOAD,
                               json.dumps([r["stem"] for r in records])],
                              capture_output=True, text=True, check=True)
    worst = json.loads(reloaded.stdout.strip().splitlines()[-1])
    for record in records:
        record["reload_max_difference"] = worst[record["stem"]]
    frame = pd.DataFrame(records)
    columns = ["table", "teacher", "variant", "teacher_test", "student_test",
               "test_fidelity", "shape", "teacher_model_size", "student_model_size",
               "model_size_ratio", "teacher_latency_ms", "student_latency_ms",
               "teacher_batch_latency_ms", "student_batch_latency_ms",
               "reload_max_difference"]
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(frame[columns].round(4).to_string(index=False))
    for variant, part in frame.groupby("variant"):
        classification = part[part["task"] == "classification"]
        regression = part[part["task"] == "regression"]
        print(f"\n{variant}: classification, student within 1 point of the "
              f"teacher on {int((classification.teacher_test - classification.student_test <= 0.01).sum())}"
              f"/{len(classification)}, agreement >= 97 % on "
              f"{int((classification.test_fidelity >= 0.97).sum())}/{len(classification)}; "
              f"regression within 0.02 R² on "
              f"{int((regression.teacher_test - regression.student_test <= 0.02).sum())}"
              f"/{len(regression)}; mean fidelity {part.test_fidelity.mean():.4f}; median "
              f"size ratio {part.model_size_ratio.median():.1f}; every reload equal: "
              f"{bool((part.reload_max_difference <= 1e-5).all())}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
