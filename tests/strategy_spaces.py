"""What the strategy tests search: a small linear table and a space of two models over it."""

import numpy as np
import pandas as pd

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.graph import Graph, RegressionHead, StructuredDataInput
from automl.space import build_space


def linear_table(rows=40):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=list("abc"))
    return frame, frame["a"] * 2 + rng.normal(scale=0.1, size=rows)


def two_model_space():
    """KNeighbors (n_neighbors 1..50 log, weights, p) and ElasticNet (alpha, l1_ratio)."""
    data = load_training_data(*linear_table(), Task.REGRESSION)
    inp = StructuredDataInput()
    block = StructuredDataBlock(models=["KNeighbors", "ElasticNet"], max_preprocessors=0)
    return build_space(Graph(inp, RegressionHead()(block(inp))), data.spec)
