"""``MultiIONetwork``: a Keras network over several inputs and outputs as an estimator that
takes and returns lists (target encoding, training, prediction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import joblib
import numpy as np
from sklearn.base import BaseEstimator

from automl.blocks._keras import (
    TRAINING_KEYS,
    PicklesKerasModel,
    averaged,
    compile_and_fit,
    import_keras,
    split_rows,
)
from automl.blocks._multi_network._assembly import build_network, model_feed, run_eagerly
from automl.blocks._multi_network._specs import InputSpec, LayerSpec, OutputSpec, take_rows
from automl.data import Task

#: Up to this many training steps a network trains eagerly: tracing its training and
#: validation functions costs seconds, more than a few dozen eager steps.
EAGER_STEPS = 64


class MultiIONetwork(PicklesKerasModel, BaseEstimator):
    """A Keras network from its inputs through its layer blocks to one head per output,
    trained with early stopping on a validation split (best weights kept). Takes and returns
    lists: one prepared entry per input (see ``Branch.prepare``), one target array per output.

    Args:
        inputs: the inputs, in order.
        layers: the layer blocks, in build order (parents first).
        outputs: the outputs, in order, each with the input or layer its head takes.
        layer_values: per layer, its hyperparameter values.
        dropout: dropout before each head's output layer.
        optimizer, learning_rate, batch_size, max_epochs: training settings.
        seed: seeds Keras (weights, shuffling, dropout) and the validation split.
    """

    def __init__(self, inputs: Sequence[InputSpec] = (), layers: Sequence[LayerSpec] = (),
                 outputs: Sequence[OutputSpec] = (), layer_values: Sequence[Mapping] = (),
                 dropout: float = 0.0, optimizer: str = "adam", learning_rate: float = 1e-3,
                 batch_size: int = 32, max_epochs: int = 100, lr_policy: str = "searched",
                 lr_schedule: str = "constant", lr_cycles: int = 3, snapshots: int = 1,
                 seed: int = 0):
        self.inputs = inputs
        self.layers = layers
        self.outputs = outputs
        self.layer_values = layer_values
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr_policy = lr_policy
        self.lr_schedule = lr_schedule
        self.lr_cycles = lr_cycles
        self.snapshots = snapshots
        self.seed = seed

    def feed(self, xs: Sequence) -> dict:
        """The exported model's input dict for prepared entries, strings as tensors."""
        return model_feed(self.inputs, xs)

    def _encode(self, ys: Sequence, rows: np.ndarray) -> tuple[list, list]:
        """Targets as the network trains on them (class indices, standardised values), and
        each regression target's (mean, scale) on ``rows``."""
        targets, stats = [], []
        for spec, y in zip(self.outputs, ys):
            if spec.task is Task.CLASSIFICATION:
                index = {label: i for i, label in enumerate(spec.classes)}
                targets.append(np.asarray([index[label] for label in y], dtype="int32"))
                stats.append(None)
            else:
                values = np.asarray(y, dtype="float64")
                mean, scale = float(values[rows].mean()), float(values[rows].std() or 1.0)
                targets.append(((values - mean) / scale).astype("float32"))
                stats.append((mean, scale))
        return targets, stats

    def _steps(self, n_rows: int) -> int:
        """Training steps at most (early stopping may stop sooner)."""
        return -(-n_rows // min(self.batch_size, n_rows)) * self.max_epochs

    def fit(self, xs: Sequence, ys: Sequence) -> MultiIONetwork:
        keras = import_keras()
        keras.utils.set_random_seed(self.seed)
        split = split_rows(len(ys[0]), self.seed)
        train, held_out = split.train, split.held_out
        targets, stats = self._encode(ys, train)
        train_xs = [take_rows(rows, train) for rows in xs]
        # Statistics and vocabularies come from the rows the network trains on.
        model, training_model = build_network(self, train_xs, stats)
        validation = None
        if split.validate:
            validation = (self.feed([take_rows(rows, held_out) for rows in xs]),
                          [target[held_out] for target in targets])
        self.epochs_, snapshots = compile_and_fit(
            training_model, self.feed(train_xs), [target[train] for target in targets],
            validation, train_rows=len(train),
            loss=["sparse_categorical_crossentropy" if spec.task is Task.CLASSIFICATION
                  else "mse" for spec in self.outputs],
            jit_compile=False, run_eagerly=self._steps(len(train)) <= EAGER_STEPS,
            range_key=joblib.hash((self.get_params(), len(train))),
            **{key: getattr(self, key) for key in TRAINING_KEYS})
        if snapshots:  # the same network rebuilt once per snapshot, answering as one
            model = averaged(lambda: build_network(self, train_xs, stats), snapshots)
        self.model_ = model
        return self

    def _raw_outputs(self, xs: Sequence) -> list[np.ndarray]:
        return run_eagerly(self.model_, self.feed(xs), len(xs[0]))

    def predict_both(self, xs: Sequence) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """Per output, from one pass: its predictions (class labels, or values in the target's
        units) and its class probabilities (``None`` for a regression output)."""
        answers = []
        for spec, output in zip(self.outputs, self._raw_outputs(xs)):
            if spec.task is Task.CLASSIFICATION:
                answers.append((np.asarray(spec.classes)[output.argmax(axis=1)], output))
            else:
                answers.append((output[:, 0].astype("float64"), None))
        return answers

    def predict(self, xs: Sequence) -> list[np.ndarray]:
        """One array per output: class labels, or values in the target's units."""
        return [predicted for predicted, _ in self.predict_both(xs)]

    def predict_proba(self, xs: Sequence) -> list[np.ndarray | None]:
        """One array per output: class probabilities, ``None`` for a regression output."""
        return [probabilities for _, probabilities in self.predict_both(xs)]
