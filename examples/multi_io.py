"""Several inputs and outputs in one network: house photos and facts -> price and "expensive?".

Run from the repository root: ``python examples/multi_io.py`` (about four minutes on 2 CPUs).
Uses the Houses Dataset (Ahmed & Moustafa 2016) from ../shared/data/houses.npz: 535 houses,
each with its four photos tiled into one 64x64 image (halved to 32x32 here), and bedrooms,
bathrooms, area and zip code.

Outputs:

* ``log_price`` (regression): the natural log of the price. Prices run from $22k to $5.9M, so
  errors in log units are relative errors, and a few mansions do not dominate the loss.
* ``expensive`` (classification): whether the price is above the training houses' median. It
  is the question a buyer's filter asks, and it shares everything the network learns for the
  price (multi-task learning): one network, one trunk, two heads.

Prints each output's test metrics next to a baseline that ignores the inputs (the training
mean; the majority class), then saves the exported Keras model, loads it back and checks that
it predicts the same.
"""

import io
import pickle
import tempfile
import zipfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from sklearn import metrics
from sklearn.model_selection import train_test_split

import automl
import automl.keras_layers  # noqa: F401 - registers FillMissing, to load the saved model

HOUSES = Path(__file__).resolve().parents[2] / "shared" / "data" / "houses.npz"


class _ArraysOnly(pickle.Unpickler):
    """Unpickles a NumPy object array of strings and nothing else (no code runs)."""

    ALLOWED = {("numpy._core.multiarray", "_reconstruct"),
               ("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in houses.npz")
        return super().find_class(module, name)


def _strings(archive: Path, key: str) -> np.ndarray:
    """The object array ``key`` of ``archive`` (``np.load`` refuses it without
    ``allow_pickle=True``, which would run any code the file holds)."""
    with zipfile.ZipFile(archive) as files:
        stream = io.BytesIO(files.read(f"{key}.npy"))
    np.lib.format.read_magic(stream)
    np.lib.format.read_array_header_1_0(stream)
    return np.asarray(_ArraysOnly(stream).load(), dtype=str)


def load_houses() -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
    if not HOUSES.is_file():
        raise SystemExit(f"{HOUSES} is missing: this example needs the shared datasets folder "
                         "beside the repository.")
    data = np.load(HOUSES, allow_pickle=False)
    # Each 64x64 image tiles four 32x32 photos; averaging 2x2 pixels gives 32x32 tiles of
    # 16x16 photos: a quarter of the convolutions, so a few minutes of 2 CPUs see several
    # candidate networks.
    images = data["images"].reshape(-1, 32, 2, 32, 2, 3).mean(axis=(2, 4)).astype("float32")
    facts = pd.DataFrame({"bedrooms": data["bedrooms"], "bathrooms": data["bathrooms"],
                          "area": data["area"], "zipcode": _strings(HOUSES, "zipcode")})
    return images, facts, data["price"]


def houses_model(**settings) -> automl.AutoModel:
    """The network searched: photos and facts in, log price and "expensive?" out."""
    return automl.AutoModel(
        inputs=[automl.ImageInput(name="photos"),
                automl.StructuredDataInput(name="facts",
                                           column_types={"zipcode": "categorical"})],
        outputs=[automl.RegressionHead(name="log_price"),
                 automl.ClassificationHead(name="expensive")], **settings)


def main() -> None:
    images, facts, price = load_houses()
    rows = np.arange(len(price))
    train, test = train_test_split(rows, test_size=0.2, random_state=0)
    median = float(np.median(price[train]))
    log_price = np.log(price)
    expensive = np.where(price > median, "yes", "no")

    def inputs(index):
        return [images[index], facts.iloc[index].reset_index(drop=True)]

    model = houses_model(time_budget=180, max_eval_time=60, cv=3, population_size=6, n_jobs=1,
                         seed=0)
    model.fit(inputs(train), [log_price[train], expensive[train]], epochs=10)

    print("\nTop of the leaderboard (score: mean of R² and balanced accuracy over CV folds):")
    print(model.leaderboard_[["rank", "score", "status", "fit_seconds"]].head(5)
          .to_string(index=False))

    scores = model.evaluate(inputs(test), [log_price[test], expensive[test]])
    mean_guess = np.full(len(test), log_price[train].mean())
    majority = pd.Series(expensive[train]).mode()[0]
    baseline = {
        "log_price": {
            "r2": metrics.r2_score(log_price[test], mean_guess),
            "rmse": metrics.root_mean_squared_error(log_price[test], mean_guess),
            "mae": metrics.mean_absolute_error(log_price[test], mean_guess)},
        "expensive": {
            "balanced_accuracy": metrics.balanced_accuracy_score(
                expensive[test], np.full(len(test), majority)),
            "accuracy": float(np.mean(expensive[test] == majority))},
    }
    print(f"\nTest set ({len(test)} houses): network vs baseline (training mean / majority "
          "class)")
    for output, values in scores.items():
        for metric, value in values.items():
            print(f"  {output:10s} {metric:18s} {value:8.3f}   baseline "
                  f"{baseline[output][metric]:8.3f}")
    predicted_log_price, _ = model.predict(inputs(test))
    error = np.median(np.abs(np.exp(predicted_log_price) - price[test]) / price[test])
    print(f"  median relative error of the price: {error:.1%} "
          f"(baseline {np.median(np.abs(np.exp(mean_guess) - price[test]) / price[test]):.1%})")

    exported = model.export_model()
    feed = model.pipeline_.keras_inputs(inputs(test))
    print(f"\nExported keras.Model: inputs {sorted(feed)}, outputs "
          f"{exported.output_names}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "houses.keras"
        exported.save(path)
        loaded = keras.saving.load_model(path)
        same = all(np.allclose(a, b, atol=1e-5) for a, b in
                   zip(exported.predict(feed, verbose=0), loaded.predict(feed, verbose=0)))
        print(f"saved ({path.stat().st_size / 1e6:.1f} MB), reloaded: equal predictions: {same}")


if __name__ == "__main__":
    main()
