"""scikit-learn's own estimator checks (``check_estimator``) on the table task classes, each
fit a tiny in-process search: generic tools (``cross_val_score``, ``GridSearchCV``, pipelines,
users' own test suites) can rely on the scikit-learn contract."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from automl import StructuredDataClassifier, StructuredDataRegressor

TINY = dict(max_trials=2, cv=2, n_jobs=1, scheduler="in-process", verbose=0, seed=0)


@parametrize_with_checks([StructuredDataClassifier(**TINY), StructuredDataRegressor(**TINY)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
