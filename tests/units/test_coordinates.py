"""nnfit.units._coordinates: the user's units to the network's and back, through the target's groups
and the scalers, so that no path that trains or predicts can miss a step."""

import numpy as np
import pytest

from nnfit.data import Target
from nnfit.units import Coordinates, find_groups


def test_without_groups_the_scalers_alone_carry_inputs_in_and_outputs_back():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(1, 1000, (200, 2)), rng.uniform(-5, 5, (200, 1))
    coordinates = Coordinates.fit(X, y, "standard", "standard")
    assert coordinates.width is None
    np.testing.assert_allclose(coordinates.inputs(X).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(coordinates.inputs(X).std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(coordinates.predictions(X, coordinates.targets(X, y)), y, rtol=1e-12)


def test_with_groups_the_network_sees_fewer_inputs_and_the_factor_comes_back():
    # I0 * h(theta*d/lambda_): four inputs, one group and a factor
    target = Target.of("I0 * cos(theta * d / lambda_)**2")
    rng = np.random.default_rng(1)
    ranges = {"I0": (0.1, 1), "theta": (1, 2), "d": (1, 5), "lambda_": (0.5, 1)}
    X = np.column_stack([rng.uniform(*ranges[name], 300) for name in target.inputs])
    y = target(X)
    groups = find_groups(target, X)
    assert groups is not None
    coordinates = Coordinates.fit(X, y, "standard", "standard", groups)
    assert coordinates.width == 1 and coordinates.inputs(X).shape == (300, 1)
    np.testing.assert_allclose(coordinates.predictions(X, coordinates.targets(X, y)), y, rtol=1e-10)


@pytest.mark.parametrize("kind", ["log", "minmax", "none"])
def test_every_scaling_kind_round_trips(kind):
    rng = np.random.default_rng(2)
    X, y = rng.uniform(1, 10, (50, 1)), rng.uniform(1, 100, (50, 1))
    coordinates = Coordinates.fit(X, y, kind, kind)
    np.testing.assert_allclose(coordinates.predictions(X, coordinates.targets(X, y)), y, rtol=1e-10)
