"""Search strategies and the loop that runs them within a budget."""

from automl.search._bayesian import BayesianSearch, Surrogate, expected_improvement
from automl.search._budget import Budget
from automl.search._choice import STRATEGY_NAMES, check_strategy, make_strategy
from automl.search._confirm import (
    DEFAULT_CONFIRM_REPEATS,
    Confirmation,
    SplitEvaluation,
    TopTrials,
    confirm,
    confirmation_reserve,
    plan_confirmation,
    with_confirmed,
)
from automl.search._ensemble import (
    DEFAULT_ENSEMBLE_SIZE,
    POOL_SIZE,
    Selection,
    nested_score,
    prediction_scorer,
    select,
)
from automl.search._evolution import Evolution
from automl.search._grid import GridSearch
from automl.search._individual import Fitness, Individual
from automl.search._pareto import (
    DEFAULT_FRONT_COSTS,
    FRONT_COSTS,
    CostLimits,
    front_costs,
    nothing_within,
    pareto_front,
    trial_cost,
)
from automl.search._random import RandomSearch
from automl.search._runner import (
    SearchResult,
    affordable_best,
    best_trial,
    candidate_limit,
    run_search,
)
from automl.search._strategy import Strategy

__all__ = [
    "DEFAULT_CONFIRM_REPEATS",
    "Confirmation",
    "SplitEvaluation",
    "TopTrials",
    "confirm",
    "confirmation_reserve",
    "plan_confirmation",
    "with_confirmed",
    "DEFAULT_FRONT_COSTS",
    "FRONT_COSTS",
    "CostLimits",
    "front_costs",
    "nothing_within",
    "pareto_front",
    "trial_cost",
    "DEFAULT_ENSEMBLE_SIZE",
    "POOL_SIZE",
    "BayesianSearch",
    "Budget",
    "Selection",
    "nested_score",
    "prediction_scorer",
    "select",
    "Evolution",
    "Fitness",
    "GridSearch",
    "Individual",
    "RandomSearch",
    "SearchResult",
    "STRATEGY_NAMES",
    "Strategy",
    "Surrogate",
    "check_strategy",
    "expected_improvement",
    "make_strategy",
    "affordable_best",
    "best_trial",
    "candidate_limit",
    "run_search",
]
