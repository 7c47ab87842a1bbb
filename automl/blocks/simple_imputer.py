"""SimpleImputer: fills missing numeric values."""

from sklearn.impute import SimpleImputer as _SimpleImputer

from automl.graph import Block, Role, register_block
from automl.hyperparameters import Bool, Choice


@register_block
class SimpleImputer(Block):
    """Replaces missing numeric values by the column mean or median, optionally adding
    indicator columns that tell the model where values were missing."""

    role = Role.IMPUTER
    hyperparameters = {
        "strategy": Choice(("median", "mean")),
        "add_indicator": Bool(False),
    }

    @classmethod
    def build(cls, params, context):
        return _SimpleImputer(keep_empty_features=True, **params)
