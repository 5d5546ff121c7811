"""Metrics against hand-computed values, and query point parsing."""

import numpy as np
import pytest

from nnfit.errors import NnfitError
from nnfit.evaluate import Query, metrics, parse_points


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


def test_query_errors():
    q = Query((200.0, 2000.0), (30548.9,), (44000.0,), False)
    assert q.abs_error == pytest.approx(13451.1)
    assert q.rel_error == pytest.approx(13451.1 / 44000)
    assert Query((1.0,), (2.0,), None, True).rel_error is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45,100; 10,20", [[45, 100], [10, 20]]),
        ("(45, 100);(1e3, -2)", [[45, 100], [1000, -2]]),
        ("45 100\n10 20", [[45, 100], [10, 20]]),
    ],
)
def test_parse_points(text, expected):
    np.testing.assert_array_equal(parse_points(text, ("x", "y")), expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("45", "has 1 value; give 2, in the order x, y"),
        ("1,2,3", "has 3 values"),
        ("a,b", "not a number"),
        ("", "no points given"),
        ("nan,1", "not finite"),
    ],
)
def test_bad_points(text, message):
    with pytest.raises(NnfitError, match=message):
        parse_points(text, ("x", "y"))


def test_relative_error_is_undefined_where_the_truth_is_zero():
    assert Query((0.0,), (0.1,), (0.0,), True).rel_error is None
