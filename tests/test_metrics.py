"""nnfit.metrics: every metric against its definition, over several outputs, and how intervals held."""

import numpy as np
import pytest

from nnfit.metrics import interval_metrics, metrics


def test_metrics_match_their_definitions():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.0, 2.0, 3.0, 6.0])
    m = metrics(y, pred)
    rmse = np.sqrt(4 / 4)
    assert m["n"] == 4
    assert m["rmse"] == pytest.approx(rmse, rel=1e-12)
    assert m["rrmse"] == pytest.approx(rmse / np.std(y), rel=1e-12)
    assert m["mae"] == pytest.approx(0.5, rel=1e-12)
    assert m["max_abs_error"] == pytest.approx(2.0, rel=1e-12)
    assert m["r2"] == pytest.approx(1 - 4 / np.sum((y - y.mean()) ** 2), rel=1e-12)


def test_metrics_average_over_outputs():
    y = np.stack([np.arange(5.0), 10 * np.arange(5.0)], axis=1)
    m = metrics(y, y + [[1.0, 0.0]])
    assert m["rmse"] == pytest.approx(0.5)
    assert m["max_abs_error"] == pytest.approx(1.0)


def test_interval_metrics_count_the_values_held_and_leave_out_the_points_beyond():
    y = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    lower = np.array([[0.5], [2.5], [2.0], [3.9], [np.nan]])
    upper = np.array([[1.5], [3.0], [4.0], [4.1], [np.nan]])
    measured = interval_metrics(y, lower, upper)
    assert measured == {"coverage": 0.75, "width": pytest.approx(0.75), "beyond": 1}  # widths 1, 0.5, 2, 0.2
    assert interval_metrics(y[:1], lower[:1], upper[:1]) == {"coverage": 1.0, "width": 1.0}
    assert interval_metrics(y[4:], lower[4:], upper[4:]) == {"beyond": 1}


def test_values_whose_squares_overflow_still_get_their_errors():
    # a decay formula two domains out reaches 1e229: the squares pass float64's range, the values do not
    found = metrics(np.array([[1e200], [2e200], [3e200]]), np.zeros((3, 1)))
    assert found["rmse"] == pytest.approx(np.sqrt(14 / 3) * 1e200, rel=1e-12)
    assert found["rrmse"] == pytest.approx(np.sqrt(14 / 3) / np.sqrt(2 / 3), rel=1e-12)
    assert found["r2"] == pytest.approx(1 - 7, rel=1e-12)
