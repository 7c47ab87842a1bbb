"""Elastic net: linear regression with L1 and L2 penalties."""

from sklearn import linear_model

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Float


@register_block
class ElasticNet(Block):
    """Linear regression penalised by ``alpha`` * (``l1_ratio`` L1 + (1 - ``l1_ratio``) L2);
    ``l1_ratio`` 0 is ridge regression."""

    role = Role.MODEL
    tags = BlockTags(tasks=frozenset({Task.REGRESSION}), scale_sensitive=True)
    hyperparameters = {
        "alpha": Float(1e-5, 10.0, log=True, default=0.01),
        "l1_ratio": Float(0.0, 1.0, default=0.0),
    }

    @classmethod
    def build(cls, params, context):
        return linear_model.ElasticNet(max_iter=5000, random_state=context.seed, **params)
