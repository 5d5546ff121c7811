"""nnfit.checks._shape: the data's noise and the target's turns, measured."""

import numpy as np
import pytest

import nnfit
from nnfit.checks._shape import noise_level, turns
from nnfit.data import prepare


def test_the_noise_estimate_matches_the_noise_added():
    # sin(x) plus normal noise of 0.3 on 0:6: 0.38 of the targets' spread (measured 0.39 from 300 to 4000 rows)
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 6, (1000, 1))
    y = np.sin(x) + rng.normal(0, 0.3, (1000, 1))
    assert noise_level(x, y) == pytest.approx(0.3 / y.std(), rel=0.15)
    assert noise_level(x, np.sin(x)) < 0.01


@pytest.mark.parametrize(
    "formula, domain, expected",
    [("sin(10*x)", "x=0:6", [19]), ("x**2", "x=-1:1", [1]), ("sin(3*x)*y", "x=0:6, y=1:2", [6, 0])],
)
def test_turns_are_counted_along_each_input(formula, domain, expected):
    # sin(10*x) turns where 10*x = pi/2 + k*pi: 19 times on 0:6
    target, space, _ = prepare(nnfit.Task(target=formula, domain=domain, samples=100), np.random.default_rng(0))
    assert list(turns(target, space, np.random.default_rng(0))) == expected
