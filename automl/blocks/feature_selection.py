"""Feature selection: keep the features that carry signal."""

from sklearn import feature_selection

from automl.data import Task
from automl.graph import Block, Role, register_block
from automl.hyperparameters import Float


@register_block
class SelectPercentile(Block):
    """Keeps the given percentile of features ranked by an ANOVA F-test against the target."""

    role = Role.TRANSFORMER
    hyperparameters = {"percentile": Float(5.0, 100.0, default=50.0)}

    @classmethod
    def build(cls, params, context):
        score = (feature_selection.f_regression if context.task is Task.REGRESSION
                 else feature_selection.f_classif)
        return feature_selection.SelectPercentile(score_func=score, **params)


@register_block
class VarianceThreshold(Block):
    """Drops features whose variance is below ``threshold`` (constant columns at 0)."""

    role = Role.TRANSFORMER
    hyperparameters = {"threshold": Float(0.0, 0.2, default=0.0)}

    @classmethod
    def build(cls, params, context):
        return feature_selection.VarianceThreshold(**params)
