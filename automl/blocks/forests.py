"""Random forests and extremely randomised trees: bagged decision trees."""

from typing import ClassVar

from sklearn import ensemble

from automl.data import Task
from automl.graph import Block, Role, register_block
from automl.hyperparameters import Bool, Choice, Float, Int


class _Forest(Block):
    """What both forests share; subclasses name their estimators and bootstrap default."""

    classification_only = frozenset({"class_weight"})
    estimators: ClassVar[dict[Task, type]]

    @staticmethod
    def declare(bootstrap: bool) -> dict:
        return {
            "n_estimators": Int(50, 400, log=True, default=100),
            "max_features": Float(0.05, 1.0, default=0.3),
            "min_samples_leaf": Int(1, 20, log=True, default=1),
            "min_samples_split": Int(2, 20, log=True, default=2),
            "class_weight": Choice((None, "balanced", "balanced_subsample")),
            "bootstrap": Bool(bootstrap),
        }

    @classmethod
    def build(cls, params, context):
        return cls.estimators[context.task](random_state=context.seed, n_jobs=1, **params)


@register_block
class RandomForest(_Forest):
    """A random forest: trees on bootstrap samples with random feature subsets per split."""

    role = Role.MODEL
    hyperparameters = _Forest.declare(bootstrap=True)
    estimators = {Task.CLASSIFICATION: ensemble.RandomForestClassifier,
                  Task.REGRESSION: ensemble.RandomForestRegressor}


@register_block
class ExtraTrees(_Forest):
    """Extremely randomised trees: random split thresholds, usually the whole sample."""

    role = Role.MODEL
    hyperparameters = _Forest.declare(bootstrap=False)
    estimators = {Task.CLASSIFICATION: ensemble.ExtraTreesClassifier,
                  Task.REGRESSION: ensemble.ExtraTreesRegressor}
