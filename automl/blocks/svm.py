"""Support vector machines with an RBF kernel."""

from sklearn import svm
from sklearn.calibration import CalibratedClassifierCV

from automl.data import Task
from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Choice, Float


@register_block
class SVM(Block):
    """An RBF-kernel SVM (SVC / SVR); strong on small, scaled data."""

    role = Role.MODEL
    # refit_cost_factor: the exported SVC's probabilities need an internal 5-fold fit;
    # max_input_rows: a fit grows with the square of the rows (20 s and more past 10,000
    # rows on one core), where gradient boosting wins anyway
    tags = BlockTags(scale_sensitive=True, refit_cost_factor=6.0, max_input_rows=10_000)
    hyperparameters = {
        "C": Float(0.01, 1000.0, log=True, default=1.0),
        "gamma": Float(1e-4, 1.0, log=True, default=0.01),
        "epsilon": Float(1e-3, 1.0, log=True, default=0.1),
        "class_weight": Choice((None, "balanced")),
    }
    classification_only = frozenset({"class_weight"})

    @classmethod
    def hyperparameters_for(cls, task):
        declared = super().hyperparameters_for(task)
        if task is Task.CLASSIFICATION:
            declared.pop("epsilon")
        return declared

    @classmethod
    def build(cls, params, context):
        if context.task is Task.REGRESSION:
            return svm.SVR(kernel="rbf", **params)
        model = svm.SVC(kernel="rbf", random_state=context.seed, **params)
        if not context.final:
            return model
        # The exported model also gives probabilities (Platt scaling, fitted by an internal
        # 5-fold CV); cross-validation skips that cost, as scorers use decision_function.
        return CalibratedClassifierCV(model, method="sigmoid", ensemble=False)
