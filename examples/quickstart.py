"""Quick start: find a classifier for a real mixed-type table with missing values.

Run from the repository root: ``python examples/quickstart.py`` (about a minute).
Uses the Titanic passenger list from ../shared/data when present, else scikit-learn's bundled
breast-cancer table.
"""

from pathlib import Path

import joblib
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import automl

TITANIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "tables" / "titanic.csv"


def load_table() -> tuple[pd.DataFrame, pd.Series]:
    if TITANIC.is_file():
        table = pd.read_csv(TITANIC)
        # 'alive' restates the target and 'class'/'who'/'adult_male'/'embark_town' restate other
        # columns: a model fed 'alive' would look perfect and learn nothing.
        table = table.drop(columns=["alive", "class", "who", "adult_male", "embark_town"])
        return table.drop(columns=["survived"]), table["survived"]
    x, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return x, y


def main() -> None:
    x, y = load_table()
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    classifier = automl.StructuredDataClassifier(time_budget=60, seed=0)
    classifier.fit(x_train, y_train)

    print("\nTop of the leaderboard:")
    board = classifier.leaderboard_
    # score: over every fold a pipeline was scored on; the best few were scored again on
    # fresh folds after the search (confirmed_score) and are ranked first.
    columns = ["rank", "score", "search_score", "confirmed_score", "model", "preprocessing",
               "encoder", "fit_seconds"]
    # A table without categorical columns (the fallback) has no encoder slot.
    print(board[[c for c in columns if c in board]].head(5).to_string(index=False))
    if classifier.ensemble_ is not None:
        print(f"\nServed: an ensemble, {classifier.ensemble_.describe()}")
    print("\nTest scores:", classifier.evaluate(x_test, y_test))

    pipeline = classifier.export_model()
    joblib.dump(pipeline, "best_pipeline.joblib")
    reloaded = joblib.load("best_pipeline.joblib")
    same = (reloaded.predict(x_test) == classifier.predict(x_test)).all()
    print(f"Exported pipeline saved to best_pipeline.joblib; reloaded predictions identical: {same}")


if __name__ == "__main__":
    main()
