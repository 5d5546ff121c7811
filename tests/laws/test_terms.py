"""The library of candidate terms: which terms an input's signs allow, their columns against NumPy's
own values, and a library too large for memory refused with its size."""

import numpy as np
import pytest
import sympy

from nnfit.errors import NnfitError
from nnfit.laws import Library

X_POS_Y_SIGNED = np.array([[1.0, -1.0], [2.0, 1.0], [1.5, 0.25]])  # x in 1..2, y crosses zero


x, y = sympy.symbols("x y", real=True)


@pytest.mark.parametrize(
    "term, present",
    [
        (1 / x, True),  # x keeps clear of zero: its negative powers are terms
        (x**-2 * y, True),
        (1 / y, False),  # y crosses zero: none of its
        (sympy.sqrt(x), True),  # x is positive: sqrt and log of it
        (sympy.log(x) * y, True),
        (sympy.sqrt(y), False),
        (sympy.sin(y), True),  # sin and cos of anything
        (sympy.cos(x * y) * x, True),
        (sympy.exp(-x / y), False),  # a ratio over an input that crosses zero
        (sympy.exp(y / x), True),
        (x**2 * y, True),
        (x**3 * y, False),  # total power over DEGREE
    ],
)
def test_the_terms_follow_from_each_inputs_signs(term, present):
    library = Library.for_data(X_POS_Y_SIGNED, ["x", "y"])
    assert (term in library.terms) is present


def test_the_columns_are_the_terms_values():
    library = Library.for_data(X_POS_Y_SIGNED, ["x", "y"])
    columns = library.columns(X_POS_Y_SIGNED)
    xs, ys = X_POS_Y_SIGNED.T
    expected = {1 / x: 1 / xs, sympy.sqrt(x): np.sqrt(xs), sympy.cos(x * y) * x: np.cos(xs * ys) * xs, 1: np.ones(3)}
    for term, values in expected.items():
        np.testing.assert_allclose(columns[:, library.terms.index(sympy.sympify(term))], values, rtol=1e-15)


def test_a_library_too_large_for_memory_is_refused_with_its_size():
    X = np.random.default_rng(0).uniform(1, 2, (10, 9))
    library = Library.for_data(X, [f"x{i}" for i in range(9)])
    rows = 2**30 // (8 * len(library.terms)) + 1
    with pytest.raises(NnfitError, match=rf"the library of {len(library.terms)} terms over {rows} rows needs .* GiB"):
        library.columns(np.ones((rows, 9)))
