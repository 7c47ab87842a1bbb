import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def restored_block_registry():
    """The block registries as they were before the test: blocks it registers are gone after
    it, so no other test finds them."""
    from automl.graph import _block

    saved = dict(_block._REGISTRY), dict(_block._LAYERS)
    yield
    for registry, before in zip((_block._REGISTRY, _block._LAYERS), saved):
        registry.clear()
        registry.update(before)


@pytest.fixture
def mixed_table() -> tuple[pd.DataFrame, np.ndarray]:
    """60 rows: numeric with missing values, a categorical string column, a bool column."""
    rng = np.random.default_rng(0)
    n = 60
    age = rng.normal(40, 10, n)
    age[::7] = np.nan
    city = rng.choice(["paris", "rome", "oslo"], n).astype(object)
    city[::9] = None
    member = rng.random(n) < 0.5
    income = rng.normal(0, 1, n)
    label = np.where(income + (city == "rome") + rng.normal(0, 0.5, n) > 0.5, "yes", "no")
    frame = pd.DataFrame({"age": age, "city": city, "member": member, "income": income})
    return frame, label


@pytest.fixture
def regression_table() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(1)
    n = 60
    x = rng.normal(size=(n, 3))
    colour = rng.choice(["red", "green"], n)
    y = 2 * x[:, 0] - x[:, 1] + (colour == "red") + rng.normal(0, 0.1, n)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "colour": colour})
    return frame, y
