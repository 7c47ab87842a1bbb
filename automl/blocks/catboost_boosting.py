"""CatBoost: gradient-boosted oblivious trees, ordered boosting (strong on small tables)."""

from automl.blocks._coded_labels import CodedLabelsClassifier
from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Float, Int


@register_block
class CatBoost(Block):
    """CatBoost's scikit-learn estimators (``CatBoostClassifier`` / ``CatBoostRegressor``).

    The ranges follow AutoGluon's and FLAML's CatBoost searches (learning rate, depth, L2 leaf
    penalty), with fewer iterations than CatBoost's default 1,000 (minutes on one core for a
    mid-size table). One thread per candidate; CatBoost writes no files. An optional extra:
    ``pip install 'automl[catboost]'`` (a 97 MB wheel).
    """

    role = Role.MODEL
    tags = BlockTags(requires="catboost")
    hyperparameters = {
        "iterations": Int(50, 1000, log=True, default=300),
        "learning_rate": Float(0.01, 0.3, log=True, default=0.1),
        "depth": Int(3, 10, default=6),
        "l2_leaf_reg": Float(1.0, 10.0, log=True, default=3.0),
        "auto_class_weights": Choice((None, "Balanced")),
    }
    classification_only = frozenset({"auto_class_weights"})

    @classmethod
    def build(cls, params, context):
        import catboost

        common = {"thread_count": 1, "random_seed": context.seed, "verbose": False,
                  "allow_writing_files": False}
        if context.task is Task.CLASSIFICATION:
            return CodedLabelsClassifier(catboost.CatBoostClassifier(**common, **params))
        return catboost.CatBoostRegressor(**common, **params)
