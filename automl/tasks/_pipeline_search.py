"""``AutoModel.fit`` for a graph of one input and one head: load the data by the input's
kind, search the graph's pipelines, refit the best on all rows."""

from __future__ import annotations

from automl.data import load_image_data, load_text_data, load_training_data
from automl.evaluation import (
    CrossValidation,
    check_secondary_objectives,
    make_folds,
    resolve_objective,
)
from automl.graph import Graph, Head, ImageInput, StructuredDataInput, TextInput
from automl.pipeline import build_pipeline, taking_images
from automl.space import MODEL_SLOT, build_space
from automl.tasks._fitted import PipelineModel
from automl.tasks._session import SearchOutcome, SearchSession
from automl.tasks._settings import NETWORK_FOLDS


def _load(input_node, x, y, task):
    if isinstance(input_node, ImageInput):
        return load_image_data(x, y, task)
    if isinstance(input_node, TextInput):
        return load_text_data(x, y, task)
    if isinstance(input_node, StructuredDataInput):
        return load_training_data(x, y, task, column_names=input_node.column_names,
                                  column_types=input_node.column_types)
    raise ValueError(f"{input_node.label} is not supported: use StructuredDataInput, "
                     "ImageInput or TextInput.")


def search_pipelines(model, graph: Graph, x, y, started: float) -> SearchOutcome:
    """Searches ``graph``'s pipelines for ``x`` -> ``y`` with ``model``'s settings (an
    ``AutoModel``) and refits the best on all rows."""
    input_node, chain = graph.chain()
    head: Head = chain[-1]
    data = _load(input_node, x, y, head.task)
    if len(data.y) < 2 * model.cv:
        raise ValueError(f"x has {len(data.y)} rows, too few for cv={model.cv}: pass at least "
                         f"{2 * model.cv} rows or a smaller cv.")
    objective = resolve_objective(model.objective, head.task, data.y)
    secondary = check_secondary_objectives(model.secondary_objectives)
    space = build_space(graph, data.spec)
    settings = {"task": head.task.value, "objective": objective, "cv": model.cv,
                "secondary_objectives": list(secondary), "seed": model.seed,
                "data_fingerprint": data.fingerprint(),
                "space_fingerprint": space.fingerprint(),
                "target_column": data.target_column}

    def cross_validation(seed: int) -> CrossValidation:
        # Under a time budget a network is scored on 2 folds, not cv: one network fit often
        # costs as much as dozens of scikit-learn candidates, and 2 folds keep it comparable.
        return CrossValidation(data, space, make_folds(data, model.cv, seed), objective, seed,
                               secondary, network_folds=(
                                   NETWORK_FOLDS if model.time_budget is not None else None))

    with SearchSession(model, space, objective, settings, started) as session:
        best = session.run(cross_validation).best
        pipeline = build_pipeline(best.genome, space, data.spec, seed=session.seed, final=True)
        pipeline.fit(data.x, data.y)
        if data.spec.image_shape is not None:  # the exported pipeline takes the images
            pipeline = taking_images(pipeline, data.spec.image_shape)
        fitted = PipelineModel(pipeline, data.spec, objective, data.target_column,
                               owner=type(model).__name__)
        return session.finish(fitted, f"best: {best.genome.describe()[MODEL_SLOT]} with CV "
                                      f"{objective} {best.score:.4f}")
