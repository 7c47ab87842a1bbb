"""Nystroem: an approximate RBF kernel feature map."""

from sklearn.kernel_approximation import Nystroem as _Nystroem

from automl.graph import Block, Role, register_block
from automl.hyperparameters import Float, Int


@register_block
class Nystroem(Block):
    """Maps features to an approximate RBF-kernel space, so linear models fit non-linear data."""

    role = Role.TRANSFORMER
    hyperparameters = {
        "n_components": Int(20, 400, log=True, default=100),
        "gamma": Float(1e-3, 1.0, log=True, default=0.03),
    }

    @classmethod
    def build(cls, params, context):
        return _Nystroem(kernel="rbf", random_state=context.seed, **params)
