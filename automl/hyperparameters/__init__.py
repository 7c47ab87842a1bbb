"""Hyperparameter declarations shared by blocks, search spaces and genomes."""

from automl.hyperparameters._base import Bool, Choice, Fixed, Float, Hyperparameter, Int

__all__ = ["Bool", "Choice", "Fixed", "Float", "Hyperparameter", "Int"]
