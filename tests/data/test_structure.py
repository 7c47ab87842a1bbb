"""fit(groups=...) and fit(time_column=...): rows that belong together stay on one side of
every split; rows in time order are validated on what follows what they trained on."""

import numpy as np
import pandas as pd
import pytest

from automl import StructuredDataClassifier, StructuredDataRegressor
from automl.data import Task, load_training_data
from automl.data._structure import joined_groups
from automl.evaluation import forward_folds, make_folds
from automl.search import nested_score

FAST = dict(max_trials=4, cv=3, seed=0, n_jobs=1, scheduler="in-process", ensemble_size=0,
            confirm_repeats=0, checks="off", verbose=0)


def patients(count=40, visits=6, seed=0):
    """Each patient's visits: the patient's own measurements, a little noise on each, and a
    diagnosis that is the patient's (a coin toss), not the measurements'. Only memorising a
    patient predicts it: a model does that well on visits of patients it has seen, and at
    chance on new patients."""
    rng = np.random.default_rng(seed)
    ids = np.repeat(np.arange(count), visits)
    measurements = rng.normal(size=(count, 4))[ids] + rng.normal(scale=0.05, size=(len(ids), 4))
    frame = pd.DataFrame(measurements, columns=["a", "b", "c", "d"])
    frame.insert(0, "patient", [f"p{i}" for i in ids])
    return frame, rng.integers(0, 2, count)[ids]


def test_every_fold_keeps_each_group_on_one_side():
    x, y = patients()
    data = load_training_data(x, y, Task.CLASSIFICATION, groups="patient")
    assert "patient" not in data.spec.column_names  # the group label is not a feature
    for seed in (0, 1):  # the search's folds, and a confirmation's fresh ones
        for train, validation in make_folds(data, 5, seed):
            assert not set(x["patient"].iloc[train]) & set(x["patient"].iloc[validation])
    # The same groups given as labels instead of a column name.
    as_labels = load_training_data(x.drop(columns="patient"), y, Task.CLASSIFICATION,
                                   groups=x["patient"].to_numpy())
    assert np.array_equal(as_labels.groups, data.groups)
    assert as_labels.fingerprint() == data.fingerprint()
    assert data.fingerprint() != load_training_data(x.drop(columns="patient"), y,
                                                    Task.CLASSIFICATION).fingerprint()


def test_groups_join_with_copies_of_one_record():
    # Rows 0 and 1 share a group; row 1 is a copy of row 2's record: all three go together.
    joined = joined_groups(np.array([0, 0, 1, 2, 3]), np.array([5, 6, 6, 7, 8]))
    assert joined[0] == joined[1] == joined[2] and len(set(joined[2:])) == 3
    assert joined_groups(None, np.array([1, 1, 2])).tolist() == [1, 1, 2]
    assert joined_groups(None, None) is None


def test_the_cv_score_with_groups_is_that_of_new_patients():
    x, y = patients()
    grouped = StructuredDataClassifier(**FAST).fit(x, y, groups="patient")
    ungrouped = StructuredDataClassifier(**FAST).fit(x.drop(columns="patient"), y)
    # Visits of a patient seen in training are told apart from memory; new patients are not.
    assert ungrouped.best_trial_.score > 0.9
    assert grouped.best_trial_.score < 0.75
    new_x, new_y = patients(seed=1)
    assert grouped.evaluate(new_x.drop(columns="patient"), new_y)["balanced_accuracy"] < 0.75
    # New rows may come with their group column: it is not a feature, and is dropped.
    assert np.array_equal(grouped.predict(new_x), grouped.predict(new_x.drop(columns="patient")))


def test_the_ensemble_estimate_keeps_groups_together():
    # Each row's target is its number, so the scorer sees which rows each part holds.
    groups = np.repeat(np.arange(20), 10)
    truth = np.arange(200.0)
    rng = np.random.default_rng(0)
    predictions = [truth + rng.normal(size=200), truth + rng.normal(size=200)]
    parts = []

    def scorer(part, predicted):
        parts.append(part.astype(int))
        return -float(np.mean((part - predicted) ** 2))

    def whole_groups(rows):
        return all(np.isin(np.flatnonzero(groups == group), rows).all()
                   for group in np.unique(groups[rows]))

    nested_score(predictions, truth, scorer, 2, stratify=False, groups=groups)
    assert parts and all(whole_groups(rows) for rows in parts)
    parts.clear()
    nested_score(predictions, truth, scorer, 2, stratify=False)  # rows split freely
    assert not all(whole_groups(rows) for rows in parts)


@pytest.mark.parametrize("groups, message", [
    ("ward", r"groups is the column name 'ward', but x has no such column"),
    (np.arange(5), r"groups has 5 labels, but x has 240 rows"),
    (np.where(np.arange(240) == 7, None, "a"), r"groups is missing for row 7"),
    (np.zeros((240, 2)), r"groups has shape \(240, 2\): pass one label per row"),
    (7, r"groups is 7: pass one group label per row"),
    (np.repeat([0, 1], 120), r"groups has 2 distinct groups, too few for cv=3"),
])
def test_groups_that_cannot_work_are_named(groups, message):
    x, y = patients()
    with pytest.raises(ValueError, match=message):
        StructuredDataClassifier(**FAST).fit(x.drop(columns="patient"), y, groups=groups)


def test_a_group_column_needs_a_frame():
    x, y = patients()
    with pytest.raises(ValueError, match=r"groups is the column name 'patient', which only "
                                         r"works when x is a DataFrame"):
        StructuredDataClassifier(**FAST).fit(x.drop(columns="patient").to_numpy(), y,
                                             groups="patient")


def readings(days=300, seed=0) -> pd.DataFrame:
    """Four sensors that wander (neighbouring days read alike, no two stretches alike),
    shuffled rows. A target that follows a trend is read off the sensors between two days seen
    in training; after the last one it must be extrapolated, which the sensors do not allow."""
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    return pd.DataFrame({"day": pd.Timestamp("2026-01-01") + pd.to_timedelta(day, "D"),
                         **{f"sensor_{i}": np.cumsum(rng.normal(size=days)) for i in range(4)}}
                        ).sample(frac=1, random_state=seed)


def test_forward_folds_train_on_the_past_latest_first():
    times = np.array([5, 0, 3, 3, 1, 4, 2, 7, 6, 3, 8, 9])
    folds = forward_folds(times, 3)
    assert [len(validation) for _, validation in folds] == [3, 3, 3]
    for train, validation in folds:
        assert times[train].max() < times[validation].min()
    assert [times[train].max() for train, _ in folds] == [6, 3, 2]  # the latest first
    assert set(np.concatenate([v for _, v in folds])) | set(folds[-1][0]) == set(range(12))


def test_the_cv_score_in_time_order_is_that_of_the_future():
    x = readings()
    y = (x["day"] - x["day"].min()).dt.days.to_numpy() / 30.0
    settings = dict(FAST, ensemble_size=0)
    forward = StructuredDataRegressor(**settings).fit(x, y, time_column="day")
    shuffled = StructuredDataRegressor(**settings).fit(x.drop(columns="day"), y)
    assert forward.data_spec_.ignored_columns == ("day",)
    assert "day" not in forward.data_spec_.column_names
    # Random folds interpolate between neighbouring days; forward folds cannot.
    assert shuffled.best_trial_.score > 0.9 and forward.best_trial_.score < 0
    assert not any(trial.confirmed for trial in forward.trials_)  # no fresh folds in time
    later = readings(seed=1)
    assert forward.predict(later).shape == (300,)  # the time column comes along, and is dropped


@pytest.mark.parametrize("change, message", [
    ({"time_column": "when"}, r"time_column is the column name 'when', but x has no such"),
    ({"day": ["monday"] * 300}, r"time_column 'day' holds 'monday', neither a date nor a"),
    ({"day": [None] + list(range(299))}, r"time_column 'day' is missing for row 0"),
    ({"day": [0, 1, 2] * 100}, r"3 distinct times, too few for cv=3: .* at most 2"),
    ({"groups": "sensor_0"}, r"groups and time_column together are not supported yet"),
])
def test_time_orders_that_cannot_work_are_named(change, message):
    x = readings()
    options = {"time_column": "day"}
    for key, value in change.items():
        if key in ("time_column", "groups"):
            options[key] = value
        else:
            x[key] = value
    with pytest.raises(ValueError, match=message):
        StructuredDataRegressor(**FAST).fit(x, np.arange(300.0), **options)
