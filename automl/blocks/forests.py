"""Random forests and extremely randomised trees: bagged decision trees."""

from sklearn import ensemble

from automl.data import Task
from automl.graph import Block, Role
from automl.hyperparameters import Bool, Choice, Float, Int

_FOREST_HYPERPARAMETERS = {
    "n_estimators": Int(50, 400, log=True, default=100),
    "max_features": Float(0.05, 1.0, default=0.3),
    "min_samples_leaf": Int(1, 20, log=True, default=1),
    "min_samples_split": Int(2, 20, log=True, default=2),
    "class_weight": Choice((None, "balanced", "balanced_subsample")),
}


class RandomForest(Block):
    """A random forest: trees on bootstrap samples with random feature subsets per split."""

    role = Role.MODEL
    hyperparameters = {**_FOREST_HYPERPARAMETERS, "bootstrap": Bool(True)}
    classification_only = frozenset({"class_weight"})

    @classmethod
    def build(cls, params, context):
        model = (ensemble.RandomForestClassifier if context.task is Task.CLASSIFICATION
                 else ensemble.RandomForestRegressor)
        return model(random_state=context.seed, n_jobs=1, **params)


class ExtraTrees(Block):
    """Extremely randomised trees: random split thresholds, usually the whole sample."""

    role = Role.MODEL
    hyperparameters = {**_FOREST_HYPERPARAMETERS, "bootstrap": Bool(False)}
    classification_only = frozenset({"class_weight"})

    @classmethod
    def build(cls, params, context):
        model = (ensemble.ExtraTreesClassifier if context.task is Task.CLASSIFICATION
                 else ensemble.ExtraTreesRegressor)
        return model(random_state=context.seed, n_jobs=1, **params)
