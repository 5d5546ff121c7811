"""Closed forms found in data: the seeds' laws recovered exactly from data files and trusted far
outside their domain; targets outside the library and pure noise get no claim; a library too large
for memory is refused with its size."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from law_samples import sample_law

from nnfit.laws import search


@pytest.mark.parametrize(
    ("ranges", "law"),
    [
        ({"x": (-2, 2), "y": (-2, 2)}, "sin(x*y)/(1 + x**2)"),
        ({"x": (0, 1)}, "Abs(x - 0.3)"),  # a kink
        ({"x": (0, 3), "y": (0, 3)}, "besselj(0, x) * y"),  # a Bessel function: not a sum of the terms
    ],
)
def test_a_law_outside_the_library_is_not_claimed(ranges, law):
    X, y = sample_law(ranges, law.replace("besselj(0, x)", "(1 - x**2/4 + x**4/64 - x**6/2304)"))
    found = search(X[:1600], y[:1600], X[1600:], y[1600:], list(ranges), exact=True)
    assert found.expression is None and found.evidence.startswith("no closed form was found in the library")
    assert found.candidates  # the best tries are still shown, with their errors


@pytest.mark.parametrize(
    ("ranges", "law", "approximation"),
    [
        ({"x": (0, 2)}, "x**5 + x", "23.1144*x**3 - 139.421*x + 140.565*sin(x)"),
        ({"x": (0, 3)}, "1 - x**2/4 + x**4/64 - x**6/2304", "-0.0606848*x**2 + 0.377366*cos(x) + 0.622168"),
    ],
)
def test_a_sum_that_fits_noisy_rows_but_not_their_edges_is_not_claimed(ranges, law, approximation):
    # within 1 % noise inside the data, these sums are the truth's approximations, not the truth
    X, y = sample_law(ranges, law, noise=0.01)
    found = search(X[:1600], y[:1600], X[1600:], y[1600:], list(ranges))
    assert found.expression is None
    assert found.evidence == (
        f"no closed form was claimed: the simplest at the noise floor {found.floor:.3g}, {approximation}, "
        "refit on the inner rows, misses the outer ones beyond the noise: it does not extrapolate"
    )


def test_pure_noise_gets_no_claim():
    rng = np.random.default_rng(3)
    X, y = rng.uniform(0, 1, (2000, 2)), rng.standard_normal(2000)
    found = search(X[:1600], y[:1600], X[1600:], y[1600:], ["a", "b"])
    assert found.expression is None


def test_one_percent_noise_still_gives_the_law_at_the_noise_floor():
    X, y = sample_law({"q": (1, 5), "E": (1, 5), "m": (1, 5)}, "q*E/m", noise=0.01)
    found = search(X[:1600], y[:1600], X[1600:], y[1600:], ["q", "E", "m"])
    q, E, m = sympy.symbols("q E m", real=True)
    assert found.expression is not None and found.expression.free_symbols == {q, E, m}
    assert 0.008 <= found.floor <= 0.013  # the noise added: 1 % of the spread


def test_a_sum_of_products_and_a_function_of_one_input_is_found_with_each_fraction():
    # the log of a Gaussian, log(exp(-((theta - theta1)/sigma)**2/2)/(sqrt(2*pi)*sigma)): five terms,
    # log(sigma) among them, found by thresholding; each coefficient a fraction but log(sqrt(2*pi))
    ranges = {"sigma": (1, 3), "theta": (1, 3), "theta1": (1, 3)}
    X, y = sample_law(ranges, "-((theta - theta1)/sigma)**2/2 - log(sigma) - log(2*pi)/2", n=1500)
    found = search(X[:1200], y[:1200], X[1200:], y[1200:], list(ranges))
    sigma, theta, theta1 = (sympy.Symbol(name, real=True) for name in ranges)
    known = -(theta**2) / (2 * sigma**2) + theta * theta1 / sigma**2 - theta1**2 / (2 * sigma**2) - sympy.log(sigma)
    terms = [term for term in sympy.Add.make_args(found.expression) if not term.is_number]
    assert all(term.as_coeff_Mul()[0].is_Rational for term in terms), found.expression
    constant = sympy.expand(found.expression - known)
    assert constant.is_Float and float(constant) == pytest.approx(-np.log(2 * np.pi) / 2, abs=1e-12), found.expression
