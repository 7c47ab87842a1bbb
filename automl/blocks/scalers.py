"""Scalers: put features on comparable scales (linear models, SVMs, k-NN care)."""

from sklearn import preprocessing

from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Int


@register_block
class StandardScaler(Block):
    """Zero mean, unit variance per feature."""

    role = Role.TRANSFORMER
    tags = BlockTags(keeps_columns=True)

    @classmethod
    def build(cls, params, context):
        return preprocessing.StandardScaler(**params)


@register_block
class RobustScaler(Block):
    """Median and inter-quartile range per feature: robust to outliers."""

    role = Role.TRANSFORMER
    tags = BlockTags(keeps_columns=True)

    @classmethod
    def build(cls, params, context):
        return preprocessing.RobustScaler(**params)


@register_block
class QuantileTransformer(Block):
    """Maps each feature through its empirical quantiles to a uniform or normal distribution."""

    role = Role.TRANSFORMER
    tags = BlockTags(keeps_columns=True)
    hyperparameters = {
        "output_distribution": Choice(("uniform", "normal")),
        "n_quantiles": Int(10, 1000, log=True, default=100),
    }

    @classmethod
    def build(cls, params, context):
        return preprocessing.QuantileTransformer(random_state=context.seed, **params)
