"""scikit-learn's own estimator checks (``check_estimator``) on the table task classes, each
fit a tiny in-process search: generic tools (``cross_val_score``, ``GridSearchCV``, pipelines,
users' own test suites) can rely on the scikit-learn contract."""

import inspect

import pytest
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from automl import (
    AutoModel,
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


#: The task classes' own arguments beside AutoModel's (which they take but for the graph).
OWN_ARGUMENTS = {"column_names", "column_types"}


@pytest.mark.parametrize("cls", [ImageClassifier, ImageRegressor, TextClassifier, TextRegressor,
                                 StructuredDataClassifier, StructuredDataRegressor])
def test_task_classes_take_automodels_arguments_with_its_defaults(cls):
    def arguments(estimator) -> dict:
        return {name: parameter.default for name, parameter
                in inspect.signature(estimator.__init__).parameters.items() if name != "self"}

    shared = {name: default for name, default in arguments(AutoModel).items()
              if name not in ("inputs", "outputs", "project_name")}  # their task names it
    own = arguments(cls)
    assert set(own) - OWN_ARGUMENTS == set(shared) | {"project_name"}
    assert {name: own[name] for name in shared} == shared
