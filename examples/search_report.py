"""Keep every trial, resume, learn which hyperparameters mattered, and read the HTML report.

Run from the repository root: ``python examples/search_report.py`` (about a minute). Run it
twice: the second run resumes the stored search and only refits (its budget is spent); raise
``max_trials`` to search on. With Chromium installed, a screenshot of the report is taken too.
"""

import shutil
import subprocess
from pathlib import Path

import pandas as pd

import automl

PENGUINS = Path(__file__).resolve().parents[2] / "shared" / "data" / "tables" / "penguins.csv"


def main() -> None:
    if PENGUINS.is_file():
        table, target = pd.read_csv(PENGUINS), "species"
    else:  # scikit-learn's bundled wine table
        from sklearn.datasets import load_wine

        table = load_wine(as_frame=True).frame
        target = "target"
    model = automl.StructuredDataClassifier(time_budget=60, max_trials=80, seed=0,
                                            directory="automl_projects", project_name="penguins")
    model.fit(table, target)  # every trial lands in automl_projects/penguins/trials.sqlite

    importance = model.importance()
    print("\nWhich hyperparameters mattered (share of score variance):")
    print(importance.groupby("family", sort=False).head(4).round(3).to_string(index=False))

    report = model.report()
    print(f"\nReport: {report}")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        shot = report.with_suffix(".png")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1200,4000", f"--screenshot={shot}",
                        report.resolve().as_uri()], check=True, capture_output=True, timeout=120)
        print(f"Screenshot: {shot}")


if __name__ == "__main__":
    main()
