"""Pickling of estimators that hold a fitted Keras model."""

from __future__ import annotations

import os
import tempfile

from automl.blocks._keras._tensorflow import import_keras


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
            keras = import_keras()
            import automl.keras_layers  # noqa: F401 - registers FillMissing

            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "model.keras")
                with open(path, "wb") as file:
                    file.write(payload)
                self.model_ = keras.saving.load_model(path)
