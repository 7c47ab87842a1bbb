"""Hyperparameter declarations: sampling and perturbation stay in range; narrowing; fixing."""

import numpy as np
import pytest

from automl.hyperparameters import Bool, Choice, Fixed, Float, Int

DECLARATIONS = [
    Float(0.01, 10.0, log=True, default=1.0),
    Float(0.0, 1.0),
    Int(1, 50, log=True, default=5),
    Int(2, 3),
    Choice(("a", "b", None)),
    Bool(True),
    Fixed(7),
]


@pytest.mark.parametrize("hp", DECLARATIONS, ids=repr)
def test_samples_and_neighbours_stay_in_range(hp):
    rng = np.random.default_rng(0)
    assert hp.contains(hp.default)
    value = hp.default
    for _ in range(300):
        assert hp.contains(hp.sample(rng))
        value = hp.perturb(value, rng)
        assert hp.contains(value)


def test_perturb_moves_when_it_can():
    rng = np.random.default_rng(0)
    assert all(Int(1, 3).perturb(2, rng) != 2 for _ in range(50))
    assert all(Choice(("x", "y")).perturb("x", rng) == "y" for _ in range(10))


def test_log_float_samples_cover_the_decades():
    rng = np.random.default_rng(0)
    samples = np.array([Float(1e-4, 1.0, log=True).sample(rng) for _ in range(2000)])
    decades = np.histogram(np.log10(samples), bins=4, range=(-4, 0))[0]
    assert decades.min() > 350  # ~500 each if log-uniform; a linear draw would put ~0 in most


def test_narrow_and_its_errors():
    narrowed = Int(1, 50).narrow([5, 10])
    assert (narrowed.low, narrowed.high) == (5, 10) and narrowed.contains(narrowed.default)
    assert Choice(("a", "b", "c")).narrow(["b", "c"]).options == ("b", "c")
    with pytest.raises(ValueError, match=r"must lie inside \[1, 50\]"):
        Int(1, 50).narrow([0, 10])
    with pytest.raises(ValueError, match="'z' is not an option"):
        Choice(("a", "b")).narrow(["z"])
    with pytest.raises(ValueError, match=r"expected \[low, high\]"):
        Float(0.0, 1.0).narrow("wide")


def test_fixed_values_are_type_checked_not_range_checked():
    assert Int(50, 400).validate(1000) == 1000
    with pytest.raises(ValueError, match="must be an integer; received 2.5"):
        Int(1, 10).validate(2.5, "n")
    with pytest.raises(ValueError, match="must be a positive number"):
        Float(0.1, 1.0, log=True).validate(-1.0)
    with pytest.raises(ValueError, match="must be one of 'a', 'b'"):
        Choice(("a", "b")).validate("c")
    with pytest.raises(ValueError):
        Bool().validate(1)  # 1 is not True here: options are matched by type too
