"""Logistic regression."""

from sklearn import linear_model

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Float


@register_block
class LogisticRegression(Block):
    """L2-regularised logistic regression (``C`` is the inverse regularisation strength)."""

    role = Role.MODEL
    tags = BlockTags(tasks=frozenset({Task.CLASSIFICATION}), scale_sensitive=True)
    hyperparameters = {
        "C": Float(1e-4, 1e4, log=True, default=1.0),
        "class_weight": Choice((None, "balanced")),
    }

    @classmethod
    def build(cls, params, context):
        return linear_model.LogisticRegression(max_iter=2000, **params)
