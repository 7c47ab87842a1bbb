"""How a fit runs, between the estimator classes (``automl.tasks``) and the stages below: the
session that turns a time budget into a search (``_session``), the search of one graph's
pipelines (``_pipeline_search``) or of one network over several inputs and outputs
(``_multi_io``), confirmation and ensembling of the best, the refit, and the fitted model
behind one interface (``FittedModel``: ``PipelineModel``, ``MultiIOModel``) with the project
folder it is saved in and loaded from (``_saved``)."""

from automl.fitting._ensembling import ensemble_rows
from automl.fitting._fitted import ACTIONS, FittedModel, PipelineModel, upgraded_state
from automl.fitting._multi_io import MultiIOModel, is_multi_io, search_network
from automl.fitting._pipeline_search import (
    load_data,
    refit_pipeline,
    search_pipelines,
    serving_model,
)
from automl.fitting._refit_time import refit_seconds
from automl.fitting._saved import load_model, model_writer, save_student, saved_model_file
from automl.fitting._selection import chosen_trial, trial_numbered
from automl.fitting._session import SearchOutcome, selection_record
from automl.fitting._settings import DEFAULT_MAX_TRIALS, SearchSettings, memory_bytes

__all__ = ["ACTIONS", "DEFAULT_MAX_TRIALS", "FittedModel", "MultiIOModel", "PipelineModel",
           "SearchOutcome", "SearchSettings", "chosen_trial", "ensemble_rows", "is_multi_io",
           "load_data", "load_model", "memory_bytes", "model_writer", "refit_pipeline",
           "refit_seconds", "save_student", "saved_model_file", "search_network",
           "search_pipelines", "selection_record", "serving_model", "trial_numbered",
           "upgraded_state"]
