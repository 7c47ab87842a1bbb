"""The search tests' small regression table and its search space."""

import numpy as np
import pandas as pd
import pytest

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.graph import Graph, RegressionHead, StructuredDataInput
from automl.space import build_space


@pytest.fixture(scope="module")
def regression_table() -> tuple[pd.DataFrame, pd.Series]:
    """30 rows: 3 numeric columns, y mostly 2a."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    return frame, frame["a"] * 2 + rng.normal(scale=0.1, size=30)


@pytest.fixture(scope="module")
def space(regression_table):
    data = load_training_data(*regression_table, Task.REGRESSION)
    inp = StructuredDataInput()
    return build_space(Graph(inp, RegressionHead()(StructuredDataBlock()(inp))), data.spec)
