"""k-nearest neighbours."""

from sklearn import neighbors

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Int


@register_block
class KNeighbors(Block):
    """Predicts from the ``n_neighbors`` closest training rows."""

    role = Role.MODEL
    tags = BlockTags(scale_sensitive=True)
    hyperparameters = {
        "n_neighbors": Int(1, 50, log=True, default=5),
        "weights": Choice(("uniform", "distance")),
        "p": Choice((2, 1)),
    }

    @classmethod
    def build(cls, params, context):
        model = (neighbors.KNeighborsClassifier if context.task is Task.CLASSIFICATION
                 else neighbors.KNeighborsRegressor)
        return model(**params)
