"""Complement naive Bayes: the classic strong baseline for text classification."""

from sklearn import naive_bayes

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Bool, Float


@register_block
class ComplementNaiveBayes(Block):
    """Multinomial naive Bayes fitted on the complement of each class, which suits imbalanced
    classes; for non-negative features such as word counts or TF-IDF weights (``alpha``:
    additive smoothing)."""

    role = Role.MODEL
    # needs_text: negative features (scaled tables, pixels after PCA) are rejected
    tags = BlockTags(tasks=frozenset({Task.CLASSIFICATION}), needs_text=True)
    hyperparameters = {
        "alpha": Float(1e-3, 10.0, log=True, default=1.0),
        "norm": Bool(default=False),
    }

    @classmethod
    def build(cls, params, context):
        return naive_bayes.ComplementNB(**params)
