"""OneHotEncoder: one column per frequent category."""

from sklearn.preprocessing import OneHotEncoder as _OneHotEncoder

from automl.graph import Block, Role, register_block
from automl.hyperparameters import Int


@register_block
class OneHotEncoder(Block):
    """One indicator column per category; rare categories beyond ``max_categories`` share one
    column, and categories unseen in fit map to that shared column (or to all zeros)."""

    role = Role.ENCODER
    hyperparameters = {"max_categories": Int(2, 64, log=True, default=20)}

    @classmethod
    def build(cls, params, context):
        return _OneHotEncoder(
            handle_unknown="infrequent_if_exist", sparse_output=False, dtype="float64", **params
        )
