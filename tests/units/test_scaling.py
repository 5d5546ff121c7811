"""Scalers: each kind's statistics, exact round trips, and constant columns."""

import numpy as np
import pytest

from nnfit.units._scaling import KINDS, Scaler

V = np.array([[0.0, 5.0], [10.0, 5.0], [20.0, 5.0]])


@pytest.mark.parametrize(
    "kind, first_column",
    [
        ("standard", (V[:, 0] - 10) / np.std(V[:, 0])),
        ("minmax", [-1.0, 0.0, 1.0]),
        ("none", V[:, 0]),
    ],
)
def test_transform(kind, first_column):
    scaler = Scaler.fit(V, kind)
    np.testing.assert_allclose(scaler.transform(V)[:, 0], first_column)


@pytest.mark.parametrize("kind", KINDS)
def test_inverse_round_trips(kind):
    scaler = Scaler.fit(V, kind)
    np.testing.assert_allclose(scaler.inverse(scaler.transform(V)), V, rtol=1e-15)


@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_constant_column_stays_finite(kind):
    z = Scaler.fit(V, kind).transform(V)[:, 1]
    assert np.all(np.isfinite(z)) and np.all(z == 0)
