"""nnfit.data._points: query points read from text in input order, and the errors at each."""

import numpy as np
import pytest

from nnfit.data import Query, parse_points
from nnfit.errors import NnfitError


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
