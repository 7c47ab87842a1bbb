"""Keras networks as scikit-learn estimators, built from AutoKeras blocks with our values.

An AutoKeras block declares its search space define-by-run through a ``keras_tuner``
``HyperParameters`` object. ``capture_space`` records that space completely (conditional
hyperparameters included, by rebuilding until no new one appears), so each Keras block can
freeze it in its own file as fixed hyperparameters, and a test checks the frozen copy against
AutoKeras. ``KerasNetwork`` then builds the block with the genome's values pre-set in a
``HyperParameters`` object, adds our own head (AutoKeras 3.0's heads crash on Keras 3.15), and
trains with early stopping on a validation split.

TensorFlow is imported only when a network is built, fitted or unpickled.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np
from sklearn.base import BaseEstimator

from automl.hyperparameters import Bool, Choice, Float, Int
from automl.runtime import training_deadline

#: How every network trains; part of each Keras block's space.
TRAINING_SPACE = {
    "optimizer": Choice(("adam", "adamw", "rmsprop"), default="adam"),
    "learning_rate": Float(1e-4, 1e-2, log=True, default=1e-3),
    "batch_size": Choice((16, 32, 64, 128, 256), default=32),
    "max_epochs": Int(10, 300, log=True, default=100),
}
TRAINING_KEYS = tuple(TRAINING_SPACE)
#: Epochs without improvement of the validation loss before training stops (best weights kept).
PATIENCE = 8
VALIDATION_FRACTION = 0.15


_GPUS_CONFIGURED = False


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    # Candidates are fitted and scored many times: retracing notices are expected, not news.
    tf.get_logger().setLevel("ERROR")
    global _GPUS_CONFIGURED
    if not _GPUS_CONFIGURED:
        # Take GPU memory as needed, not all of it at once: a worker's GPU then fits several
        # small networks in turn, and a user's own TensorFlow work in this process still runs.
        for gpu in tf.config.list_physical_devices("GPU"):
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:  # the GPU was initialised before us: leave it as it is
                pass
        _GPUS_CONFIGURED = True
    return keras


def _autokeras_block(name: str, scope: str, options: dict | None = None):
    import autokeras

    return getattr(autokeras, name)(name=scope, **(options or {}))


#: Builds between two ``clear_session`` calls while a space is captured.
CLEAR_EVERY = 16


def capture_space(block: str, input_shape: tuple[int, ...], *, options: dict | None = None,
                  input_dtype: str = "float32", scope: str = "block") -> dict:
    """The complete search space of the AutoKeras block named ``block`` (constructed with
    ``options``) on inputs of ``input_shape``, as ``{name: (kind, values or (low, high),
    default)}``.

    Conditional hyperparameters appear only when their condition holds (``units_2`` only with
    three layers), so the block is rebuilt with each value of every choice already seen until
    no new hyperparameter appears.
    """
    import keras_tuner

    keras = _keras()
    seen: dict[str, object] = {}
    pending: list[dict] = [{}]
    tried: set[tuple] = set()
    while pending:
        values = pending.pop()
        key = tuple(sorted(values.items()))
        if key in tried:
            continue
        tried.add(key)
        hp = keras_tuner.HyperParameters()
        hp.values.update(values)
        if len(tried) % CLEAR_EVERY == 0:
            # Each build allocates weights: free them now and then (clearing costs a garbage
            # collection, ten times a small block's build).
            keras.backend.clear_session()
        _autokeras_block(block, scope, options).build(
            hp, keras.Input(shape=input_shape, dtype=input_dtype))
        for item in hp.space:
            name = item.name.removeprefix(f"{scope}/")
            if name not in seen:
                seen[name] = item
                if type(item).__name__ in ("Choice", "Boolean"):
                    choices = item.values if type(item).__name__ == "Choice" else [False, True]
                    for option in choices:
                        pending.append({**values, item.name: option})
    space = {}
    for name, item in seen.items():
        kind = type(item).__name__
        if kind == "Choice":
            space[name] = ("choice", tuple(item.values), item.default)
        elif kind == "Boolean":
            space[name] = ("bool", (False, True), item.default)
        elif kind in ("Int", "Float"):
            space[name] = (kind.lower(), (item.min_value, item.max_value), item.default)
        else:
            space[name] = (kind.lower(), (), item.default)
    return space


def frozen_space(captured: dict) -> dict:
    """Our hyperparameters for a captured AutoKeras space (see ``capture_space``)."""
    space = {}
    for name, (kind, values, default) in captured.items():
        if kind == "choice":
            space[name] = Choice(values, default=default)
        elif kind == "bool":
            space[name] = Bool(default=default)
        elif kind == "int":
            space[name] = Int(values[0], values[1], default=default)
        elif kind == "float":
            space[name] = Float(values[0], values[1], default=default)
        else:
            raise ValueError(f"cannot freeze AutoKeras hyperparameter {name!r} of kind {kind!r}.")
    return space


def _stop_at(deadline: float):
    keras = _keras()

    class StopAtDeadline(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if time.monotonic() >= deadline:
                self.model.stop_training = True

    return StopAtDeadline()


def training_callbacks(validate: bool) -> list:
    """Early stopping on the validation loss (the training loss without validation rows), best
    weights kept; and a stop at the candidate's deadline when one is set (max_eval_time, the
    search deadline), checked after every batch."""
    keras = _keras()
    callbacks = [keras.callbacks.EarlyStopping(
        monitor="val_loss" if validate else "loss", patience=PATIENCE,
        restore_best_weights=True)]
    deadline = training_deadline()
    if deadline is not None:
        callbacks.append(_stop_at(deadline))
    return callbacks


def _optimizer(name: str, learning_rate: float):
    keras = _keras()
    classes = {"adam": keras.optimizers.Adam, "adamw": keras.optimizers.AdamW,
               "rmsprop": keras.optimizers.RMSprop}
    return classes[name](learning_rate=learning_rate)


class PicklesKerasModel:
    """Pickles the fitted Keras model in ``model_`` as the bytes of its .keras file (joblib,
    results coming back from worker processes)."""

    def __getstate__(self):
        state = self.__dict__.copy()
        model = state.pop("model_", None)
        if model is not None:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "model.keras")
                model.save(path)
                with open(path, "rb") as file:
                    state["model_bytes_"] = file.read()
        return state

    def __setstate__(self, state):
        payload = state.pop("model_bytes_", None)
        self.__dict__.update(state)
        if payload is not None:
            keras = _keras()
            import automl.keras_layers  # noqa: F401 - registers FillMissing

            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "model.keras")
                with open(path, "wb") as file:
                    file.write(payload)
                self.model_ = keras.saving.load_model(path)


class KerasNetwork(PicklesKerasModel, BaseEstimator):
    """A scikit-learn estimator whose model is an AutoKeras block plus our head.

    Args:
        block: the AutoKeras block class name (``"DenseBlock"``), or several built in a chain
            (``("Embedding", "ConvBlock", "SpatialReduction", "DenseBlock")``).
        block_values: the block's hyperparameter values (names without scope); for a chain,
            block name -> its values.
        classification: softmax head and cross-entropy if true, else one linear unit and MSE
            on standardised targets.
        optimizer, learning_rate, batch_size, max_epochs: training settings.
        input_shape: (H, W, C) to reshape the feature columns into images (image blocks).
        block_options: arguments of the AutoKeras block's constructor (``pretrained=False``);
            for a chain, block name -> its arguments.
        augmentation: values of AutoKeras's ImageAugmentation, applied to images before the
            block while training (``None``: no augmentation).
        text_vectorization: ``{"max_tokens": …, "sequence_length": …}`` when the input is raw
            text: a ``TextVectorization`` layer inside the model, adapted on the training texts,
            turns it into token ids.
        resize_to: (height, width) to resize images to inside the model, for blocks with a
            minimum input size (``None``: as they are).
        seed: seeds Keras (weights, shuffling, dropout).
    """

    def __init__(self, block: str = "DenseBlock", block_values: dict | None = None,
                 classification: bool = True, optimizer: str = "adam",
                 learning_rate: float = 1e-3, batch_size: int = 32, max_epochs: int = 100,
                 input_shape: tuple[int, ...] | None = None, block_options: dict | None = None,
                 augmentation: dict | None = None, text_vectorization: dict | None = None,
                 resize_to: tuple[int, int] | None = None, seed: int = 0):
        self.block = block
        self.block_values = block_values
        self.classification = classification
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.input_shape = input_shape
        self.block_options = block_options
        self.augmentation = augmentation
        self.text_vectorization = text_vectorization
        self.resize_to = resize_to
        self.seed = seed

    def _inputs(self, X) -> np.ndarray:
        if self.text_vectorization is not None:
            # Python strings in an object array: Keras takes those as tf.string, not '<U…'.
            return np.asarray([str(document) for document in np.ravel(X)],
                              dtype=object).reshape(-1, 1)
        return np.asarray(X, dtype="float32")

    def _tensor(self, X: np.ndarray):
        """What Keras takes: arrays as they are, documents as a string tensor (Keras rejects
        object arrays)."""
        if self.text_vectorization is None:
            return X
        import tensorflow as tf

        return tf.constant(X, dtype=tf.string)

    def _network(self, X: np.ndarray, n_outputs: int):
        import keras_tuner

        keras = _keras()
        hp = keras_tuner.HyperParameters()
        if isinstance(self.block, str):
            stages = [(self.block, "network", self.block_options)]
            hp.values.update({f"network/{k}": v for k, v in (self.block_values or {}).items()})
        else:  # a chain: values and options per block name, each block scoped by its name
            stages = [(name, name, (self.block_options or {}).get(name)) for name in self.block]
            hp.values.update({f"{name}/{k}": v for name in self.block
                              for k, v in (self.block_values or {}).get(name, {}).items()})
        hp.values.update({f"augment/{k}": v for k, v in (self.augmentation or {}).items()})
        if self.text_vectorization is not None:
            inputs = keras.Input(shape=(1,), dtype="string", name="text")
            vectorize = keras.layers.TextVectorization(
                max_tokens=self.text_vectorization["max_tokens"],
                output_sequence_length=self.text_vectorization["sequence_length"],
                name="text_vectorization")
            vectorize.adapt(X[:, 0])
            hidden = vectorize(inputs)
        else:
            n_features = X.shape[1]
            inputs = keras.Input(shape=(n_features,), name="features")
            hidden = inputs
        if self.input_shape is not None:
            pixels = int(np.prod(self.input_shape))
            if n_features != pixels:
                raise ValueError(f"{self.block} needs the {pixels} pixel values of "
                                 f"{tuple(self.input_shape)} images but received {n_features} "
                                 "features: a step before it changed them.")
            hidden = keras.layers.Reshape(tuple(self.input_shape))(hidden)
            if self.resize_to is not None:
                hidden = keras.layers.Resizing(*self.resize_to, name="resize")(hidden)
            if self.augmentation is not None:
                hidden = _autokeras_block("ImageAugmentation", "augment").build(hp, hidden)
        for name, scope, options in stages:
            hidden = _autokeras_block(name, scope, options).build(hp, hidden)
        if len(hidden.shape) > 2:
            hidden = keras.layers.Flatten()(hidden)
        activation = "softmax" if self.classification else None
        outputs = keras.layers.Dense(n_outputs, activation=activation, name="head")(hidden)
        return keras.Model(inputs, outputs)

    def fit(self, X, y):
        keras = _keras()
        keras.utils.set_random_seed(self.seed)
        X = self._inputs(X)
        y = np.asarray(y)
        if self.classification:
            self.classes_, target = np.unique(y, return_inverse=True)
            outputs, loss = len(self.classes_), "sparse_categorical_crossentropy"
        else:
            y = y.astype("float64")
            self.target_mean_, self.target_scale_ = float(y.mean()), float(y.std() or 1.0)
            target, outputs, loss = (y - self.target_mean_) / self.target_scale_, 1, "mse"
        order = np.random.default_rng(self.seed).permutation(len(X))  # the tail validates
        X, target = X[order], np.asarray(target, dtype="float32")[order]
        validate = len(X) >= 20
        fitted_rows = len(X) - int(len(X) * VALIDATION_FRACTION) if validate else len(X)
        # The vocabulary comes from the rows the network trains on, not its validation rows.
        model = self._network(X[:fitted_rows], outputs)
        model.compile(optimizer=_optimizer(self.optimizer, self.learning_rate), loss=loss)
        callbacks = training_callbacks(validate)
        validation = ((self._tensor(X[fitted_rows:]), target[fitted_rows:]) if validate
                      else None)
        history = model.fit(self._tensor(X[:fitted_rows]), target[:fitted_rows],
                            epochs=self.max_epochs, batch_size=min(self.batch_size, len(X)),
                            verbose=0, validation_data=validation, callbacks=callbacks)
        self.epochs_ = len(history.history["loss"])
        self.model_ = model
        self.n_features_in_ = X.shape[1]
        return self

    def _outputs(self, X) -> np.ndarray:
        return np.asarray(self.model_.predict(self._tensor(self._inputs(X)), verbose=0,
                                              batch_size=4096))

    def predict_proba(self, X) -> np.ndarray:
        if not self.classification:
            raise AttributeError("predict_proba is for classification networks.")
        return self._outputs(X)

    def predict(self, X) -> np.ndarray:
        outputs = self._outputs(X)
        if self.classification:
            return self.classes_[outputs.argmax(axis=1)]
        return outputs[:, 0] * self.target_scale_ + self.target_mean_
