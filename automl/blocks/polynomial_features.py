"""PolynomialFeatures: pairwise products of features."""

from sklearn.preprocessing import PolynomialFeatures as _PolynomialFeatures

from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Bool


@register_block
class PolynomialFeatures(Block):
    """Degree-2 products of features (or interactions only); lets linear models bend."""

    role = Role.TRANSFORMER
    tags = BlockTags(max_input_columns=40)
    hyperparameters = {"interaction_only": Bool(False)}
    # 40 inputs already make 860 outputs; beyond that the step costs more than it gives.

    @classmethod
    def build(cls, params, context):
        return _PolynomialFeatures(degree=2, include_bias=False, **params)
