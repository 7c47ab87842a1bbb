"""PCA: decorrelated components keeping a chosen share of the variance."""

from sklearn.decomposition import PCA as _PCA

from automl.graph import Block, Role, register_block
from automl.hyperparameters import Bool, Float


@register_block
class PCA(Block):
    """Principal components explaining ``variance_kept`` of the variance."""

    role = Role.TRANSFORMER
    hyperparameters = {
        "variance_kept": Float(0.5, 0.999, default=0.95),
        "whiten": Bool(False),
    }

    @classmethod
    def build(cls, params, context):
        return _PCA(
            n_components=params["variance_kept"],
            whiten=params["whiten"],
            svd_solver="full",
            random_state=context.seed,
        )
