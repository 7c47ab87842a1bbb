"""TargetEncoder: categories replaced by cross-fitted target statistics."""

from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import TargetEncoder as _TargetEncoder

from automl.data import Task
from automl.graph import Block, Role, register_block
from automl.hyperparameters import Float


@register_block
class TargetEncoder(Block):
    """Replaces each category by a shrunk mean of the target in that category (one column per
    class for multiclass), cross-fitted to avoid leakage; good for high-cardinality columns."""

    role = Role.ENCODER
    hyperparameters = {"smooth": Float(0.1, 100.0, log=True, default=10.0)}

    @classmethod
    def build(cls, params, context):
        if context.task is Task.REGRESSION:
            target_type, folds = "continuous", KFold(5, shuffle=True, random_state=context.seed)
        else:
            target_type = "auto"
            folds = StratifiedKFold(5, shuffle=True, random_state=context.seed)
        return _TargetEncoder(target_type=target_type, cv=folds, **params)
