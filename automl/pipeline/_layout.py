"""The layout every candidate pipeline has, defined once: its input check and column stage
first, then its feature steps, the model last."""

from __future__ import annotations

from sklearn.pipeline import Pipeline

#: The first two steps: the input check ("table", or "text" for documents) and the column
#: stage ("columns": imputer and encoder, or the vectorizer). They depend on nothing else of
#: the genome, so cross-validation caches their output.
PREFIX_STEPS = 2
COLUMNS_STEP = "columns"
MODEL_STEP = "model"


def prefix_steps(pipeline: Pipeline) -> Pipeline:
    """The input check and column stage."""
    return pipeline[:PREFIX_STEPS]


def after_prefix(pipeline: Pipeline) -> Pipeline:
    """The feature steps and the model."""
    return pipeline[PREFIX_STEPS:]


def feature_steps(pipeline: Pipeline) -> list[tuple[str, object]]:
    """The ``(name, step)`` pairs between the column stage and the model."""
    return pipeline.steps[PREFIX_STEPS:-1]


#: An image pipeline is the candidate pipeline behind a step that flattens the images.
IMAGES_STEP, CANDIDATE_STEP = "images", "pipeline"


def taking_images(pipeline: Pipeline, image_shape: tuple[int, ...]) -> Pipeline:
    """``pipeline`` (fitted on flattened pixels) behind a step that flattens images of
    ``image_shape``, so the exported pipeline takes the images themselves."""
    from automl.data import ImageFlattener

    return Pipeline([(IMAGES_STEP, ImageFlattener(image_shape)), (CANDIDATE_STEP, pipeline)])


def candidate_pipeline(pipeline):
    """The candidate pipeline (or ensemble) inside an exported one (the image step
    removed)."""
    return getattr(pipeline, "named_steps", {}).get(CANDIDATE_STEP, pipeline)


def model_step(pipeline):
    """The fitted model of an exported or candidate pipeline (an ensemble is its own)."""
    candidate = candidate_pipeline(pipeline)
    return candidate.steps[-1][1] if isinstance(candidate, Pipeline) else candidate
