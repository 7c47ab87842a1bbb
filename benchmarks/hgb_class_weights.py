"""HistGradientBoosting with class weights: scikit-learn's against ours (bins on unweighted
quantiles; see automl/blocks/hist_gradient_boosting.py), same split, same settings.

    python benchmarks/hgb_class_weights.py

Per table: seconds of a fit on the training rows and balanced accuracy on the test rows, for
``class_weight="balanced"`` with scikit-learn's class and ours, and the time ratio.
"""

from __future__ import annotations

import time

from sklearn.ensemble import HistGradientBoostingClassifier as ScikitLearns
from sklearn.preprocessing import OrdinalEncoder

from automl.blocks.hist_gradient_boosting import HistGradientBoostingClassifier as Ours

from _datasets import load_split

TABLES = ("breast_cancer", "digits", "churn", "phoneme", "wine_quality_white", "titanic")


def _numbers(split):
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                             encoded_missing_value=-1)
    texts = split.x_train.select_dtypes(exclude="number").columns
    x_train, x_test = split.x_train.copy(), split.x_test.copy()
    if len(texts):
        x_train[texts] = encoder.fit_transform(x_train[texts].astype(str))
        x_test[texts] = encoder.transform(x_test[texts].astype(str))
    return x_train.to_numpy(float), x_test.to_numpy(float)


def main() -> None:
    print(f"{'table':20s} {'rows':>6s} {'cols':>5s} {'sklearn s':>10s} {'ours s':>8s} "
          f"{'ratio':>6s} {'sklearn bacc':>13s} {'ours bacc':>10s}")
    for name in TABLES:
        split = load_split(name)
        x_train, x_test = _numbers(split)
        figures = []
        for estimator in (ScikitLearns, Ours):
            tic = time.perf_counter()
            model = estimator(class_weight="balanced", random_state=0).fit(x_train,
                                                                           split.y_train)
            figures.append((time.perf_counter() - tic, split.score(model.predict(x_test))))
        (theirs, their_score), (ours, our_score) = figures
        print(f"{name:20s} {len(x_train):6d} {x_train.shape[1]:5d} {theirs:10.2f} {ours:8.2f} "
              f"{theirs / ours:6.1f} {their_score:13.4f} {our_score:10.4f}")


if __name__ == "__main__":
    main()
