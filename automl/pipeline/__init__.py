"""Candidate pipelines built from genomes."""

from automl.pipeline._build import build_pipeline

__all__ = ["build_pipeline"]
