"""Export: a fitted winning pipeline whose model is a Keras network, as one ``keras.Model``
with its preprocessing inside."""

from automl.export._keras import NotTranslatableError, has_keras_model, to_keras

__all__ = ["NotTranslatableError", "has_keras_model", "to_keras"]
