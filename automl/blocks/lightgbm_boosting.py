"""LightGBM: leaf-wise gradient-boosted trees, the family that wins most table benchmarks."""

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Float, Int


@register_block
class LightGBM(Block):
    """LightGBM's scikit-learn estimators (``LGBMClassifier`` / ``LGBMRegressor``).

    The ranges follow what FLAML and AutoGluon search (learning rate, leaves, leaf size, row and
    column subsampling, L1/L2 penalties), narrowed to what pays off within minutes; defaults are
    LightGBM's own. One thread per candidate: workers already share the cores.
    """

    role = Role.MODEL
    tags = BlockTags(native_categoricals=True)
    hyperparameters = {
        "n_estimators": Int(50, 1000, log=True, default=100),
        "learning_rate": Float(0.01, 0.3, log=True, default=0.1),
        "num_leaves": Int(4, 256, log=True, default=31),
        "min_child_samples": Int(2, 100, log=True, default=20),
        "subsample": Float(0.5, 1.0, default=1.0),
        "colsample_bytree": Float(0.3, 1.0, default=1.0),
        "reg_alpha": Float(0.0, 1.0, default=0.0),
        "reg_lambda": Float(0.0, 10.0, default=0.0),
        "class_weight": Choice((None, "balanced")),
    }
    classification_only = frozenset({"class_weight"})

    @classmethod
    def build(cls, params, context):
        import lightgbm  # 3 s to import (it loads Dask): only where a candidate needs it

        model = (lightgbm.LGBMClassifier if context.task is Task.CLASSIFICATION
                 else lightgbm.LGBMRegressor)
        # Row subsampling only happens when bagging is on (subsample_freq > 0).
        bagging = {"subsample_freq": 1} if params.get("subsample", 1.0) < 1.0 else {}
        # LightGBM's own name for them in its parameters (categorical_feature is fit's).
        categorical = ({"categorical_column": list(context.categorical_features)}
                       if context.categorical_features else {})
        return model(random_state=context.seed, n_jobs=1, verbose=-1, **bagging, **categorical,
                     **params)
