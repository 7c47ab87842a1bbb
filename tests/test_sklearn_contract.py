"""scikit-learn's own estimator checks (``check_estimator``) on the table task classes, each
fit a tiny in-process search: generic tools (``cross_val_score``, ``GridSearchCV``, pipelines,
users' own test suites) can rely on the scikit-learn contract."""

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from automl import (
    ImageClassifier,
    ImageRegressor,
    StructuredDataClassifier,
    StructuredDataRegressor,
    TextClassifier,
    TextRegressor,
)

TINY = dict(max_trials=2, cv=2, n_jobs=1, scheduler="in-process", verbose=0, seed=0)


@parametrize_with_checks([StructuredDataClassifier(**TINY), StructuredDataRegressor(**TINY)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


#: scikit-learn's checks of the estimator API itself, which hold for any input: its own suite
#: runs none of them for image and text estimators, whose input is not a 2-D table (their
#: tags say so), so they run here one by one.
API_CHECKS = ["check_estimator_cloneable", "check_estimator_repr", "check_no_attributes_set_in_init",
              "check_parameters_default_constructible", "check_get_params_invariance",
              "check_set_params", "check_do_not_raise_errors_in_init_or_set_params",
              "check_estimators_unfitted", "check_estimator_tags_renamed", "check_valid_tag_types",
              "check_mixin_order"]


@pytest.mark.parametrize("cls", [ImageClassifier, ImageRegressor, TextClassifier, TextRegressor])
@pytest.mark.parametrize("check", API_CHECKS)
def test_image_and_text_estimators_keep_the_api_contract(cls, check):
    getattr(estimator_checks, check)(cls.__name__, cls(**TINY))
    tags = cls().__sklearn_tags__()
    assert not tags.input_tags.two_d_array
    assert tags.estimator_type == ("classifier" if "Classifier" in cls.__name__ else "regressor")
