"""Candidate pipelines built from genomes, and the layout they share."""

from automl.pipeline._build import build_pipeline
from automl.pipeline._ensemble import WeightedEnsemble, class_probabilities
from automl.pipeline._layout import (
    COLUMNS_STEP,
    MODEL_STEP,
    PREFIX_STEPS,
    after_prefix,
    candidate_pipeline,
    feature_steps,
    model_step,
    prefix_steps,
    taking_images,
)

__all__ = [
    "COLUMNS_STEP",
    "MODEL_STEP",
    "PREFIX_STEPS",
    "WeightedEnsemble",
    "after_prefix",
    "build_pipeline",
    "candidate_pipeline",
    "class_probabilities",
    "feature_steps",
    "model_step",
    "prefix_steps",
    "taking_images",
]
