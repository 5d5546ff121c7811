"""Laws that are a product of powers of some inputs times a law of the rest: the product read from
the rows' log-log fit; the product times a sum claimed as a sum is, times a transformed sum as a
transformed law is (refit on the output where the rows are noisy); never where the output itself
has a law."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from law_samples import law_function, sample_law

from nnfit.data import Domain, Interval, Shell
from nnfit.laws import search_factored
from nnfit.laws._factored import factors

TORQUE = {"r": (1, 5), "F": (1, 5), "theta": (0, 5)}
MASS = {"m_0": (1, 5), "v": (1, 2), "c": (3, 10)}


@pytest.mark.parametrize(
    ("ranges", "law", "factor"),
    [
        (TORQUE, "r*F*sin(theta)", "F*r"),  # sin(theta) times two inputs: no term of the library
        (MASS, "m_0/sqrt(1 - v**2/c**2)", "m_0"),  # the quotient's 1/y**2 is a sum of two terms
    ],
    ids=["torque", "relativistic-mass"],
)
def test_a_law_that_is_a_product_times_a_law_of_the_rest_is_claimed_exactly(ranges, law, factor):
    X, y = sample_law(ranges, law)
    found = search_factored(X[:1600], y[:1600], X[1600:], y[1600:], list(ranges))
    assert found.expression is not None, found.evidence
    assert f"the output over {factor}" in found.evidence and found.floor == 1e-9
    # the law itself, not an approximation: equal to it on the 1-1.5x shell around the box
    box = Domain(tuple(Interval(name, lo, hi) for name, (lo, hi) in ranges.items()))
    far = box.sample_shell(Shell(1.0, 1.5), 2000, np.random.default_rng(1))
    with np.errstate(invalid="ignore"):  # beyond v = c the law has no value
        want, got = law_function(ranges, law)(*far.T), found.predict(far)
    defined = np.isfinite(want) & (far > 0).all(axis=1)  # v < c: where the law is defined
    assert defined.sum() > 500
    assert np.sqrt(np.mean((got[defined] - want[defined]) ** 2)) / want[defined].std() <= 1e-9


def test_the_factor_is_the_whole_powers_of_the_rows_log_log_fit():
    # y = m_0 * g(v, c): m_0's exponent is 1 to sampling error, v's and c's are not whole numbers
    X, y = sample_law(MASS, "m_0/sqrt(1 - v**2/c**2)")
    m_0, v, c = (sympy.Symbol(name, real=True) for name in MASS)
    assert factors(X, y, [m_0, v, c])[0] == m_0


def test_a_factor_beside_a_steep_rest_is_read_from_the_unweighted_fit():
    # I_0*(exp(q*Volt/(kb*T)) - 1): weighted by |y|, the rows where the exponential is steep
    # bend I_0's exponent (0.99-1.10 over draws); unweighted it stays within 0.01 of 1
    ranges = {"I_0": (1, 5), "q": (1, 2), "Volt": (1, 2), "kb": (1, 2), "T": (1, 2)}
    symbols = [sympy.Symbol(name, real=True) for name in ranges]
    for seed in range(3):
        X, y = sample_law(ranges, "I_0*(exp(q*Volt/(kb*T)) - 1)", n=1200, seed=seed)
        assert symbols[0] in factors(X, y, symbols)


def test_a_law_of_the_output_itself_is_claimed_without_a_factor():
    X, y = sample_law({"x": (1, 3), "y": (1, 3)}, "x**2 + 2*y")
    found = search_factored(X[:1600], y[:1600], X[1600:], y[1600:], ["x", "y"])
    assert str(found.expression) == "x**2 + 2*y" and "the output over" not in found.evidence


def test_noisy_rows_of_a_product_times_a_sum_are_claimed_as_a_sum_is():
    # 1 % noise on the torque: r*F times sin(theta) is a sum of one term, held to the noise tests
    X, y = sample_law(TORQUE, "r*F*sin(theta)", noise=0.01)
    found = search_factored(X[:1600], y[:1600], X[1600:], y[1600:], list(TORQUE))
    assert found.expression is not None, found.evidence
    assert "the output over F*r is a sum of terms" in found.evidence and found.floor > 1e-9
    coefficient, shape = found.expression.as_coeff_Mul()
    assert str(shape) == "F*r*sin(theta)" and abs(float(coefficient) - 1) <= 0.01


def test_noisy_rows_whose_quotient_is_a_transformed_sum_are_claimed_once_refit_on_the_output():
    # 1 % noise on the relativistic mass: divided by m_0, its 1/y**2 is 1 - v**2/c**2 to the noise;
    # m_0/sqrt(a - b*v**2/c**2), refit on the output, is held there to the tests a sum is
    X, y = sample_law(MASS, "m_0/sqrt(1 - v**2/c**2)", noise=0.01)
    found = search_factored(X[:1600], y[:1600], X[1600:], y[1600:], list(MASS))
    assert found.expression is not None, found.evidence
    assert "the output over m_0: 1/y**2 is a sum of 2 terms, refit on the output" in found.evidence
    m_0, v, c = (sympy.Symbol(name, real=True) for name in MASS)
    inside = sympy.expand((m_0 / found.expression) ** 2)
    assert abs(float(inside.coeff(v**2 / c**2)) + 1) <= 0.01 and abs(float(inside.subs(v, 0)) - 1) <= 0.01
