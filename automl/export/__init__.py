"""Export: a fitted winning pipeline whose model is a Keras network, as one ``keras.Model``
with its preprocessing inside; and any fitted model of a table distilled into a small Keras
network that imitates it (``distill``)."""

from automl.export._keras import NotTranslatableError, has_keras_model, to_keras
from automl.export._student import distill, distill_pipeline
from automl.export._student_model import Student, keras_feed, keras_file_size

__all__ = ["NotTranslatableError", "Student", "distill", "distill_pipeline", "has_keras_model",
           "keras_feed", "keras_file_size", "to_keras"]
