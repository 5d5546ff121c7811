"""Laws that are a ratio of a sum of terms to 1 + b*s, s a product of powers: the denominator
ranked first over every product of powers at once, the simplest that fits exactly tried first, the
numerator then searched as a sum; claimed only where the ratio reaches round-off."""

from __future__ import annotations

import pytest
import sympy
from law_samples import sample_law

from nnfit.laws._rational import _denominators, search_rational
from nnfit.laws._terms import Design

VELOCITIES = {"c": (1, 5), "v": (1, 5), "u": (1, 5)}  # AI Feynman's I.16.6
CENTRE = {"m1": (1, 5), "m2": (1, 5), "r1": (1, 5), "r2": (1, 5)}  # I.18.4


def _searched(ranges, law, noise=0.0):
    X, y = sample_law(ranges, law, n=1500, noise=noise)
    names = list(ranges)
    design = Design.of(X[:1200], X[1200:], names)
    return search_rational(X[:1200], y[:1200], X[1200:], y[1200:], names, design=design), design, y


@pytest.mark.parametrize(
    ("ranges", "law"),
    [
        (VELOCITIES, "(u + v)/(1 + u*v/c**2)"),  # relativistic addition of velocities
        (CENTRE, "(m1*r1 + m2*r2)/(m1 + m2)"),  # no constant below: found as (r1 + m2*r2/m1)/(1 + m2/m1)
        ({"n": (0, 1), "alpha": (0, 1)}, "1 + n*alpha/(1 - n*alpha/3)"),  # inputs from 0: no 1/x terms
    ],
    ids=["velocities", "centre-of-mass", "clausius-mossotti"],
)
def test_a_ratio_of_sums_on_exact_rows_is_found_as_the_law_itself(ranges, law):
    found, _, _ = _searched(ranges, law)
    assert found is not None
    symbols = {name: sympy.Symbol(name, real=True) for name in ranges}
    assert sympy.simplify(found - sympy.sympify(law, locals=symbols)) == 0, found


def test_of_denominators_that_fit_alike_the_simplest_comes_first():
    # (m1*r1 + m2*r2)/(m1 + m2) is also (...)/(1 - m2**2/m1**2) times (m1 - m2)/(m1 - m2)
    X, y = sample_law(CENTRE, "(m1*r1 + m2*r2)/(m1 + m2)", n=1200)
    design = Design.of(X[:1000], X[1000:], list(CENTRE))
    (first, b), *_ = _denominators(design, y[:1000])
    assert str(design.library.terms[first]) in ("m2/m1", "m1/m2") and b == pytest.approx(1.0, abs=1e-6)


def test_noisy_rows_get_no_ratio():
    # y*s carries y's noise: no denominator fits to round-off, so none is searched
    found, design, y = _searched(VELOCITIES, "(u + v)/(1 + u*v/c**2)", noise=0.01)
    assert found is None and _denominators(design, y[:1200]) == []


def test_a_law_that_is_no_ratio_of_sums_gets_none():
    found, _, _ = _searched({"x": (1, 3), "t": (1, 3)}, "x*exp(-t/x)")
    assert found is None
