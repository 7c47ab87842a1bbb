"""What a running fit may ask of the process it runs in: the deadline it must stop by.

The lowest stage: evaluation sets the deadline around each fold, blocks (Keras networks) read
it, and neither has to import the other.
"""

from automl.runtime._deadline import deadline_scope, training_deadline

__all__ = ["deadline_scope", "training_deadline"]
