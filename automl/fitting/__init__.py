"""How a fit runs, between the estimator classes (``automl.tasks``) and the stages below: the
session that turns a time budget into a search (``_session``), the search of one graph's
pipelines (``_pipeline_search``) or of one network over several inputs and outputs
(``_multi_io``), confirmation and ensembling of the best, the refit, and the fitted model
behind one interface (``FittedModel``: ``PipelineModel``, ``MultiIOModel``) with the project
folder it is saved in and loaded from (``_saved``)."""

from automl.fitting._ensembling import ensemble_rows
from automl.fitting._fitted import FittedModel, PipelineModel, upgraded_state
from automl.fitting._multi_io import MultiIOModel, is_multi_io, search_network
from automl.fitting._pipeline_search import (
    load_data,
    refit_pipeline,
    search_pipelines,
    serving_model,
)
from automl.fitting._refit_time import refit_seconds
from automl.fitting._session import SearchOutcome, selection_record
from automl.fitting._settings import memory_bytes

__all__ = ["FittedModel", "MultiIOModel", "PipelineModel", "SearchOutcome", "ensemble_rows",
           "is_multi_io", "load_data", "memory_bytes", "refit_pipeline", "refit_seconds",
           "search_network", "search_pipelines", "selection_record", "serving_model",
           "upgraded_state"]
