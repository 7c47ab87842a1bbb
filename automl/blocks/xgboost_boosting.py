"""XGBoost: depth-wise gradient-boosted trees, FLAML's and AutoGluon's other boosting family."""

from automl.blocks._coded_labels import CodedLabelsClassifier
from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Float, Int


@register_block
class XGBoost(Block):
    """XGBoost's scikit-learn estimators (``XGBClassifier`` / ``XGBRegressor``), histogram
    method, trees grown depth-wise (LightGBM's are leaf-wise: the two families err apart).

    The ranges follow FLAML's and AutoGluon's XGBoost searches (learning rate, depth, child
    weight, row and column subsampling, L1/L2 penalties), narrowed to what pays off within
    minutes; defaults are XGBoost's own. One thread per candidate. An optional extra:
    ``pip install 'automl[xgboost]'`` (the small CPU wheel ``xgboost-cpu``; the ``xgboost``
    wheel, with its GPU libraries, serves as well).
    """

    role = Role.MODEL
    tags = BlockTags(requires="xgboost")
    hyperparameters = {
        "n_estimators": Int(50, 1000, log=True, default=100),
        "learning_rate": Float(0.01, 0.3, log=True, default=0.3),
        "max_depth": Int(2, 12, default=6),
        "min_child_weight": Float(0.5, 32.0, log=True, default=1.0),
        "subsample": Float(0.5, 1.0, default=1.0),
        "colsample_bytree": Float(0.3, 1.0, default=1.0),
        "reg_alpha": Float(0.0, 1.0, default=0.0),
        "reg_lambda": Float(0.01, 10.0, log=True, default=1.0),
    }

    @classmethod
    def build(cls, params, context):
        import xgboost

        common = {"tree_method": "hist", "n_jobs": 1, "random_state": context.seed,
                  "verbosity": 0}
        if context.task is Task.CLASSIFICATION:
            return CodedLabelsClassifier(xgboost.XGBClassifier(**common, **params))
        return xgboost.XGBRegressor(**common, **params)
