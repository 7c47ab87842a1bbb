"""What a fitted ``AutoModel`` answers: predictions, scores, the exported model and drift, all
through its one ``FittedModel`` (``automl.fitting._fitted``)."""

from __future__ import annotations

import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if


def _may_classify(model) -> bool:
    """``predict_proba`` exists unless the estimator is known to do regression."""
    return model.__sklearn_tags__().estimator_type != "regressor"


class FittedMethods:
    """``AutoModel``'s methods after ``fit`` (on ``fitted_model_``)."""

    def _fitted(self):
        if not hasattr(self, "fitted_model_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(x, y) "
                                 "before predict, evaluate or export_model.")
        return self.fitted_model_

    @property
    def pipeline_(self):
        """The refit winner as a project saves it: the fitted scikit-learn ``Pipeline`` (which
        takes what ``fit`` took), or for several inputs or outputs the ``MultiIOModel``."""
        return self._fitted().pipeline

    def _checked(self, x):
        """``x`` for prediction, after the checks a task class adds (its columns)."""
        return x

    def predict(self, x):
        """Predictions of the refit best pipeline for ``x`` (same columns as in fit); with
        several inputs or outputs, a list with one array per output."""
        return self._fitted().predict(self._checked(x))

    @available_if(_may_classify)
    def predict_proba(self, x):
        """Class probabilities for ``x``, one column per class in the order of ``classes_``;
        with several outputs, a list with one array per classification output."""
        return self._fitted().predict_proba(self._checked(x))

    @property
    def classes_(self):
        """The class labels seen in fit (classification only); with several outputs, a list
        with each output's labels (``None`` for a regression output)."""
        return self._fitted().classes_

    def score(self, x, y=None) -> float:
        """scikit-learn's convention: accuracy for classification, R² for regression; with
        several outputs, the search's objective (the mean of the outputs' metrics)."""
        return self._fitted().score(self._checked(x), y)

    def export_model(self, format: str = "auto"):
        """The refit best model, to ship.

        Args:
            format: ``"sklearn"``: the fitted scikit-learn ``Pipeline`` (takes the same
                DataFrames, arrays, images or documents as ``fit``; save it with
                ``joblib.dump``). ``"keras"``: when the best model is a Keras network (or an
                ensemble of networks only), one ``keras.Model`` with the preprocessing inside
                (see ``automl.export``; save it with ``model.save("model.keras")``).
                ``"auto"`` (default): ``"keras"`` for a Keras winner whose steps all
                translate, else ``"sklearn"``. With several
                inputs or outputs it is always the ``keras.Model`` (feed it
                ``self.pipeline_.keras_inputs(x)``; see ``automl.fitting._multi_io``).
        """
        return self._fitted().export(format)

    def evaluate(self, x, y=None) -> dict:
        """Scores on ``x``/``y``: the objective first, then the usual metrics of the task;
        with several outputs, ``{output name: {metric: value}}``."""
        return self._fitted().evaluate(self._checked(x), y)

    def drift(self, x) -> pd.DataFrame:
        """How far the rows ``x`` moved from the training data, per column and prediction:
        PSI, verdict, missing rates, unseen categories (see ``automl.checks``)."""
        return self._fitted().drift(self._checked(x))

