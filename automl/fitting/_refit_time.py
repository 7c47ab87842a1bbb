"""How long the final refit of a trial takes: what the search keeps for it (``refit_estimate``)
and the least it can be given (``refit_seconds``: a network stops itself by its deadline)."""

from __future__ import annotations

import sys

from automl.evaluation import Trial
from automl.space import MODEL_SLOT, SearchSpace

#: Seconds to import TensorFlow and Keras in a process (5-8 s measured on 2 CPU cores).
KERAS_STARTUP_SECONDS = 8.0
#: The least share of its estimated training time a network's refit is given (it stops itself
#: by its deadline): a quarter still trains it for several epochs at the rate it was scored at.
NETWORK_REFIT_SHARE = 0.25


def refit_estimate(best: Trial | None, space: SearchSpace, cv: int,
                   time_budget: float | None, *, tensorflow_loaded: bool | None = None) -> float:
    """Seconds to keep for the final refit of ``best``: its mean fold fit time, scaled to all
    the rows, times the cost factor of its model (e.g. SVC probabilities), plus TensorFlow's
    start-up for a network when this process has not imported it (``tensorflow_loaded``;
    ``None``: whether it has). Before any candidate has finished nothing is known: a tenth of
    the time budget."""
    if best is None:
        return 0.1 * time_budget if time_budget else 0.0
    set_up, training, _ = _refit_parts(best, space, cv, tensorflow_loaded)
    return set_up + training


def refit_seconds(best: Trial | None, space: SearchSpace, cv: int,
                  time_budget: float | None, *, tensorflow_loaded: bool | None = None) -> float:
    """The least time the refit of ``best`` needs: its ``refit_estimate``, but a network stops
    itself by the refit's deadline (its schedule annealed, its best weights kept), so it needs
    only ``NETWORK_REFIT_SHARE`` of its training time: a network that became the best late is
    refit in the time left rather than passed over or overrunning the budget."""
    if best is None:
        return refit_estimate(best, space, cv, time_budget)
    set_up, training, tags = _refit_parts(best, space, cv, tensorflow_loaded)
    return set_up + (NETWORK_REFIT_SHARE if tags.keras_network else 1.0) * training


def _refit_parts(best: Trial, space: SearchSpace, cv: int, tensorflow_loaded: bool | None):
    """``(seconds of set-up, seconds of training, the model's tags)`` of ``best``'s refit."""
    if tensorflow_loaded is None:
        tensorflow_loaded = "tensorflow" in sys.modules
    tags = space.slot(MODEL_SLOT).option(best.genome[MODEL_SLOT][0].block).block_class.tags
    # A network refit here first imports TensorFlow, if this process has not yet: its workers
    # paid that outside most trials' fit times.
    startup = (KERAS_STARTUP_SECONDS
               if tags.imports_tensorflow and not tensorflow_loaded else 0.0)
    per_fold = best.fit_seconds / max(len(best.fold_scores), 1)
    return 0.5 + startup, 1.3 * per_fold * cv / (cv - 1) * tags.refit_cost_factor, tags
