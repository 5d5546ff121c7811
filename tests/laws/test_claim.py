"""nnfit.laws._claim: a law's shape, refit where it is measured, and the tests a law of noisy rows
must pass to be claimed: residuals like noise, and a refit on the inner rows that predicts the outer."""

from __future__ import annotations

import numpy as np
import sympy
from law_samples import sample_law

from nnfit.laws._claim import Shape, _series, doubt, neighbours

HARMONIC = {"d1": (1, 5), "d2": (1, 5), "n": (1, 5)}
d1, d2, n = (sympy.Symbol(name, real=True) for name in HARMONIC)


def _reciprocal_of(terms):
    return Shape.inverted(terms, (d1, d2, n), lambda e: 1 / e)


def test_a_sums_shape_is_its_terms_without_their_coefficients():
    shape = Shape.of_sum(3 * d1 / d2 + n / 2, (d1, d2, n))
    assert set(shape.terms) == {d1 / d2, n} and shape.outer is None


def test_a_law_under_an_inverse_is_refit_from_a_rough_start_to_its_coefficients():
    X, y = sample_law(HARMONIC, "1/(2/d1 + 3*n/d2)")
    shape = _reciprocal_of((1 / d1, n / d2))
    fitted = shape.on(X).fit(y, start=np.array([1.0, 1.0]))
    assert np.allclose(fitted, [2.0, 3.0], rtol=1e-9)


def test_the_jacobian_of_a_law_under_an_inverse_is_its_slope_in_each_coefficient():
    X, _ = sample_law(HARMONIC, "d1")
    shape = _reciprocal_of((1 / d1, n / d2))
    rows, c, step = shape.on(X[:50]), np.array([2.0, 3.0]), 1e-6
    numeric = np.column_stack(
        [(rows.predict(c + step * e) - rows.predict(c - step * e)) / (2 * step) for e in np.eye(2)]
    )
    assert np.allclose(rows.jacobian(c), numeric, rtol=1e-6)


def test_a_factor_multiplies_the_law_and_its_slopes():
    X, y = sample_law(HARMONIC, "n/(2/d1 + 3*n/d2)")
    shape = Shape.inverted((1 / d1, n / d2), (d1, d2, n), lambda e: 1 / e, factor=n)
    rows = shape.on(X)
    assert np.allclose(rows.fit(y, start=np.array([1.0, 1.0])), [2.0, 3.0], rtol=1e-9)
    assert np.allclose(
        rows.jacobian(np.array([2.0, 3.0])),
        X[:, [2]] * _reciprocal_of((1 / d1, n / d2)).on(X).jacobian(np.array([2.0, 3.0])),
    )


def test_a_true_law_of_noisy_rows_gives_no_doubt():
    X, y = sample_law(HARMONIC, "1/(1/d1 + n/d2)", noise=0.01)
    shape = _reciprocal_of((1 / d1, n / d2))
    c = shape.on(X).fit(y, start=np.array([1.0, 1.0]))
    assert doubt(1 / (c[0] / d1 + c[1] * n / d2), shape, X, y, neighbours(X), start=c) == ""


def test_an_approximation_within_the_noise_is_doubted_at_the_edges():
    # a quadratic through exp(x) on [0, 3] at 1 % noise: its residuals pass for noise, its edges do not
    X, y = sample_law({"x": (0, 3)}, "exp(x)", noise=0.01)
    x = sympy.Symbol("x", real=True)
    shape = Shape((sympy.Integer(1), x, x**2), (x,))
    c = shape.on(X).fit(y, start=np.zeros(3))
    reason = doubt(c[0] + c[1] * x + c[2] * x**2, shape, X, y, neighbours(X), start=c)
    assert reason in (
        "leaves residuals that neighbouring rows share: it misses part of the truth",
        "refit on the inner rows, misses the outer ones beyond the noise: it does not extrapolate",
    )


def test_a_sum_of_functions_of_one_argument_is_doubted_as_a_series():
    # 1 + n*alpha/(1 - n*alpha/3) with 1 % noise: fitted by exp(u) and exp(-u), u = n*alpha, to the noise
    X, y = sample_law({"n": (0, 1), "alpha": (0, 1)}, "1 + n*alpha/(1 - n*alpha/3)", noise=0.01)
    n_, alpha = sympy.symbols("n alpha", real=True)
    u = n_ * alpha
    series = 0.79 * sympy.exp(u) + 0.43 - 0.22 * sympy.exp(-u)
    shape = Shape.of_sum(series, (n_, alpha))
    reason = doubt(series, shape, X, y, neighbours(X), start=np.array([0.79, 0.43, -0.22]))
    assert reason == "is a series in alpha*n: an approximation of some function of it, not its law"
    # a polynomial in one input is no such series, nor are functions of two arguments
    x, z = sympy.symbols("x z", real=True)
    assert _series(x**2 + 3 * x) is None and _series(sympy.sin(x) + sympy.cos(z)) is None
