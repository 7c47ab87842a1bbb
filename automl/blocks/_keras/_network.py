"""``KerasNetwork``: one AutoKeras block (or a chain of them) plus our head, as a scikit-learn
estimator."""

from __future__ import annotations

import joblib
import numpy as np
from sklearn.base import BaseEstimator

from automl.blocks._keras._pickling import PicklesKerasModel
from automl.blocks._keras._schedules import averaged
from automl.blocks._keras._tensorflow import autokeras_block, import_keras
from automl.blocks._keras._training import TRAINING_KEYS, compile_and_fit, split_rows

#: Rows predicted in one step.
PREDICT_BATCH = 4096


class KerasNetwork(PicklesKerasModel, BaseEstimator):
    """A scikit-learn estimator whose model is an AutoKeras block plus our head.

    Args:
        block: the AutoKeras block class name (``"DenseBlock"``), or several built in a chain
            (``("Embedding", "ConvBlock", "SpatialReduction", "DenseBlock")``).
        block_values: the block's hyperparameter values (names without scope); for a chain,
            block name -> its values.
        classification: softmax head and cross-entropy if true, else one linear unit and MSE
            on standardised targets.
        optimizer, learning_rate, batch_size, max_epochs, lr_policy, lr_schedule, lr_cycles,
            snapshots: training settings (``TRAINING_SPACE``).
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
        label_smoothing: classification targets smoothed by this much (0: none).
        seed: seeds Keras (weights, shuffling, dropout).
    """

    def __init__(self, block: str = "DenseBlock", block_values: dict | None = None,
                 classification: bool = True, optimizer: str = "adam",
                 learning_rate: float = 1e-3, batch_size: int = 32, max_epochs: int = 100,
                 lr_policy: str = "searched", lr_schedule: str = "constant", lr_cycles: int = 3,
                 snapshots: int = 1, input_shape: tuple[int, ...] | None = None,
                 block_options: dict | None = None, augmentation: dict | None = None,
                 text_vectorization: dict | None = None,
                 resize_to: tuple[int, int] | None = None, label_smoothing: float = 0.0,
                 seed: int = 0):
        self.block = block
        self.block_values = block_values
        self.classification = classification
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr_policy = lr_policy
        self.lr_schedule = lr_schedule
        self.lr_cycles = lr_cycles
        self.snapshots = snapshots
        self.input_shape = input_shape
        self.block_options = block_options
        self.augmentation = augmentation
        self.text_vectorization = text_vectorization
        self.resize_to = resize_to
        self.label_smoothing = label_smoothing
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

        keras = import_keras()
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
                hidden = autokeras_block("ImageAugmentation", "augment").build(hp, hidden)
        for name, scope, options in stages:
            hidden = autokeras_block(name, scope, options).build(hp, hidden)
        if len(hidden.shape) > 2:
            hidden = keras.layers.Flatten()(hidden)
        activation = "softmax" if self.classification else None
        outputs = keras.layers.Dense(n_outputs, activation=activation, name="head")(hidden)
        model = keras.Model(inputs, outputs)
        from automl.keras_layers import RobustScaleClip

        for layer in model.layers:  # scaling that learns its statistics from the rows
            if isinstance(layer, RobustScaleClip):
                layer.adapt(X)
        return model

    def fit(self, X, y):
        keras = import_keras()
        keras.utils.set_random_seed(self.seed)
        X = self._inputs(X)
        y = np.asarray(y)
        if self.classification:
            self.classes_, target = np.unique(y, return_inverse=True)
            outputs, loss = len(self.classes_), "sparse_categorical_crossentropy"
            if self.label_smoothing:  # smoothing needs the targets one-hot
                target = np.eye(outputs)[target]
                loss = keras.losses.CategoricalCrossentropy(
                    label_smoothing=self.label_smoothing)
        else:
            y = y.astype("float64")
            self.target_mean_, self.target_scale_ = float(y.mean()), float(y.std() or 1.0)
            target, outputs, loss = (y - self.target_mean_) / self.target_scale_, 1, "mse"
        target = np.asarray(target, dtype="float32")
        split = split_rows(len(X), self.seed)
        # The vocabulary comes from the rows the network trains on, not its validation rows.
        model = self._network(X[split.train], outputs)
        validation = ((self._tensor(X[split.held_out]), target[split.held_out])
                      if split.validate else None)
        self.epochs_, snapshots = compile_and_fit(
            model, self._tensor(X[split.train]), target[split.train], validation,
            train_rows=len(split.train), loss=loss,
            range_key=joblib.hash((self.get_params(), X.shape[1], outputs)),
            **{key: getattr(self, key) for key in TRAINING_KEYS})
        if snapshots:  # the same network rebuilt once per snapshot, answering as one
            model = averaged(lambda: (self._network(X[split.train], outputs),) * 2, snapshots)
        self.model_ = model
        self.n_features_in_ = X.shape[1]
        return self

    def _outputs(self, X) -> np.ndarray:
        X = self._tensor(self._inputs(X))
        if len(X) <= PREDICT_BATCH:  # one call: predict()'s per-call set-up costs ~20 ms
            return np.asarray(self.model_.predict_on_batch(X))
        return np.asarray(self.model_.predict(X, verbose=0, batch_size=PREDICT_BATCH))

    def predict_proba(self, X) -> np.ndarray:
        if not self.classification:
            raise AttributeError("predict_proba is for classification networks.")
        return self._outputs(X)

    def predict(self, X) -> np.ndarray:
        outputs = self._outputs(X)
        if self.classification:
            return self.classes_[outputs.argmax(axis=1)]
        return outputs[:, 0] * self.target_scale_ + self.target_mean_
